import { execFileSync } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, tempDir } from "../helpers/run.js";
import { installed, REAL_UV, uvEnv, uvSpy } from "../helpers/uv.js";

/** A uv call that runs uv's resolver: a lock, an edit that locks, a sync that may re-lock. */
const resolves = (args: readonly string[]): boolean =>
	(args[0] === "lock" && !args.includes("--check")) ||
	((args[0] === "add" || args[0] === "remove") && !args.includes("--frozen")) ||
	(args[0] === "sync" && !args.includes("--locked"));

/** The example with its own hpm cache, and a spy that logs every uv call before running the real uv. */
function setUp() {
	const dir = copyExample();
	const cache = tempDir("hpm-known-cache-");
	const spy = uvSpy();
	const env = uvEnv({ ...spy.env, HPM_CACHE_DIR: cache });
	let seen = 0;
	const run = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) => {
		const result = hpm(args, { cwd: dir, env: { ...env, ...extra } });
		expect(result.code, result.stderr).toBe(0);
		const calls = spy.calls().slice(seen);
		seen += calls.length;
		return { ...result, calls, resolved: calls.filter(resolves) };
	};
	const choose = (option: string) => run(["group", "add", "inference", "--option", option]);
	const entries = () => {
		const root = path.join(cache, "resolutions");
		return readdirSync(root).flatMap((id) => readdirSync(path.join(root, id)).map((f) => path.join(root, id, f)));
	};
	return { dir, run, choose, entries };
}

describe("known resolutions (real uv)", () => {
	it("a switch resolves once; a switch back runs no resolver and writes uv.lock byte for byte as uv lock does", () => {
		const { dir, run, choose } = setUp();
		run(["sync"]);
		choose("vlm-adapter-deepseek");
		const first = run(["sync"]);
		// `uv remove --frozen`, one locking `uv add --no-sync`, `uv sync --locked`
		expect(first.resolved.map((args) => args[0])).toEqual(["add"]);
		expect(first.calls.filter((args) => args[0] === "remove").every((args) => args.includes("--frozen"))).toBe(true);

		choose("vlm-adapter-qwen");
		const check = run(["check"]);
		expect(check.stdout).toContain("ok: the selection resolves (4 packages)");
		expect(check.resolved).toEqual([]);
		const back = run(["sync"]);
		expect(back.resolved).toEqual([]);
		expect(back.calls.at(-1)).toEqual(expect.arrayContaining(["sync", "--locked"]));
		expect(installed(dir)).toContain("vlm-adapter-qwen");
		expect(installed(dir)).not.toContain("vlm-adapter-deepseek");
		// what uv itself locks for this pyproject.toml, from nothing
		const reused = readFileSync(path.join(dir, "uv.lock"));
		rmSync(path.join(dir, "uv.lock"));
		execFileSync(REAL_UV, ["lock", "-q"], { cwd: dir, env: { ...process.env, ...uvEnv() } });
		expect(readFileSync(path.join(dir, "uv.lock")).equals(reused)).toBe(true);
		expect(run(["sync"]).stdout).toContain("nothing to do");
	});

	it("a changed input (a component's pyproject.toml) or HPM_NO_CACHE=1 resolves again", () => {
		const { dir, run, choose } = setUp();
		run(["sync"]);
		choose("vlm-adapter-deepseek");
		run(["sync"]);
		choose("vlm-adapter-qwen");
		expect(run(["check"], { HPM_NO_CACHE: "1" }).resolved.map((args) => args[0])).toEqual(["lock"]);
		// a new version of the component, and its manifest saying so
		const bump = (file: string, from: string, to: string) =>
			writeFileSync(path.join(dir, file), readFileSync(path.join(dir, file), "utf8").replace(from, to));
		bump("packages/vlm_adapter_qwen/pyproject.toml", 'version = "0.1.0"', 'version = "0.1.1"');
		bump("registry/packages/vlm-adapter-qwen.yaml", 'version: "0.1.0"', 'version: "0.1.1"');
		expect(run(["check"]).resolved.map((args) => args[0])).toEqual(["lock"]);
		const sync = run(["sync"]);
		expect(sync.resolved).not.toEqual([]);
		expect(readFileSync(path.join(dir, "uv.lock"), "utf8")).toMatch(/name = "vlm-adapter-qwen"\nversion = "0\.1\.1"/);
	});

	it("a tampered or swapped cache entry is never used: the check and the sync resolve", () => {
		const { dir, run, choose, entries } = setUp();
		run(["sync"]);
		const [qwen] = entries();
		choose("vlm-adapter-deepseek");
		run(["sync"]);
		const deepseek = entries().find((file) => file !== qwen);
		if (!qwen || !deepseek) throw new Error("two known resolutions expected");
		choose("vlm-adapter-qwen");
		// bytes changed behind the checksum line
		writeFileSync(qwen, readFileSync(qwen, "utf8").replace(/"resolved":\d+/, '"resolved":99'));
		expect(run(["check"]).resolved.map((args) => args[0])).toEqual(["lock"]);
		// another combination's entry, intact, under this one's name
		copyFileSync(deepseek, qwen);
		const sync = run(["sync"]);
		expect(sync.resolved).not.toEqual([]);
		expect(installed(dir)).toContain("vlm-adapter-qwen");
		expect(readFileSync(path.join(dir, "uv.lock"), "utf8")).not.toContain("vlm-adapter-deepseek");
	});
});
