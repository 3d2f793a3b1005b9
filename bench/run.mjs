#!/usr/bin/env node
// hpm's benchmarks. `npm run bench` runs all; `node bench/run.mjs B2 B5` runs some. Every figure is a
// median over several runs and a ratio against a baseline measured in the same run.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import {
	BIN,
	componentsProject,
	cpSync,
	mkdirSync,
	EXAMPLE,
	generateRegistry,
	hasTmux,
	hermetic,
	interleaved,
	median,
	RUNS,
	table,
	tempDir,
	time,
	tmuxServer,
	UV,
	uvSpy,
	writeFileSync,
} from "./lib.mjs";

// NODE_EXTRA_CA_CERTS makes every Node start read and parse that bundle (~80 ms on a machine that
// sets it to the system's), the same for `node -e 0` and hpm: it is left out of every figure,
// where it only added noise (hpm makes no TLS connection itself).
if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
	delete process.env.NODE_EXTRA_CA_CERTS;
	console.log("(NODE_EXTRA_CA_CERTS unset for the runs below: it costs every Node start the same)");
}
const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);
const node = process.execPath;
const uvVersion = execFileSync(UV, ["--version"], { encoding: "utf8" }).trim();
console.log(
	`hpm benchmarks: node ${process.version}, ${uvVersion}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, ${RUNS} runs per figure`,
);
const ratio = (ms, base) => `${(ms / base).toFixed(2)}x`;

if (wanted("B1")) {
	const cache = tempDir("hpm-bench-cache-");
	const env = hermetic({ HPM_CACHE_DIR: cache });
	const [base, version, list, cold] = interleaved([
		{ name: "node -e 0", run: () => time(node, ["-e", "0"]) },
		{ name: "hpm --version", run: () => time(node, [BIN, "--version"], { env }) },
		{ name: "hpm list --json", run: () => time(node, [BIN, "list", "--json"], { cwd: EXAMPLE, env }) },
		{
			name: "hpm list --json (no cache)",
			run: () => time(node, [BIN, "list", "--json"], { cwd: EXAMPLE, env: { ...env, HPM_NO_CACHE: "1" } }),
		},
	]);
	table(
		"B1 start-up on the example (target <= 1.5x)",
		["command", "median ms", "vs node -e 0"],
		[base, version, list, cold].map((r) => [r.name, r.ms.toFixed(1), ratio(r.ms, base.ms)]),
	);
}

if (wanted("B2")) {
	const rows = [];
	for (const [packages, groups] of [
		[2000, 200],
		[10000, 1000],
	]) {
		const dir = tempDir();
		generateRegistry(dir, packages, groups);
		const cache = tempDir("hpm-bench-cache-");
		const env = hermetic({ HPM_CACHE_DIR: cache });
		const [base, ...results] = interleaved(
			[
				{ name: "node -e 0", run: () => time(node, ["-e", "0"]) },
				{ name: "list --json", run: () => time(node, [BIN, "list", "--json"], { cwd: dir, env }) },
				{ name: "search pkg-17", run: () => time(node, [BIN, "search", "pkg-17"], { cwd: dir, env }) },
				{ name: "show pkg-5-3", run: () => time(node, [BIN, "show", "pkg-5-3"], { cwd: dir, env }) },
				{
					name: "list --json (no cache)",
					run: () => time(node, [BIN, "list", "--json"], { cwd: dir, env: { ...env, HPM_NO_CACHE: "1" } }),
				},
			],
			Math.max(5, Math.floor(RUNS / 2)),
		);
		for (const r of results) rows.push([`${packages}/${groups}`, r.name, r.ms.toFixed(0), ratio(r.ms, base.ms)]);
	}
	table(
		"B2 a generated registry, packages/groups (target <= 3x at 2000, linear growth at worst)",
		["registry", "command", "median ms", "vs node -e 0"],
		rows,
	);
}

if (wanted("B3") || wanted("B4")) {
	// A project with ten tiny local packages, offered by one M-of-N group.
	const { names, project } = componentsProject();
	const uvCache = tempDir("hpm-bench-uvcache-");
	const spy = uvSpy();
	const env = hermetic({
		UV_CACHE_DIR: uvCache,
		PATH: spy.path,
		HPM_UV: spy.bin,
		HPM_CACHE_DIR: tempDir("hpm-bench-cache-"),
	});

	if (wanted("B3")) {
		const rows = [];
		for (const n of [1, 3, 10]) {
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
			rows.push([
				`${n}`,
				`${editing.length} (${editing.join(", ")})`,
				median(hpmTimes).toFixed(0),
				median(uvTimes).toFixed(0),
				ratio(median(hpmTimes), median(uvTimes)),
			]);
		}
		table(
			"B3 hpm sync selecting N options vs one hand-written `uv add` (target: exactly one uv add, <= 1.15x)",
			["N", "uv editing calls", "hpm sync ms", "uv add ms", "ratio"],
			rows,
		);
	}

	if (wanted("B4")) {
		const selected = names.slice(0, 3);
		const a = project(selected);
		// the would-be project: the same dependencies written by uv without locking
		const b = project(selected);
		execFileSync(UV, ["add", "--frozen", "--no-workspace", ...selected.map((s) => `./packages/${s}`)], {
			cwd: b,
			env,
			stdio: "ignore",
		});
		const [uvLock, check] = interleaved([
			{ name: "uv lock --dry-run", run: () => time(UV, ["lock", "--dry-run"], { cwd: b, env }) },
			{ name: "hpm check", run: () => time(node, [BIN, "check"], { cwd: a, env }) },
		]);
		table(
			"B4 hpm check vs uv lock --dry-run on the same would-be project (target <= 1.2x)",
			["command", "median ms", "vs uv lock --dry-run"],
			[uvLock, check].map((r) => [r.name, r.ms.toFixed(0), ratio(r.ms, uvLock.ms)]),
		);
	}
}

if (wanted("B5")) {
	if (!hasTmux()) console.log("\nB5 skipped: tmux is not installed");
	else {
		const dir = tempDir();
		generateRegistry(dir, 2000, 200);
		const example = tempDir("hpm-bench-example-");
		cpSync(EXAMPLE, example, { recursive: true });
		const { tmux, firstFrame, once, close } = tmuxServer();
		const cache = tempDir("hpm-bench-cache-");
		const baseline = ["-e", "console.log('group-0000'); setTimeout(() => {}, 60000)"];
		once(dir, [`HPM_CACHE_DIR=${cache}`], [node, BIN, "ui"], "group-0000"); // fills the index cache
		const [base, exampleUi, warm, cold] = interleaved([
			{ name: "node -e (prints, waits)", run: () => once(dir, [], [node, ...baseline], "group-0000") },
			{
				name: "hpm ui, the example",
				run: () => once(example, [`HPM_CACHE_DIR=${cache}`], [node, BIN, "ui"], "inference"),
			},
			{
				name: "hpm ui, 2000 packages, warm",
				run: () => once(dir, [`HPM_CACHE_DIR=${cache}`], [node, BIN, "ui"], "group-0000"),
			},
			{
				name: "hpm ui, 2000 packages, cold (no index cache)",
				run: () => once(dir, [`HPM_CACHE_DIR=${tempDir("hpm-bench-cold-")}`], [node, BIN, "ui"], "group-0000"),
			},
		]);
		const keyFrames = [];
		let rssKb = 0;
		for (let run = 0; run < 3; run++) {
			const { name } = firstFrame(dir, [`HPM_CACHE_DIR=${cache}`], [node, BIN, "ui"], "group-0000");
			// React attaches the key handler just after the first paint; a person is never that fast
			execFileSync("sleep", ["0.3"]);
			// key press to frame: move down 40 times, each time waiting for the cursor's row to show
			const deadline = Date.now() + 60_000;
			for (let i = 1; i <= 40; i++) {
				const target = `❯ group-${String(i).padStart(4, "0")}`;
				const t0 = process.hrtime.bigint();
				tmux("send-keys", "-t", name, "Down");
				while (!tmux("capture-pane", "-p", "-t", name).includes(target)) {
					if (Date.now() > deadline) throw new Error(`the cursor never reached ${target}`);
				}
				keyFrames.push(Number(process.hrtime.bigint() - t0) / 1e6);
			}
			const pid = tmux("list-panes", "-t", name, "-F", "#{pane_pid}").trim();
			const status = readFileSync(`/proc/${pid}/status`, "utf8");
			rssKb = Math.max(rssKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
			tmux("kill-session", "-t", name);
		}
		// the same key presses to a node program that redraws the cursor's row at once: what tmux,
		// send-keys and the polling cost, so that hpm's own share can be read off
		const echo = path.join(tempDir("hpm-bench-echo-"), "echo.mjs");
		writeFileSync(
			echo,
			`let n = 0; process.stdin.setRawMode(true); process.stdout.write("group-0000\\n");
process.stdin.on("data", (d) => { if (String(d).includes("q")) process.exit(0); n++; process.stdout.write("\\u276F group-" + String(n).padStart(4, "0") + "\\n"); });`,
		);
		const echoFrames = [];
		{
			const { name } = firstFrame(dir, [], [node, echo], "group-0000");
			execFileSync("sleep", ["0.3"]);
			for (let i = 1; i <= 40; i++) {
				const target = `❯ group-${String(i).padStart(4, "0")}`;
				const t0 = process.hrtime.bigint();
				tmux("send-keys", "-t", name, "Down");
				while (!tmux("capture-pane", "-p", "-t", name).includes(target)) {
					// poll until the new row is on screen
				}
				echoFrames.push(Number(process.hrtime.bigint() - t0) / 1e6);
			}
			tmux("kill-session", "-t", name);
		}
		// what a capture itself costs, to read the figures against
		const t0 = process.hrtime.bigint();
		for (let i = 0; i < 21; i++) tmux("capture-pane", "-p", "-t", "keep");
		const captureMs = Number(process.hrtime.bigint() - t0) / 1e6 / 21;
		close();
		const row = (subject, target) => [subject.name, `${subject.ms.toFixed(0)} ms`, ratio(subject.ms, base.ms), target];
		table(
			"B5 hpm ui through tmux at 100x30: time to the first frame, key press to frame, peak RSS",
			["measure", "median", "vs node", "target"],
			[
				row(base, "(baseline: node starts, prints, through the same tmux)"),
				row(exampleUi, "<= 3x node"),
				row(warm, "<= 450 ms"),
				row(cold, "<= 900 ms"),
				["key press to frame (Down), 2000 packages", `${median(keyFrames).toFixed(1)} ms`, "", "<= 30 ms"],
				[
					"  of which tmux, send-keys and polling (a program that echoes)",
					`${median(echoFrames).toFixed(1)} ms`,
					"",
					"",
				],
				["  hpm's own share", `${(median(keyFrames) - median(echoFrames)).toFixed(1)} ms`, "", ""],
				["peak RSS (VmHWM), 2000 packages", `${(rssKb / 1024).toFixed(0)} MB`, "", "<= 120 MB"],
				["(one tmux capture costs)", `${captureMs.toFixed(1)} ms`, "", ""],
			],
		);
	}
}

if (wanted("B6")) {
	// hpm's own overhead on check and a no-op sync: hpm's wall time minus `node -e 0` minus the uv
	// work the command must do, each measured in the same run against the real uv binary.
	const project = tempDir("hpm-bench-overhead-");
	cpSync(EXAMPLE, project, { recursive: true });
	const cache = tempDir("hpm-bench-cache-");
	const env = hermetic({ HPM_CACHE_DIR: cache });
	time(node, [BIN, "sync"], { cwd: project, env });
	// a second copy, never synced: its check resolves the would-be project in a scratch copy
	const fresh = tempDir("hpm-bench-fresh-");
	cpSync(EXAMPLE, fresh, { recursive: true });
	// the uv work of that check: `uv lock` of the same would-be project in a scratch copy (no lock yet)
	const scratch = tempDir("hpm-bench-scratch-");
	const data = readFileSync(path.join(project, "pyproject.toml"), "utf8").replace(
		/(path = ")([^"]+)(")/g,
		(_, a, p, c) => `${a}${path.resolve(project, p)}${c}`,
	);
	writeFileSync(path.join(scratch, "pyproject.toml"), data);
	// four medians are subtracted: three times the runs, so that their noise does not decide
	const [base, uvLock, check, uvLockCheck, synced, uvSyncCheck, sync] = interleaved(
		[
			{ name: "node -e 0", run: () => time(node, ["-e", "0"]) },
			{
				// as hpm runs it: in the scratch copy, with no lock, and the system interpreter
				name: "uv lock (scratch)",
				run: () => {
					rmSync(path.join(scratch, "uv.lock"), { force: true });
					return time(UV, ["lock", "--directory", scratch], { env });
				},
			},
			{ name: "hpm check (not synced)", run: () => time(node, [BIN, "check"], { cwd: fresh, env }) },
			{ name: "uv lock --check", run: () => time(UV, ["lock", "--check"], { cwd: project, env }) },
			{ name: "hpm check (synced)", run: () => time(node, [BIN, "check"], { cwd: project, env }) },
			{ name: "uv sync --locked --check", run: () => time(UV, ["sync", "--locked", "--check"], { cwd: project, env }) },
			{ name: "hpm sync (nothing to do)", run: () => time(node, [BIN, "sync"], { cwd: project, env }) },
		],
		RUNS * 3,
	);
	table(
		"B6 hpm's own overhead = hpm - node -e 0 - uv's work (target <= 25 ms)",
		["command", "median ms", "uv work ms", "overhead ms"],
		[
			[check.name, check.ms.toFixed(1), uvLock.ms.toFixed(1), (check.ms - base.ms - uvLock.ms).toFixed(1)],
			[synced.name, synced.ms.toFixed(1), uvLockCheck.ms.toFixed(1), (synced.ms - base.ms - uvLockCheck.ms).toFixed(1)],
			[sync.name, sync.ms.toFixed(1), uvSyncCheck.ms.toFixed(1), (sync.ms - base.ms - uvSyncCheck.ms).toFixed(1)],
		],
	);
}

if (wanted("B7")) {
	// the component graph: static rules for one selection, planning a pairwise matrix, and the
	// matrix's resolution throughput, on a generated registry of 20 groups x 10 options
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
	const choice = Array.from({ length: 20 }, (_, g) => `g${g} = "p-${g}-${g === 5 ? 2 : 0}"`).join("\n");
	// g5=p-5-2 conflicts with g4=p-4-3? no: g4 is p-4-0; break one rule on purpose so check stops before uv
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "bench"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm.groups]\n${choice.replace('g4 = "p-4-0"', 'g4 = "p-4-3"')}\n`,
	);
	const env = hermetic({ HPM_CACHE_DIR: tempDir("hpm-bench-cache-") });
	time(node, [BIN, "list", "--json"], { cwd: dir, env }); // fills the index cache
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
	const throughput = (jobs) => {
		const result = spawnSync(node, [BIN, "check", "--matrix", "--jobs", String(jobs), "--json"], {
			cwd: example,
			env: hermetic({ HPM_CACHE_DIR: tempDir("hpm-bench-cache-") }),
			encoding: "utf8",
		});
		return JSON.parse(result.stdout);
	};
	const one = throughput(1);
	const two = throughput(2);
	table(
		"B7 the component graph on 20 groups x 10 options (targets: static rules < 20 ms beyond loading, pairwise plan < 1 s)",
		["measure", "median", "target"],
		[
			[list.name, `${list.ms.toFixed(1)} ms`, ""],
			[whyNot.name, `${whyNot.ms.toFixed(1)} ms`, ""],
			["  the static rules, beyond loading", `${(whyNot.ms - list.ms).toFixed(1)} ms`, "< 20 ms"],
			[check.name, `${check.ms.toFixed(1)} ms`, ""],
			["  check's plan and rules, beyond loading", `${(check.ms - list.ms).toFixed(1)} ms`, ""],
			[plan.name, `${plan.ms.toFixed(1)} ms`, ""],
			[
				`  planning ${planned} combinations (10^20 in all), beyond loading`,
				`${(plan.ms - list.ms).toFixed(1)} ms`,
				"< 1000 ms",
			],
			[
				`matrix on the example: ${one.results.length} combinations, 1 / 2 workers`,
				`${one.perSecond.toFixed(2)} / ${two.perSecond.toFixed(2)} per s`,
				"(reported)",
			],
		],
	);
}
