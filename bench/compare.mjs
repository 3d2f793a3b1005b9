#!/usr/bin/env node
// Same-run A/B of two builds of hpm: `node bench/compare.mjs OTHER/dist/hpm.js [B1 B2 ...]` times
// every hpm command of bench/run.mjs's B1-B6 with this checkout's dist/hpm.js and with the other
// build, interleaved run by run (the order alternating), so machine noise hits both alike, and
// says for each whether this build is slower by more than the noise. Use it to show a refactor
// costs nothing (build both first; `npm run ab -- REF --speed` builds REF and runs this).
if (process.env.NODE_EXTRA_CA_CERTS !== undefined) delete process.env.NODE_EXTRA_CA_CERTS; // noise only (bench/run.mjs)
import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
	BIN,
	componentsProject,
	cpSync,
	EXAMPLE,
	generateRegistry,
	hasTmux,
	hermetic,
	median,
	RUNS,
	rmSync,
	table,
	tempDir,
	time,
	tmuxServer,
} from "./lib.mjs";

const [other, ...only] = process.argv.slice(2);
if (!other) {
	console.error("usage: node bench/compare.mjs OTHER/dist/hpm.js [B1 B2 B3 B4 B5 B6]");
	process.exit(2);
}
const wanted = (name) => only.length === 0 || only.includes(name);
// everything this run makes goes in one private folder, removed at the end
const outer = tmpdir();
const scratch = realpathSync(mkdtempSync(path.join(outer, "hpm-compare-")));
process.env.TMPDIR = scratch;
let tmux;
process.on("exit", () => {
	try {
		tmux?.close();
	} catch {
		// the server is gone already
	}
	rmSync(scratch, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

const node = process.execPath;
// each build its own caches: their formats may differ, and must not evict each other
const sides = [
	{ name: "base", bin: path.resolve(other) },
	{ name: "this", bin: BIN },
].map((side) => ({
	...side,
	env: hermetic({ HPM_CACHE_DIR: tempDir(`hpm-bench-cache-${side.name}-`), UV_CACHE_DIR: tempDir("hpm-bench-uv-") }),
}));
const example = () => {
	const dir = tempDir("hpm-bench-example-");
	cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !/[\\/](\.venv|uv\.lock)$/.test(source) });
	return dir;
};
const hpm =
	(args, cwd, extra = {}) =>
	(side) =>
		time(node, [side.bin, ...args], {
			cwd: typeof cwd === "function" ? cwd(side) : cwd,
			env: { ...side.env, ...extra },
		});
const noCache = { HPM_NO_CACHE: "1" };
/** A run that resolves: the known resolutions this side kept are forgotten first (untimed). */
const resolving = (run) => (side) => {
	rmSync(path.join(side.env.HPM_CACHE_DIR, "resolutions"), { recursive: true, force: true });
	return run(side);
};

/** Each case: its bench, a name, and `run(side)` giving one timed run in ms (set-up untimed). */
const cases = [];
if (wanted("B1")) {
	cases.push(
		{ bench: "B1", name: "--version", run: hpm(["--version"], EXAMPLE) },
		{ bench: "B1", name: "list --json (example)", run: hpm(["list", "--json"], EXAMPLE) },
		{ bench: "B1", name: "list --json (example, no cache)", run: hpm(["list", "--json"], EXAMPLE, noCache) },
	);
}
if (wanted("B2")) {
	for (const [packages, groups] of [
		[2000, 200],
		[10000, 1000],
	]) {
		const dir = tempDir();
		generateRegistry(dir, packages, groups);
		const at = `(${packages} packages)`;
		cases.push(
			{ bench: "B2", name: `list --json ${at}`, run: hpm(["list", "--json"], dir) },
			{ bench: "B2", name: `search pkg-17 ${at}`, run: hpm(["search", "pkg-17"], dir) },
			{ bench: "B2", name: `show pkg-5-3 ${at}`, run: hpm(["show", "pkg-5-3"], dir) },
			{ bench: "B2", name: `list --json ${at}, no cache`, run: hpm(["list", "--json"], dir, noCache) },
		);
	}
}
if (wanted("B3") || wanted("B4")) {
	const { names, project } = componentsProject();
	if (wanted("B3"))
		for (const n of [1, 3, 10]) {
			// a fresh copy per run: the sync has its uv add to do each time
			const run = (side) => {
				const dir = project(names.slice(0, n));
				const ms = time(node, [side.bin, "sync"], { cwd: dir, env: side.env });
				rmSync(dir, { recursive: true, force: true });
				return ms;
			};
			cases.push({ bench: "B3", name: `sync selecting ${n} option${n === 1 ? "" : "s"} (fresh copy)`, run });
		}
	if (wanted("B4")) {
		const dir = project(names.slice(0, 3));
		cases.push({ bench: "B4", name: "check (3 local options, not synced)", run: resolving(hpm(["check"], dir)) });
	}
}
if (wanted("B5")) {
	if (!hasTmux()) console.log("B5 skipped: tmux is not installed");
	else {
		tmux = tmuxServer();
		const dir = tempDir();
		generateRegistry(dir, 2000, 200);
		const project = example();
		const ui = (cwd, marker, cold) => (side) =>
			tmux.once(
				cwd,
				[`HPM_CACHE_DIR=${cold ? tempDir("hpm-bench-cold-") : side.env.HPM_CACHE_DIR}`],
				[node, side.bin, "ui"],
				marker,
			);
		cases.push(
			{ bench: "B5", name: "ui first frame (example)", run: ui(project, "inference", false) },
			{ bench: "B5", name: "ui first frame (2000 packages, warm)", run: ui(dir, "group-0000", false) },
			{ bench: "B5", name: "ui first frame (2000 packages, cold)", run: ui(dir, "group-0000", true) },
		);
	}
}
if (wanted("B6")) {
	const fresh = example();
	// a synced copy per side: sync then has nothing to do but ask uv whether the environment matches
	const synced = Object.fromEntries(
		sides.map((side) => {
			const dir = example();
			time(node, [side.bin, "sync"], { cwd: dir, env: side.env });
			return [side.name, dir];
		}),
	);
	cases.push(
		{ bench: "B6", name: "check (example, not synced)", run: resolving(hpm(["check"], fresh)) },
		{ bench: "B6", name: "check (example, not synced, resolved before)", run: hpm(["check"], fresh) },
		{ bench: "B6", name: "check (example, synced)", run: hpm(["check"], (side) => synced[side.name]) },
		{ bench: "B6", name: "sync (example, nothing to do)", run: hpm(["sync"], (side) => synced[side.name]) },
	);
}

/**
 * The largest k with P(X < k) <= alpha/2 for X ~ Binomial(n, 1/2): the k-th smallest and k-th
 * largest of n paired differences bound their median with at least 1 - alpha confidence (the
 * sign test's interval; it assumes nothing about the noise's shape). 0 when n runs are too few.
 */
function signTestRank(n, alpha) {
	let below = 0; // P(X < k)
	let choose = 1;
	for (let k = 0; k <= n; k++) {
		if (k > 0) choose = (choose * (n - k + 1)) / k;
		if (below + choose / 2 ** n > alpha / 2) return k;
		below += choose / 2 ** n;
	}
	return 0;
}

// slower "by more than noise": the whole interval above zero, and by more than this much. The
// confidence is shared out over the commands (Bonferroni), so that a run of two identical builds
// calls ANY command slower at most 5% of the time; more RUNS narrow the intervals.
const MIN_MS = 1;
const MIN_RATIO = 0.03;
const ALPHA = 0.05 / Math.max(1, cases.length);
const k = signTestRank(RUNS, ALPHA);
const rows = [];
const slower = [];
for (const [index, c] of cases.entries()) {
	process.stderr.write(`[${index + 1}/${cases.length}] ${c.bench} ${c.name}\n`);
	for (const side of sides) c.run(side); // warm: code and index caches filled, files read once
	const samples = { base: [], this: [] };
	for (let i = 0; i < RUNS; i++) {
		const order = i % 2 === 0 ? sides : [...sides].reverse();
		for (const side of order) samples[side.name].push(c.run(side));
	}
	const differences = samples.this.map((ms, i) => ms - samples.base[i]).sort((a, b) => a - b);
	const [low, high] = k === 0 ? [-Infinity, Infinity] : [differences[k - 1], differences[RUNS - k]];
	const base = median(samples.base);
	const mine = median(samples.this);
	const diff = median(differences);
	const beyond = (value) => Math.abs(value) > Math.max(MIN_MS, MIN_RATIO * base);
	const verdict =
		k === 0
			? "too few runs"
			: low > 0 && beyond(diff)
				? "SLOWER"
				: high < 0 && beyond(diff)
					? "faster"
					: "same (noise)";
	if (verdict === "SLOWER") slower.push(`${c.bench} ${c.name}`);
	rows.push([
		`${c.bench} ${c.name}`,
		base.toFixed(1),
		mine.toFixed(1),
		`${(mine / base).toFixed(2)}x`,
		`${diff >= 0 ? "+" : ""}${diff.toFixed(1)} ${k === 0 ? "[n/a]" : `[${low.toFixed(1)}, ${high.toFixed(1)}]`}`,
		verdict,
	]);
}
tmux?.close();
tmux = undefined;
table(
	`A/B: ${sides[0].bin} (base) vs ${BIN} (this), medians of ${RUNS} interleaved runs`,
	[
		"command",
		"base ms",
		"this ms",
		"this/base",
		`this-base ms [${(100 * (1 - ALPHA)).toFixed(2)}% interval]`,
		"verdict",
	],
	rows,
);
console.log(
	`\n(slower beyond noise: the sign-test interval of the paired differences lies above 0, at ${(100 * (1 - ALPHA)).toFixed(2)}% confidence each, 95% for all ${cases.length} together, and the median difference exceeds ${MIN_MS} ms and ${MIN_RATIO * 100}% of base)`,
);
if (k === 0) console.log(`RUNS=${RUNS} is too few for that confidence: run with RUNS=${minimumRuns(ALPHA)} or more`);
console.log(
	k === 0
		? "no verdict (too few runs)"
		: slower.length === 0
			? `no command is slower beyond noise (${rows.length} commands)`
			: `slower beyond noise: ${slower.join("; ")} (${slower.length} of ${rows.length}; run again to tell a drift of the machine from a real cost)`,
);

function minimumRuns(alpha) {
	let n = 1;
	while (signTestRank(n, alpha) === 0) n++;
	return n;
}
