#!/usr/bin/env node
// hpm's benchmarks. `npm run bench` runs every section three times (ROUNDS) and prints each figure
// as min / median / max of the rounds' medians, as hpm's milliseconds over its baseline measured
// in the same runs, and as a ratio. `node bench/run.mjs B2 B5` runs some; `--short` prints B1,
// B5 on the example and B6 once, for CI (printed, never asserted).
import { execFileSync } from "node:child_process";
import { printSection } from "./figures.mjs";
import { interleaved, machine, ROOT, ROUNDS, RUNS, spread, time, UV } from "./lib.mjs";
import { B1, B2, B6 } from "./start-figures.mjs";
import { B3, B4, B7, B8 } from "./sync-figures.mjs";
import { B5 } from "./ui-figures.mjs";
import { B9 } from "./report-figures.mjs";
import { B10 } from "./test-figures.mjs";

// NODE_EXTRA_CA_CERTS makes every Node start read and parse that bundle (~80 ms on a machine that
// sets it to the system's), the same for `node -e 0` and hpm: it is left out of every figure,
// where it only added noise (hpm makes no TLS connection itself).
const caCerts = process.env.NODE_EXTRA_CA_CERTS !== undefined;
delete process.env.NODE_EXTRA_CA_CERTS;
const args = process.argv.slice(2);
const short = args.includes("--short");
const only = args.filter((arg) => arg !== "--short");
const sections = { B1, B2, B3, B4, B5, B6, B7, B8, B9, B10 };
const unknown = only.filter((name) => !(name in sections));
if (unknown.length > 0) {
	console.error(`bench/run.mjs: no section ${unknown.join(", ")}; the sections are ${Object.keys(sections).join(" ")}`);
	process.exit(2);
}
const chosen = short ? ["B1", "B5", "B6"] : only.length > 0 ? only : Object.keys(sections);
const rounds = short ? 1 : ROUNDS;

const git = (...words) => {
	try {
		return execFileSync("git", words, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
	} catch {
		return "";
	}
};
const commit = git("rev-parse", "--short", "HEAD") || "unknown";
const dirty = git("status", "--porcelain", "--untracked-files=no") !== "" ? " with uncommitted changes" : "";
const uvVersion = execFileSync(UV, ["--version"], { encoding: "utf8" }).trim();
const ms = (s) => `${s.median.toFixed(1)} ms (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
const node = process.execPath;
const nodeStart = spread(
	Array.from({ length: rounds }, () => interleaved([{ name: "node -e 0", run: () => time(node, ["-e", "0"]) }])[0].ms),
);
console.log(
	`hpm benchmarks${short ? " (short)" : ""}: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, commit ${commit}${dirty}`,
);
console.log(`machine: ${machine()}; ${uvVersion}`);
console.log(`Node's own start (node -e 0): ${ms(nodeStart)}`);
console.log(
	`each figure: a median of ${RUNS} runs (RUNS; B6 takes three times as many) interleaved with its baseline` +
		(rounds > 1 ? `; ${rounds} rounds (ROUNDS): median (min to max) of the rounds' medians` : "") +
		(caCerts ? "; NODE_EXTRA_CA_CERTS unset (it costs every Node start the same)" : ""),
);

for (const name of chosen) {
	const section = sections[name];
	if (section.available && !section.available()) {
		console.log(`\n${name} skipped: ${section.skipped ?? "tmux is not installed"}`);
		continue;
	}
	const data = await section.setup({ short });
	const measured = [];
	for (let round = 0; round < rounds; round++) measured.push(await section.round(data, { short }));
	await section.teardown?.(data);
	printSection(section.title, measured);
}
