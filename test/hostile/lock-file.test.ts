import { execFileSync } from "node:child_process";
import { rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

/**
 * uv.lock that is no file: a named pipe would block uv forever, a link to /dev/zero (git stores
 * links, so a cloned repository can carry one) has it read without end. hpm never hands such a
 * thing to uv: every command that would says what it is, exit non-zero, at once.
 */
describe("a uv.lock that is not a regular file", () => {
	const kinds = {
		"a named pipe": (file: string) => execFileSync("mkfifo", [file]),
		"a link to /dev/zero": (file: string) => symlinkSync("/dev/zero", file),
	} as const;
	for (const [kind, make] of Object.entries(kinds))
		it(`${kind}: check, sync and install refuse it, naming it, without running uv on it`, () => {
			const dir = copyExample();
			// synced first: check's fast path would ask uv about the lock in place
			expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
			const lock = path.join(dir, "uv.lock");
			rmSync(lock);
			make(lock);
			for (const args of [["check"], ["sync"], ["install", "--manifest", "registry/packages/metric-rouge.yaml"]]) {
				const run = hpm(args, { cwd: dir, env: uvEnv(), timeout: 20_000 });
				// the exit check gives for the same problem
				expect(run.code, `${args[0]}: ${run.stdout}${run.stderr}`).toBe(1);
				expect(run.code).not.toBeNull(); // not killed by the time limit: it did not hang
				expect(run.stdout + run.stderr).toContain(
					`${lock} is ${kind === "a named pipe" ? "a named pipe" : "a device"}, not a lock file`,
				);
				expect(run.stderr).not.toMatch(/\n\s+at /);
			}
		}, 90_000);
});
