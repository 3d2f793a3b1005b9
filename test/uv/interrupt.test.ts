import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, copyExample, hpm, snapshot, tempDir } from "../helpers/run.js";
import { slowPackage, uvEnv } from "../helpers/uv.js";

function runUntil(
	args: string[],
	cwd: string,
	marker: string,
	signal: NodeJS.Signals,
): Promise<{ code: number | null; stderr: string; elapsed: number }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...uvEnv(), NO_COLOR: "1" } });
		let stderr = "";
		let sent = 0;
		child.stderr.on("data", (chunk: Buffer) => {
			stderr += chunk.toString();
			if (!sent && stderr.includes(marker)) {
				sent = Date.now();
				// give uv a moment to be inside the slow build
				setTimeout(() => child.kill(signal), 700);
			}
		});
		child.on("close", (code) => resolve({ code, stderr, elapsed: Date.now() - sent }));
	});
}

/** uv and the build backend it started are gone too (within uv's grace period), not orphaned. */
async function expectNoBuildLeft(backend: string): Promise<void> {
	const alive = () => spawnSync("pgrep", ["-f", `import ${backend}`]).status === 0;
	for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
	expect(alive()).toBe(false);
}

describe("interrupting a running sync", () => {
	it.each([
		["SIGINT", 130],
		["SIGTERM", 143],
	] as const)("%s stops uv and restores pyproject.toml and uv.lock byte for byte", async (signal, exitCode) => {
		// Given a synced project and a selection whose sync will hang inside uv
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const backend = slowPackage(dir);
		hpm(["group", "add", "metrics", "-o", "metric-slow"], { cwd: dir });
		const before = snapshot(dir);
		const lock = readFileSync(path.join(dir, "uv.lock"));

		// When the user interrupts while uv runs
		const result = await runUntil(["sync"], dir, "$ uv add", signal);

		// Then hpm exits promptly, non-zero, saying it restored; uv is gone; files are as before
		expect(result.stderr).toContain("restored pyproject.toml and uv.lock");
		expect(result.code).toBe(exitCode);
		expect(result.elapsed).toBeLessThan(20_000);
		expect(result.stderr).not.toMatch(/\n\s+at /);
		await expectNoBuildLeft(backend);
		expect(readFileSync(path.join(dir, "uv.lock"))).toEqual(lock);
		const after = snapshot(dir);
		for (const [file, content] of before) if (!file.startsWith(".venv")) expect(after.get(file), file).toEqual(content);
	});

	it("SIGKILL of hpm itself: a read-only command only reports it; the next writing command stops the orphaned uv and restores the files", async () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const backend = slowPackage(dir);
		hpm(["group", "add", "metrics", "-o", "metric-slow"], { cwd: dir });
		const before = {
			pyproject: readFileSync(path.join(dir, "pyproject.toml")),
			lock: readFileSync(path.join(dir, "uv.lock")),
		};
		const result = await runUntil(["sync"], dir, "$ uv add", "SIGKILL");
		expect(result.code).toBeNull();
		const list = hpm(["list"], { cwd: dir });
		expect(list.code).toBe(0);
		expect(list.stderr).toMatch(
			/^hpm: an earlier `hpm sync` \(pid \d+, started .*\) did not finish; the next hpm sync, install or group command will look at what it changed and undo it\n$/,
		);
		expect(existsSync(path.join(dir, ".hpm.journal.json"))).toBe(true);
		// a writing command that does not touch uv.lock, so the restored lock is visible as it is
		const next = hpm(["group", "remove", "metrics", "-o", "metric-slow"], { cwd: dir });
		expect(next.code, next.stderr).toBe(0);
		expect(next.stderr).toContain("was killed before it finished; pyproject.toml and uv.lock were restored");
		await expectNoBuildLeft(backend);
		expect(readFileSync(path.join(dir, "uv.lock"))).toEqual(before.lock);
		const restored = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		expect(restored).toBe(before.pyproject.toString("utf8").replace(', "metric-slow"', ""));
		expect(existsSync(path.join(dir, ".hpm.journal.json"))).toBe(false);
	});

	it("Ctrl-C during check changes nothing and creates nothing", async () => {
		const dir = copyExample();
		const backend = slowPackage(dir);
		hpm(["group", "add", "metrics", "-o", "metric-slow"], { cwd: dir });
		const before = snapshot(dir);
		const result = await runUntil(["check"], dir, "$ uv lock", "SIGINT");
		expect(result.code).toBe(130);
		await expectNoBuildLeft(backend);
		expect(snapshot(dir)).toEqual(before);
	});
});

describe("uv missing or too old (a PATH the test controls)", () => {
	it("uv missing: a clear error with the install command, exit 1 from sync as from check, nothing changed", () => {
		const dir = copyExample();
		const before = snapshot(dir);
		const empty = tempDir("hpm-path-");
		const result = hpm(["sync"], { cwd: dir, env: { PATH: `${empty}:${path.dirname(process.execPath)}` } });
		expect(result.code).toBe(1);
		expect(result.stderr).toContain("error: uv was not found on PATH");
		expect(result.stderr).toContain("python3 -m pip install 'uv>=0.9.26'");
		expect(snapshot(dir)).toEqual(before);
		const check = hpm(["check", "--json"], { cwd: dir, env: { PATH: `${empty}:${path.dirname(process.execPath)}` } });
		expect(check.code).toBe(1);
		expect(JSON.parse(check.stdout).problems).toEqual([expect.objectContaining({ code: "uv-missing" })]);
	});

	it("uv too old: refuses with the exact upgrade command", () => {
		const dir = copyExample();
		// Only the version report is stood in for: hpm must refuse before it runs anything else.
		const bin = tempDir("hpm-old-uv-");
		writeFileSync(
			path.join(bin, "uv"),
			'#!/bin/sh\nif [ "$1 $2" = "self version" ]; then echo \'{"version": "0.8.3"}\'; exit 0; fi\necho "unexpected uv call: $*" >&2; exit 99\n',
		);
		chmodSync(path.join(bin, "uv"), 0o755);
		const before = snapshot(dir);
		const result = hpm(["sync"], { cwd: dir, env: { PATH: `${bin}:${path.dirname(process.execPath)}` } });
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(
			"error: uv 0.8.3 is too old: hpm needs uv >= 0.9.26\nhint: upgrade uv: `uv self update`, or `python3 -m pip install --upgrade 'uv>=0.9.26'`\n",
		);
		expect(snapshot(dir)).toEqual(before);
	});
});

describe("interrupting check --matrix", () => {
	it("Ctrl-C while combinations resolve in parallel: exit 130, every worker stopped, no scratch copy left", async () => {
		const dir = copyExample();
		// every combination holding metric-slow hangs inside uv's build of it
		const backend = slowPackage(dir);
		const tmp = tempDir("hpm-matrix-tmp-");
		const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
			const child = spawn(process.execPath, [BIN, "check", "--matrix", "--all", "--jobs", "2"], {
				cwd: dir,
				env: { ...process.env, ...uvEnv(), NO_COLOR: "1", TMPDIR: tmp, HPM_NO_CACHE: "1" },
			});
			let stderr = "";
			child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
			// both workers are inside uv once two scratch copies exist
			const poll = setInterval(() => {
				const scratch = readdirSync(tmp).filter((name) => name.startsWith("hpm-check-"));
				if (scratch.length < 2) return;
				clearInterval(poll);
				setTimeout(() => child.kill("SIGINT"), 300);
			}, 50);
			child.on("close", (code) => {
				clearInterval(poll);
				resolve({ code, stderr });
			});
		});
		expect(result.code, result.stderr).toBe(130);
		expect(result.stderr).not.toMatch(/\n\s+at /);
		await expectNoBuildLeft(backend);
		expect(readdirSync(tmp).filter((name) => name.startsWith("hpm-check-"))).toEqual([]);
	}, 120_000);
});
