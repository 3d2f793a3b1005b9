import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { BIN, copyExample, hpm, tempDir } from "../helpers/run.js";
import { REAL_UV, uvEnv } from "../helpers/uv.js";

/**
 * Random interleavings of syncs, kills (of hpm and of uv, with every signal), a person's own edits
 * to pyproject.toml and uv.lock (by hand and with `uv add`) and later hpm commands. Whatever
 * happens: no edit a person made is ever lost (it is in the files, or in a copy hpm kept and
 * named), the files always parse, no stack trace is printed, and once a writing command has run,
 * no journal, lock or staged file is left behind. `npm run soak` runs many more.
 */
const RUNS = Number(process.env.HPM_SOAK_RUNS ?? 200);
const PARALLEL = 3;

type Kill = { readonly who: "hpm" | "uv"; readonly signal: NodeJS.Signals; readonly after: number };
type Step =
	| { readonly kind: "sync"; readonly kill: Kill | undefined }
	| { readonly kind: "edit-pyproject" }
	| { readonly kind: "user-uv-add" }
	| { readonly kind: "hpm"; readonly args: readonly string[] };

const signal = fc.constantFrom<NodeJS.Signals>("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGKILL");
const step: fc.Arbitrary<Step> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record({
			kind: fc.constant("sync" as const),
			kill: fc.option(
				fc.record({
					who: fc.constantFrom("hpm" as const, "uv" as const),
					signal,
					after: fc.integer({ min: 0, max: 900 }),
				}),
				{ nil: undefined, freq: 4 },
			),
		}),
	},
	{ weight: 2, arbitrary: fc.constant({ kind: "edit-pyproject" as const }) },
	{ weight: 1, arbitrary: fc.constant({ kind: "user-uv-add" as const }) },
	{
		weight: 2,
		arbitrary: fc.constantFrom<Step>(
			{ kind: "hpm", args: ["list"] },
			{ kind: "hpm", args: ["group", "add", "inference", "-o", "vlm-adapter-qwen"] },
			{ kind: "hpm", args: ["group", "add", "inference", "-o", "vlm-adapter-deepseek"] },
			{ kind: "hpm", args: ["group", "add", "metrics", "-o", "metric-rouge"] },
			{ kind: "hpm", args: ["group", "remove", "metrics", "-o", "metric-rouge"] },
		),
	},
);
const scenario = fc.array(step, { minLength: 1, maxLength: 4 });

/** A synced example whose selection asks for a change, made once and copied per run. */
function template(): string {
	const dir = copyExample();
	expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
	hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], { cwd: dir });
	hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
	return dir;
}

/** Runs a program without blocking the other runs; `kill` signals hpm or its uv after a delay. */
function run(
	command: string,
	args: readonly string[],
	dir: string,
	kill?: Kill,
): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve) => {
		const child = spawn(command, [...args], { cwd: dir, env: { ...process.env, ...uvEnv(), NO_COLOR: "1" } });
		let output = "";
		child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
		const timer = kill
			? setTimeout(() => {
					if (kill.who === "hpm") child.kill(kill.signal);
					else killUv(dir, kill.signal);
				}, kill.after)
			: undefined;
		child.on("close", (code) => {
			clearTimeout(timer);
			resolve({ code, output });
		});
	});
}

const hpmAsync = (args: readonly string[], dir: string, kill?: Kill) =>
	run(process.execPath, [BIN, ...args], dir, kill);

/**
 * Signals the uv run the journal says is running (a person killing uv from another terminal):
 * exactly the processes that carry its token, never a group number the system reused meanwhile
 * (that could be another test's uv).
 */
function killUv(dir: string, sig: NodeJS.Signals): void {
	let token: string | undefined;
	try {
		const journal = JSON.parse(readFileSync(path.join(dir, ".hpm.journal.json"), "utf8")) as {
			body?: { running?: { token?: string } | null };
		};
		token = journal.body?.running?.token;
	} catch {
		return; // no journal: no uv running at that moment
	}
	if (!token) return;
	for (const entry of readdirSync("/proc")) {
		const pid = Number(entry);
		if (!Number.isInteger(pid)) continue;
		try {
			if (readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`HPM_RUN_ID=${token}`))
				process.kill(pid, sig);
		} catch {
			// gone, or not ours to read
		}
	}
}

/** Every version of pyproject.toml a person could look at: the file and the copies hpm kept. */
function versions(dir: string): string[] {
	return readdirSync(dir)
		.filter((name) => name === "pyproject.toml" || name.startsWith("pyproject.toml.hpm-before"))
		.map((name) => readFileSync(path.join(dir, name), "utf8"));
}

async function play(base: string, steps: readonly Step[], index: number): Promise<void> {
	const dir = tempDir("hpm-interleave-");
	cpSync(base, dir, { recursive: true, filter: (source) => !source.endsWith(`${path.sep}.venv`) });
	const marks: string[] = [];
	const said: string[] = [];
	const where = () => `run ${index}: ${JSON.stringify(steps)}\n${said.join("\n---\n")}`;
	for (const [n, s] of steps.entries()) {
		if (s.kind === "sync") said.push((await hpmAsync(["sync"], dir, s.kill)).output);
		else if (s.kind === "edit-pyproject") {
			const file = path.join(dir, "pyproject.toml");
			const mark = `[tool.person-${n}]\nkept = ${n}\n`;
			writeFileSync(file, `${readFileSync(file, "utf8")}\n${mark}`);
			marks.push(mark.trim());
		} else if (s.kind === "user-uv-add") {
			const result = await run(REAL_UV, ["add", "--no-sync", "--no-workspace", "./packages/vlm_interface"], dir);
			if (result.code === 0) marks.push("vlm-interface");
		} else {
			said.push((await hpmAsync(s.args, dir)).output);
		}
	}
	// settle: a writing command that changes nothing by itself finishes whatever was left
	said.push((await hpmAsync(["group", "remove", "inference", "-o", "vlm-adapter-qwen"], dir)).output);

	for (const text of said) expect(text, where()).not.toMatch(/\n\s+at [\w.<]+ \(|node:internal/);
	const kept = versions(dir);
	for (const mark of marks)
		expect(
			kept.some((text) => text.includes(mark)),
			`lost "${mark}"; ${where()}`,
		).toBe(true);
	for (const text of kept) expect(() => parseToml(text), where()).not.toThrow();
	expect(existsSync(path.join(dir, ".hpm.journal.json")), `journal left; ${where()}`).toBe(false);
	expect(existsSync(path.join(dir, ".hpm.lock")), `lock left; ${where()}`).toBe(false);
	const staged = readdirSync(dir).filter((name) => /\.hpm-\d+-[0-9a-f]{8}\.(before|tmp)$/.test(name));
	expect(staged, `staged files left; ${where()}`).toEqual([]);
}

describe("random interleavings never lose a person's edit", () => {
	it(`${RUNS} generated runs`, async () => {
		const base = template();
		const runs = fc.sample(scenario, { numRuns: RUNS, seed: Number(process.env.HPM_SOAK_SEED ?? 20261121) });
		let next = 0;
		const worker = async () => {
			for (let i = next++; i < runs.length; i = next++) {
				const steps = runs[i];
				if (steps) await play(base, steps, i);
			}
		};
		await Promise.all(Array.from({ length: PARALLEL }, worker));
	}, 1_800_000);
});
