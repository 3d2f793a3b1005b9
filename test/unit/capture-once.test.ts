import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { captureOnce } from "../../source/core/os/child.js";
import { tempDir } from "../helpers/run.js";

/** Whether the process with this pid still runs (a zombie, dead and not yet reaped, does not). */
function running(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
	} catch {
		return false;
	}
}

// a program that starts another and waits on it: what a wrapper or a shim around uv does
const WRAPPER = ["-c", 'sleep 30 >/dev/null 2>&1 & echo "$!"; echo waiting >&2; wait'];

describe("captureOnce: one question to a program, in a process group of its own", () => {
	it("collects what it prints and how it ended", async () => {
		const run = await captureOnce("sh", ["-c", "echo out; echo err >&2; exit 3"], {
			env: process.env,
			timeout: 30_000,
		});
		expect(run).toEqual({
			stdout: "out\n",
			stderr: "err\n",
			code: 3,
			signal: null,
			startError: undefined,
			stopped: undefined,
		});
	});

	it("a program that does not exist is a start error, not a rejection", async () => {
		const run = await captureOnce("/nonexistent/program", [], { env: process.env, timeout: 30_000 });
		expect(run.startError?.code).toBe("ENOENT");
		expect(run.code).toBeNull();
	});

	it("when its time runs out, the whole group is killed: what it started too", async () => {
		const run = await captureOnce("sh", WRAPPER, { env: process.env, timeout: 3_000 });
		expect(run.stopped).toBe("timeout");
		expect(run.signal).toBe("SIGKILL");
		const started = Number(run.stdout.trim());
		expect(started).toBeGreaterThan(0);
		await expect.poll(() => running(started), { timeout: 10_000 }).toBe(false);
	});

	it("an abort kills the whole group", async () => {
		const pidFile = path.join(tempDir("hpm-capture-"), "pid");
		const controller = new AbortController();
		const pending = captureOnce("sh", ["-c", `sleep 30 >/dev/null 2>&1 & echo "$!" > "${pidFile}"; wait`], {
			env: process.env,
			timeout: 600_000,
			signal: controller.signal,
		});
		// abort once the wrapper has started what it waits on
		await expect
			.poll(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"), { timeout: 30_000 })
			.toBe(true);
		const started = Number(readFileSync(pidFile, "utf8").trim());
		controller.abort();
		const run = await pending;
		expect(run.stopped).toBe("abort");
		await expect.poll(() => running(started), { timeout: 10_000 }).toBe(false);
	});
});
