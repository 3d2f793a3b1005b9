#!/usr/bin/env node
// Same-run A/B of two builds of hpm: `node bench/compare.mjs OTHER/dist/hpm.js` times each command
// with this checkout's dist/hpm.js and with the other build, interleaved run by run, so machine
// noise hits both alike. Use it to show a refactor costs nothing (build both first).
if (process.env.NODE_EXTRA_CA_CERTS !== undefined) delete process.env.NODE_EXTRA_CA_CERTS; // noise only (bench/run.mjs)
import path from "node:path";
import { BIN, EXAMPLE, cpSync, generateRegistry, hermetic, interleaved, RUNS, table, tempDir, time } from "./lib.mjs";

const other = process.argv[2];
if (!other) {
	console.error("usage: node bench/compare.mjs OTHER/dist/hpm.js");
	process.exit(2);
}
const base = path.resolve(other);
const node = process.execPath;
// each build its own index cache: their cache formats may differ, and must not evict each other
const baseEnv = hermetic({ HPM_CACHE_DIR: tempDir("hpm-bench-cache-") });
const env = hermetic({ HPM_CACHE_DIR: tempDir("hpm-bench-cache-") });
const big = tempDir();
generateRegistry(big, 2000, 200);
const example = () => {
	const dir = tempDir("hpm-bench-example-");
	cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !/[\\/](\.venv|uv\.lock)$/.test(source) });
	return dir;
};
const project = example();
// a synced copy: sync then has nothing to do but ask uv whether the environment matches
const synced = example();
time(node, [BIN, "sync"], { cwd: synced, env });

const cases = [
	["--version", ["--version"], EXAMPLE],
	["list --json (example)", ["list", "--json"], EXAMPLE],
	["registry lint (example)", ["registry", "lint"], EXAMPLE],
	["list --json (2000 packages)", ["list", "--json"], big],
	["search pkg-17 (2000 packages)", ["search", "pkg-17"], big],
	["show pkg-5-3 (2000 packages)", ["show", "pkg-5-3"], big],
	["sync --dry-run (example)", ["sync", "--dry-run"], project],
	["check (example, real uv)", ["check"], project],
	["sync (example, nothing to do, real uv)", ["sync"], synced],
];
const rows = [];
for (const [name, args, cwd] of cases) {
	const [a, b] = interleaved(
		[
			{ name: "base", run: () => time(node, [base, ...args], { cwd, env: baseEnv }) },
			{ name: "this", run: () => time(node, [BIN, ...args], { cwd, env }) },
		],
		RUNS,
	);
	rows.push([name, a.ms.toFixed(1), b.ms.toFixed(1), `${(b.ms / a.ms).toFixed(2)}x`]);
}
table(
	`A/B: ${base} (base) vs ${BIN} (this), medians of ${RUNS} interleaved runs`,
	["command", "base ms", "this ms", "this/base"],
	rows,
);
