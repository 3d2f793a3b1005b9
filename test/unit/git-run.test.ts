import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HpmError } from "../../source/core/base/errors.js";
import { git } from "../../source/core/registry/git-run.js";
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

describe("a registry's git run that is cancelled", () => {
	const PATH = process.env.PATH;
	let dir: string | undefined;
	afterEach(() => {
		process.env.PATH = PATH;
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it("stops a git that ignores SIGTERM, and everything it started, before it reports the interruption", async () => {
		// Given a git that ignores SIGTERM (as its children do: an ignored signal stays ignored across exec)
		dir = tempDir("hpm-git-run-");
		const bin = path.join(dir, "bin");
		mkdirSync(bin);
		const pids = path.join(dir, "pids");
		writeFileSync(
			path.join(bin, "git"),
			`#!/bin/sh\ntrap '' TERM\nsleep 60 &\necho "$$ $!" > ${pids}\necho started >&2\nwait\n`,
		);
		chmodSync(path.join(bin, "git"), 0o755);
		process.env.PATH = `${bin}${path.delimiter}${PATH ?? ""}`;
		const controller = new AbortController();
		// When hpm's fetch is cancelled once git has started
		const run = git(["fetch", "--", "https://example.invalid/registry.git"], {
			what: "fetch the registry",
			signal: controller.signal,
			progress: (line) => {
				if (line === "started") controller.abort();
			},
		});
		// Then it is reported as an interruption, and neither git nor its child is left running
		const error = await run.then(
			() => undefined,
			(failure: unknown) => failure,
		);
		expect(error).toBeInstanceOf(HpmError);
		expect((error as HpmError).code).toBe("interrupted");
		const [shell, child] = readFileSync(pids, "utf8").trim().split(" ").map(Number);
		expect(running(shell ?? 0)).toBe(false);
		expect(running(child ?? 0)).toBe(false);
	}, 20_000);
});
