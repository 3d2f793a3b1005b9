import { spawn } from "node:child_process";
import { cpSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, copyExample, hpm, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

type Pair = { pyproject: string; lock: string };
const pair = (dir: string): Pair => ({
	pyproject: readFileSync(path.join(dir, "pyproject.toml"), "base64"),
	lock: existsSync(path.join(dir, "uv.lock")) ? readFileSync(path.join(dir, "uv.lock"), "base64") : "",
});

/** Starts `hpm sync` and sends `signal` after `delayMs`; resolves with the exit code and output. */
function syncAndKill(
	dir: string,
	signal: NodeJS.Signals,
	delayMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [BIN, "sync"], {
			cwd: dir,
			// a SIGKILLed hpm cannot remove its scratch folder: it goes with this run's own TMPDIR
			env: { ...process.env, ...uvEnv(), NO_COLOR: "1", TMPDIR: tempDir("hpm-kill-tmp-") },
		});
		let stderr = "";
		child.stderr.on("data", (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		const timer = setTimeout(() => child.kill(signal), delayMs);
		child.on("close", (code, killedBy) => {
			clearTimeout(timer);
			resolve({ code, signal: killedBy, stderr });
		});
	});
}

describe("kill anywhere: a sync killed at any moment leaves the old pair or the new pair", () => {
	it("54 kills with SIGINT, SIGTERM and SIGKILL spread over the whole sync", async () => {
		// Given a synced project (state A) whose selection now asks for state B
		const template = copyExample();
		expect(hpm(["sync"], { cwd: template, env: uvEnv() }).code).toBe(0);
		hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], { cwd: template });
		hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: template });
		const old = pair(template);

		// The new pair, and how long a whole sync takes, from one uninterrupted run
		const reference = tempDir("hpm-kill-ref-");
		cpSync(template, reference, { recursive: true });
		const started = Date.now();
		expect(hpm(["sync"], { cwd: reference, env: uvEnv() }).code).toBe(0);
		const duration = Date.now() - started;
		const fresh = pair(reference);
		expect(fresh).not.toEqual(old);

		const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGKILL"];
		const runs = 54;
		const outcomes: Record<string, number> = { old: 0, new: 0, kept: 0 };
		for (let i = 0; i < runs; i++) {
			const signal = signals[i % 3] ?? "SIGKILL";
			// spread from the very start to a little past the end of a whole sync; the last three
			// come surely after it (a loaded machine makes a sync slower than the reference run)
			const delay = i >= runs - 3 ? duration * 10 : Math.round((i / (runs - 4)) * duration * 1.1);
			const dir = tempDir("hpm-kill-");
			cpSync(template, dir, { recursive: true });

			const result = await syncAndKill(dir, signal, delay);
			expect(result.stderr, `run ${i}`).not.toMatch(/\n\s+at /);
			let kept = false;
			if (signal === "SIGKILL" && result.signal === "SIGKILL") {
				// a read-only command only reports an unfinished sync (the orphaned uv may still be writing)
				const journal = existsSync(path.join(dir, ".hpm.journal.json"));
				const list = hpm(["list"], { cwd: dir });
				expect(list.code, `run ${i}: ${list.stderr}`).toBe(0);
				expect(list.stderr, `run ${i}`).not.toMatch(/\n\s+at |restored/);
				expect(existsSync(path.join(dir, ".hpm.journal.json")), `run ${i}: list repaired`).toBe(journal);
				// the next writing command (one that changes nothing itself) finishes or undoes it
				const next = hpm(["group", "remove", "inference", "-o", "vlm-adapter-qwen"], { cwd: dir });
				expect(next.stderr, `run ${i}`).not.toMatch(/\n\s+at /);
				if (next.code !== 0) {
					// only when uv's last writes cannot be told from a person's: nothing restored, both kept
					expect(next.stderr, `run ${i}`).toContain("hpm restored nothing, so no edit is lost");
					const before = path.join(dir, "pyproject.toml.hpm-before");
					expect(existsSync(before), `run ${i}: no copy kept`).toBe(true);
					expect(readFileSync(before, "base64"), `run ${i}`).toBe(old.pyproject);
					kept = true;
				}
				if (existsSync(path.join(dir, ".hpm.journal.json"))) throw new Error(`run ${i}: journal left behind`);
			}
			const after = pair(dir);
			const which = kept
				? "kept"
				: after.pyproject === old.pyproject && after.lock === old.lock
					? "old"
					: after.pyproject === fresh.pyproject && after.lock === fresh.lock
						? "new"
						: "torn";
			expect(which, `run ${i}: ${signal} after ${delay} ms (sync takes ${duration} ms)`).not.toBe("torn");
			outcomes[which] = (outcomes[which] ?? 0) + 1;
			expect(existsSync(path.join(dir, ".hpm.lock")) && result.signal !== "SIGKILL", `run ${i}: lock left behind`).toBe(
				false,
			);
		}
		// the kills really were spread: some landed before the end, some after
		expect(outcomes.old).toBeGreaterThan(0);
		expect(outcomes.new).toBeGreaterThan(0);
		console.log(`kill anywhere: ${runs} runs, sync takes ${duration} ms, outcomes ${JSON.stringify(outcomes)}`);
	}, 600_000);

	it("after SIGKILL the next writing command says what it restored", async () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
		const old = pair(dir);
		// kill as soon as the journal exists, i.e. inside the transaction
		const child = spawn(process.execPath, [BIN, "sync"], { cwd: dir, env: { ...process.env, ...uvEnv() } });
		await new Promise<void>((resolve) => {
			const poll = setInterval(() => {
				if (existsSync(path.join(dir, ".hpm.journal.json"))) {
					clearInterval(poll);
					child.kill("SIGKILL");
					resolve();
				}
			}, 2);
		});
		await new Promise((resolve) => child.on("close", resolve));
		const next = hpm(["group", "remove", "inference", "-o", "vlm-adapter-deepseek"], { cwd: dir });
		expect(next.code, next.stderr).toBe(0);
		expect(next.stderr).toMatch(
			/^hpm: an earlier `hpm sync` \(pid \d+, started .*\) was killed before it finished; (pyproject.toml and uv.lock were restored to their state before it|it had not changed pyproject.toml or uv.lock yet)/,
		);
		expect(pair(dir)).toEqual(old);
		expect(existsSync(path.join(dir, ".hpm.lock"))).toBe(false);
	});
});
