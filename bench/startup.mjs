#!/usr/bin/env node
// B1: start-up cost. Runs `hpm --version` and `hpm list --json` on the bundled example side by
// side with `node -e 0`, interleaved so machine noise hits all alike, and prints medians and ratios.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "dist/source/cli.js");
const example = path.join(root, "registry-examples");
const runs = Number(process.env.RUNS ?? 21);

const subjects = [
	["node -e 0", ["-e", "0"]],
	["hpm --version", [bin, "--version"]],
	["hpm list --json", [bin, "list", "--json"]],
];
const times = new Map(subjects.map(([name]) => [name, []]));
for (let i = 0; i < runs; i++) {
	for (const [name, args] of subjects) {
		const start = process.hrtime.bigint();
		const result = spawnSync(process.execPath, args, { cwd: example, stdio: "ignore" });
		const ms = Number(process.hrtime.bigint() - start) / 1e6;
		if (result.status !== 0) throw new Error(`${name} exited ${result.status}`);
		times.get(name).push(ms);
	}
}
const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
};
const base = median(times.get("node -e 0"));
console.log(`B1 start-up, median of ${runs} interleaved runs (node ${process.version}, ${process.platform})`);
console.log("command".padEnd(20), "median ms".padStart(10), "vs node -e 0".padStart(14));
for (const [name] of subjects) {
	const m = median(times.get(name));
	console.log(name.padEnd(20), m.toFixed(1).padStart(10), `${(m / base).toFixed(2)}x`.padStart(14));
}
