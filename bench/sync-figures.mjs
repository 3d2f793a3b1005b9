// B3, B4, B7: what hpm asks of uv, against a hand-written uv command doing the same, and the
// component graph's static work.
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { figure } from "./figures.mjs";
import {
	BIN,
	cpSync,
	EXAMPLE,
	hermetic,
	interleaved,
	median,
	mkdirSync,
	readFileSync,
	rmSync,
	RUNS,
	tempDir,
	time,
	UV,
	uvSpy,
	writeFileSync,
	writePackage,
} from "./lib.mjs";

const node = process.execPath;

/** A project with ten tiny local packages, offered by one M-of-N group. */
function componentsProject() {
	const template = tempDir("hpm-bench-proj-");
	const names = Array.from({ length: 10 }, (_, i) => `comp-${i}`);
	for (const name of names) writePackage(path.join(template, "packages", name), name);
	mkdirSync(path.join(template, "registry/packages"), { recursive: true });
	mkdirSync(path.join(template, "registry/groups"), { recursive: true });
	for (const name of names)
		writeFileSync(
			path.join(template, "registry/packages", `${name}.yaml`),
			`name: "${name}"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/${name}"\n`,
		);
	writeFileSync(
		path.join(template, "registry/groups/components.yaml"),
		`name: "components"\nstrategy: "M-of-N"\noptions:\n${names.map((n) => `  - name: "${n}"`).join("\n")}\n`,
	);
	const project = (selected) => {
		const dir = tempDir("hpm-bench-run-");
		cpSync(template, dir, { recursive: true });
		writeFileSync(
			path.join(dir, "pyproject.toml"),
			`[project]\nname = "bench"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm.groups]\ncomponents = [${selected.map((n) => `"${n}"`).join(", ")}]\n`,
		);
		return dir;
	};
	const spy = uvSpy();
	const env = hermetic({
		UV_CACHE_DIR: tempDir("hpm-bench-uvcache-"),
		PATH: spy.path,
		HPM_UV: spy.bin,
		HPM_CACHE_DIR: tempDir("hpm-bench-cache-"),
	});
	return { names, project, spy, env };
}

export const B3 = {
	title: "B3 hpm sync selecting N options vs one hand-written `uv add` (targets: exactly one uv add, ≤ 1.15x)",
	setup: componentsProject,
	round: ({ names, project, spy, env }) =>
		[1, 3, 10].flatMap((n) => {
			const selected = names.slice(0, n);
			const hpmTimes = [];
			const uvTimes = [];
			let calls = [];
			for (let i = 0; i < Math.max(5, Math.floor(RUNS / 2)); i++) {
				const a = project(selected);
				spy.reset();
				hpmTimes.push(time(node, [BIN, "sync"], { cwd: a, env, stdio: ["ignore", "ignore", "pipe"] }));
				calls = spy.calls();
				const b = project(selected);
				uvTimes.push(time(UV, ["add", "--no-workspace", ...selected.map((s) => `./packages/${s}`)], { cwd: b, env }));
			}
			// a read-only `uv sync --locked --check` edits nothing
			const editing = calls
				.map((line) => line.split(" "))
				.filter(([verb, ...rest]) => ["add", "remove", "sync", "lock"].includes(verb) && !rest.includes("--check"))
				.map(([verb]) => verb);
			return [
				figure("B3", `hpm sync of ${n}: uv editing calls`, {
					value: `${editing.length} (${editing.join(", ")})`,
					target: { text: editing.length === 1 ? "1 ✓" : "1 ✗" },
				}),
				figure("B3", `hpm sync of ${n}`, {
					ms: median(hpmTimes),
					base: { name: "uv add", ms: median(uvTimes) },
					target: { ratio: 1.15 },
				}),
			];
		}),
};

export const B4 = {
	title: "B4 hpm check vs uv lock --dry-run on the same would-be project (target ≤ 1.2x)",
	setup: () => {
		const { names, project, env } = componentsProject();
		const selected = names.slice(0, 3);
		const a = project(selected);
		// the would-be project: the same dependencies written by uv without locking
		const b = project(selected);
		execFileSync(UV, ["add", "--frozen", "--no-workspace", ...selected.map((s) => `./packages/${s}`)], {
			cwd: b,
			env,
			stdio: "ignore",
		});
		return { a, b, env };
	},
	round: ({ a, b, env }) => {
		const [uvLock, check] = interleaved([
			{ name: "uv lock --dry-run", run: () => time(UV, ["lock", "--dry-run"], { cwd: b, env }) },
			{ name: "hpm check", run: () => time(node, [BIN, "check"], { cwd: a, env }) },
		]);
		return [figure("B4", check.name, { ms: check.ms, base: uvLock, target: { ratio: 1.2 } })];
	},
};

export const B7 = {
	title:
		"B7 the component graph on 20 groups x 10 options (targets: static rules < 20 ms beyond loading, pairwise plan < 1 s)",
	setup: () => {
		const dir = tempDir("hpm-bench-graph-");
		mkdirSync(path.join(dir, "registry/packages"), { recursive: true });
		mkdirSync(path.join(dir, "registry/groups"), { recursive: true });
		for (let g = 0; g < 20; g++) {
			const options = [];
			for (let o = 0; o < 10; o++) {
				const name = `p-${g}-${o}`;
				options.push(
					`  - name: "${name}"${o === 1 && g > 0 ? `\n    requires: ["g${g - 1}=p-${g - 1}-1"]` : ""}${o === 2 && g > 0 ? `\n    conflicts: ["g${g - 1}=p-${g - 1}-3"]` : ""}`,
				);
				writeFileSync(
					path.join(dir, "registry/packages", `${name}.yaml`),
					`name: "${name}"\nversion: "1.0.0"\nsources:\n  prod:\n    type: "git"\n    url: "https://example.com/${name}.git"\n`,
				);
			}
			writeFileSync(
				path.join(dir, "registry/groups", `g${g}.yaml`),
				`name: "g${g}"\nstrategy: "1-of-N"\noptions:\n${options.join("\n")}\n`,
			);
		}
		// every group's first option, but g4=p-4-3, which g5=p-5-2 conflicts with: check stops before uv
		const choice = Array.from({ length: 20 }, (_, g) => `g${g} = "p-${g}-${g === 5 ? 2 : g === 4 ? 3 : 0}"`);
		writeFileSync(
			path.join(dir, "pyproject.toml"),
			`[project]\nname = "bench"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm.groups]\n${choice.join("\n")}\n`,
		);
		const env = hermetic({ HPM_CACHE_DIR: tempDir("hpm-bench-cache-") });
		time(node, [BIN, "list", "--json"], { cwd: dir, env }); // fills the index cache
		return { dir, env };
	},
	round: ({ dir, env }) => {
		const runs = (args, code) => () => {
			const start = process.hrtime.bigint();
			const result = spawnSync(node, [BIN, ...args], { cwd: dir, env, encoding: "utf8" });
			if (result.status !== code) throw new Error(`hpm ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
			return Number(process.hrtime.bigint() - start) / 1e6;
		};
		const [list, whyNot, check, plan] = interleaved([
			{ name: "hpm list --json (loads the registry)", run: runs(["list", "--json"], 0) },
			{ name: "hpm why-not g5=p-5-2 (the rules for one choice)", run: runs(["why-not", "g5=p-5-2", "--json"], 1) },
			{ name: "hpm check (stops at the broken rule, before uv)", run: runs(["check", "--json"], 1) },
			{
				name: "hpm check --matrix --format github (plans the pairwise set)",
				run: runs(["check", "--matrix", "--format", "github"], 0),
			},
		]);
		const planned = JSON.parse(
			spawnSync(node, [BIN, "check", "--matrix", "--format", "github"], { cwd: dir, env, encoding: "utf8" }).stdout,
		).include.length;
		// throughput: the example's matrix with 1 and 2 workers, each with an empty result cache
		const example = tempDir("hpm-bench-matrix-");
		cpSync(EXAMPLE, example, { recursive: true });
		const throughput = (jobs) =>
			JSON.parse(
				spawnSync(node, [BIN, "check", "--matrix", "--jobs", String(jobs), "--json"], {
					cwd: example,
					env: hermetic({ HPM_CACHE_DIR: tempDir("hpm-bench-cache-") }),
					encoding: "utf8",
				}).stdout,
			);
		const one = throughput(1);
		const two = throughput(2);
		const loading = { name: "list --json", ms: list.ms };
		return [
			figure("B7", whyNot.name, { ms: whyNot.ms, base: loading, target: { over: 20 } }),
			figure("B7", check.name, { ms: check.ms, base: loading, target: { text: "(reported)" } }),
			figure("B7", `${plan.name}: ${planned} combinations of 10^20`, {
				ms: plan.ms,
				base: loading,
				target: { over: 1000 },
			}),
			figure("B7", `matrix on the example, ${one.results.length} combinations, 1 worker`, {
				value: one.perSecond,
				unit: "/s",
				digits: 2,
				target: { text: "(reported)" },
			}),
			figure("B7", `matrix on the example, ${two.results.length} combinations, 2 workers`, {
				value: two.perSecond,
				unit: "/s",
				digits: 2,
				target: { text: "(reported)" },
			}),
		];
	},
};

export const B8 = {
	title:
		"B8 one job, two interchangeable options: check and switch vs uv's own (target: a known combination ≤ 1.5x uv sync --locked)",
	setup: () => {
		const cache = tempDir("hpm-bench-cache-");
		const env = hermetic({ HPM_CACHE_DIR: cache, UV_CACHE_DIR: tempDir("hpm-bench-uvcache-") });
		const hpm = (dir, ...words) => time(node, [BIN, ...words], { cwd: dir, env });
		const choose = (dir, option) => hpm(dir, "group", "add", "inference", "--option", option);
		const OPTIONS = ["vlm-adapter-qwen", "vlm-adapter-deepseek"];
		// a synced copy that has been through both options: both combinations are known
		const copy = () => {
			const dir = tempDir("hpm-bench-switch-");
			cpSync(EXAMPLE, dir, { recursive: true });
			hpm(dir, "sync");
			choose(dir, OPTIONS[1]);
			hpm(dir, "sync");
			return dir;
		};
		const known = copy();
		const unknown = copy();
		const checked = copy();
		choose(checked, OPTIONS[0]); // synced with deepseek, choosing qwen: check answers from the known one
		// uv's own: the two pyproject.toml/uv.lock pairs, switched by writing one and `uv sync --locked`
		const pairs = OPTIONS.map(() => ({}));
		const uvDir = copy();
		for (const [at, option] of OPTIONS.entries()) {
			choose(uvDir, option);
			hpm(uvDir, "sync");
			pairs[at] = {
				pyproject: readFileSync(path.join(uvDir, "pyproject.toml")),
				lock: readFileSync(path.join(uvDir, "uv.lock")),
			};
		}
		return { env, hpm, choose, OPTIONS, known, unknown, checked, cache, pairs, uvDir };
	},
	round: ({ env, hpm, choose, OPTIONS, known, unknown, checked, cache, pairs, uvDir }) => {
		const turn = { known: 0, unknown: 0, uv: 0, lock: 0 };
		const switchTo = (dir, which) => () => {
			turn[which] = 1 - turn[which];
			return choose(dir, OPTIONS[turn[which]]) + hpm(dir, "sync");
		};
		const uvSwitch = (relock) => () => {
			const which = relock ? "lock" : "uv";
			turn[which] = 1 - turn[which];
			const pair = pairs[turn[which]];
			writeFileSync(path.join(uvDir, "pyproject.toml"), pair.pyproject);
			if (!relock) writeFileSync(path.join(uvDir, "uv.lock"), pair.lock);
			return (
				(relock ? time(UV, ["lock"], { cwd: uvDir, env }) : 0) + time(UV, ["sync", "--locked"], { cwd: uvDir, env })
			);
		};
		const [check, uvSync, switched, fresh, uvLocked, uvRelocked] = interleaved([
			{ name: "hpm check, another option, known", run: () => hpm(checked, "check") },
			{ name: "uv sync --locked (no change)", run: () => time(UV, ["sync", "--locked"], { cwd: uvDir, env }) },
			{ name: "hpm switch to a known combination (group add + sync)", run: switchTo(known, "known") },
			{
				name: "hpm switch, never resolved (group add + sync)",
				run: () => {
					rmSync(path.join(cache, "resolutions"), { recursive: true, force: true });
					return switchTo(unknown, "unknown")();
				},
			},
			{ name: "uv sync --locked of the other pair", run: uvSwitch(false) },
			{ name: "uv lock + uv sync --locked of the other pyproject.toml", run: uvSwitch(true) },
		]);
		return [
			figure("B8", check.name, { ms: check.ms, base: uvSync, target: { ratio: 1.5 } }),
			figure("B8", switched.name, { ms: switched.ms, base: uvLocked, target: { ratio: 1.5 } }),
			figure("B8", fresh.name, { ms: fresh.ms, base: uvRelocked, target: { text: "(reported)" } }),
		];
	},
};
