// B10: `hpm test` at scale (issue 30 item 5). A generated registry of 8 groups x 6 options (1-of-N,
// each option a local uv_build package in a temporary folder), pairwise, a CPU-bound command of
// about a second (a Python busy loop), environments created from an empty cache: the wall time
// with --jobs 2 against --jobs 1, and a second run with nothing changed (every environment and every
// result reused: the command runs nowhere) against the first. Printed, never asserted.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { figure } from "./figures.mjs";
import { BIN, hermetic, mkdirSync, readFileSync, tempDir, writeFileSync, writePackage } from "./lib.mjs";

const GROUPS = 8;
const OPTIONS = 6;
/** About a second of one core: the loop stops when the process has used 1 s of CPU time. */
const BUSY = "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.0: pass\n";

function project() {
	const dir = tempDir("hpm-bench-test-");
	mkdirSync(path.join(dir, "registry/packages"), { recursive: true });
	mkdirSync(path.join(dir, "registry/groups"), { recursive: true });
	for (let g = 0; g < GROUPS; g++) {
		const names = [];
		for (let o = 0; o < OPTIONS; o++) {
			const name = `comp-${g}-${o}`;
			names.push(name);
			writePackage(path.join(dir, "packages", name), name);
			writeFileSync(
				path.join(dir, "registry/packages", `${name}.yaml`),
				`name: "${name}"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/${name}"\n`,
			);
		}
		writeFileSync(
			path.join(dir, "registry/groups", `g${g}.yaml`),
			`name: "g${g}"\nstrategy: "1-of-N"\nrequired: true\noptions:\n${names.map((n) => `  - name: "${n}"`).join("\n")}\n`,
		);
	}
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "bench-test"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nmode = "prod"\n`,
	);
	writeFileSync(path.join(dir, "busy.py"), BUSY);
	return dir;
}

/**
 * Runs a command and says on its last line of stderr the CPU seconds it and everything it waited
 * for used (getrusage of its children: hpm, uv, the builds and the commands).
 */
const CPU =
	"import resource, subprocess, sys\nsubprocess.run(sys.argv[1:])\nr = resource.getrusage(resource.RUSAGE_CHILDREN)\nprint(f'CPU {r.ru_utime + r.ru_stime}', file=sys.stderr)\n";

/** One `hpm test` run: its wall time and CPU time, and how many environments it built and reused. */
function run(dir, cache, jobs) {
	const start = process.hrtime.bigint();
	const result = spawnSync(
		"python3",
		["-c", CPU, process.execPath, BIN, "test", "--json", "--jobs", String(jobs), "--", "python", "busy.py"],
		{
			cwd: dir,
			env: hermetic({ HPM_CACHE_DIR: cache }),
			encoding: "utf8",
			maxBuffer: 64 * 1024 * 1024,
		},
	);
	const ms = Number(process.hrtime.bigint() - start) / 1e6;
	const cpu = Number(/CPU ([\d.]+)\s*$/.exec(result.stderr)?.[1] ?? Number.NaN) * 1000;
	const out = JSON.parse(result.stdout);
	// a combination that did not pass is said, with its first failing line and log (the machine is shared)
	for (const c of out.combinations.filter((x) => x.status !== "passed").slice(0, 3))
		console.error(
			`B10: ${c.status} ${c.combination}: ${c.firstFailingLine}\n${readFileSync(c.log, "utf8").slice(-1500)}`,
		);
	const count = (what) => out.combinations.filter((c) => c.environment === what).length;
	const failed = out.combinations.length - count("built") - count("reused");
	const results = out.combinations.filter((c) => c.reused === true).length;
	return {
		ms,
		cpu,
		combinations: out.combinations.length,
		built: count("built"),
		reused: count("reused"),
		results,
		failed,
	};
}

export const B10 = {
	title:
		"B10 hpm test, 8 groups x 6 options pairwise, a 1 s CPU-bound command (targets: --jobs 2 ≤ 0.6x --jobs 1; a second run ≤ 0.25x the first)",
	setup: () => ({ dir: project() }),
	round: ({ dir }) => {
		const sequential = run(dir, tempDir("hpm-bench-test-cache-"), 1);
		const cache = tempDir("hpm-bench-test-cache-");
		const parallel = run(dir, cache, 2);
		const again = run(dir, cache, 2);
		return [
			figure("B10", "combinations (pairwise); without an environment in the three runs", {
				value: `${sequential.combinations}; ${sequential.failed} / ${parallel.failed} / ${again.failed}`,
			}),
			figure("B10", "environments built, first run / reused, second run", {
				value: `${parallel.built} / ${again.reused}`,
				target: { text: again.reused === again.combinations ? "all reused ✓" : "all reused ✗" },
			}),
			figure("B10", "--jobs 1, from an empty cache", { ms: sequential.ms }),
			figure("B10", "--jobs 2, from an empty cache (baseline: --jobs 1)", {
				ms: parallel.ms,
				base: { name: "--jobs 1", ms: sequential.ms },
				target: { ratio: 0.6 },
			}),
			// nothing changed: each combination's result is reused, the command runs nowhere
			figure("B10", "results reused, second run (the command ran in none)", {
				value: `${again.results} of ${again.combinations}`,
				target: { text: again.results === again.combinations ? "all reused ✓" : "all reused ✗" },
			}),
			// CPU time does not depend on what else the shared machine runs as wall time does
			figure("B10", "CPU seconds: --jobs 1 / --jobs 2 / again (the command alone: N x 1 s)", {
				value: [sequential, parallel, again].map((r) => (r.cpu / 1000).toFixed(1)).join(" / "),
			}),
			figure("B10", "CPU of the second run / the first", {
				value: again.cpu / parallel.cpu,
				digits: 2,
				unit: "x",
			}),
			figure("B10", "--jobs 2 again, nothing changed (baseline: the first)", {
				ms: again.ms,
				base: { name: "first --jobs 2", ms: parallel.ms },
				target: { ratio: 0.25 },
			}),
		];
	},
};
