import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

/**
 * History is written before anything is discarded: a change whose history entry cannot be written
 * (a full disk, stood in by HPM_TEST_FAIL=history-write, or `.hpm/history` not a folder) is
 * refused before it changes anything. Pruning counts only entries that verify.
 */
const files = (dir: string) => ({
	pyproject: readFileSync(path.join(dir, "pyproject.toml"), "utf8"),
	lock: existsSync(path.join(dir, "uv.lock")) ? readFileSync(path.join(dir, "uv.lock"), "utf8") : null,
});

function ok(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
	const result = hpm(args, { cwd: dir, env: uvEnv(env) });
	expect(result.code, `hpm ${args.join(" ")}: ${result.stderr}`).toBe(0);
	return result;
}

const ids = (dir: string) =>
	(JSON.parse(ok(dir, ["history", "--json"]).stdout) as { entries: { id: number }[] }).entries.map((e) => e.id);

/** What hpm leaves in the project folder besides the person's files: nothing, after a refusal. */
const leftovers = (dir: string) => readdirSync(dir).filter((name) => /hpm-|\.hpm\.journal/.test(name));

const FULL = { HPM_TEST_FAIL: "history-write" };

describe("history is written before anything is discarded", () => {
	it("a rollback whose entry cannot be written changes nothing, keeps no stray file and says why (exit 1)", () => {
		const dir = copyExample();
		ok(dir, ["sync"]);
		ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		ok(dir, ["sync"]);
		// a hand edit since the last change: a rollback that went ahead without history would lose it
		writeFileSync(path.join(dir, "pyproject.toml"), `${files(dir).pyproject}# MY EDIT\n`);
		const before = files(dir);
		const entries = ids(dir);
		const run = hpm(["rollback"], { cwd: dir, env: uvEnv(FULL) });
		expect(run.code, run.stderr).toBe(1);
		expect(run.stderr).toContain("hpm rollback changed nothing: its history entry could not be written");
		expect(run.stderr).toContain("ENOSPC");
		expect(run.stderr).not.toMatch(/\n\s+at /);
		expect(files(dir)).toEqual(before);
		expect(leftovers(dir)).toEqual([]);
		expect(ids(dir)).toEqual(entries);
		// with room for it, the same rollback goes ahead and the edit is in its entry
		ok(dir, ["rollback"]);
		expect(ids(dir)).toHaveLength(entries.length + 1);
	}, 120_000);

	it("sync, group add, group remove and mode refuse before changing anything", () => {
		const dir = copyExample();
		const before = files(dir);
		for (const args of [
			["sync"],
			["group", "add", "inference", "-o", "vlm-adapter-deepseek"],
			["group", "remove", "metrics"],
			["mode", "dev"],
		]) {
			const run = hpm(args, { cwd: dir, env: uvEnv(FULL) });
			expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(1);
			expect(run.stderr).toContain("changed nothing: its history entry could not be written");
			expect(files(dir)).toEqual(before);
			expect(leftovers(dir)).toEqual([]);
		}
		expect(existsSync(path.join(dir, ".venv"))).toBe(false); // uv never ran a sync
	}, 120_000);

	it("a file where .hpm/history should be (any file system, as root too): group add refuses", () => {
		const dir = copyExample();
		mkdirSync(path.join(dir, ".hpm"));
		writeFileSync(path.join(dir, ".hpm", "history"), "not a folder");
		const before = files(dir);
		const run = hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], { cwd: dir, env: uvEnv() });
		expect(run.code, run.stderr).toBe(1);
		expect(run.stderr).toContain("not a folder of yours");
		expect(files(dir)).toEqual(before);
		// and the readers say so too: not "no history yet"
		for (const args of [["history"], ["rollback"], ["diff"]]) {
			const read = hpm(args, { cwd: dir, env: uvEnv() });
			expect(read.code, `${args.join(" ")}: ${read.stdout}${read.stderr}`).toBe(2);
			expect(read.stderr).toContain("cannot read the history:");
			expect(read.stdout + read.stderr).not.toContain("no history yet");
		}
		expect(files(dir)).toEqual(before);
	});

	it("with a signing key hpm cannot use, group add refuses (as sync does) and names the key", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-key-");
		writeFileSync(path.join(cache, "hpm.key"), Buffer.alloc(32, 7), { mode: 0o644 });
		const before = files(dir);
		const run = hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], {
			cwd: dir,
			env: uvEnv({ HPM_CACHE_DIR: cache }),
		});
		expect(run.code, run.stderr).toBe(1);
		expect(run.stderr).toContain(`${path.join(cache, "hpm.key")} can be read or written by others`);
		expect(files(dir)).toEqual(before);
	});

	it("planted entries never wipe the history: a junk 000099.json and 30 tiny ones count for nothing", () => {
		const dir = copyExample();
		ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		ok(dir, ["group", "remove", "metrics", "-o", "metric-rouge"]);
		ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		const folder = path.join(dir, ".hpm", "history");
		const planted = [
			"000099.json",
			...Array.from({ length: 30 }, (_, i) => `${String(100 + i).padStart(6, "0")}.json`),
		];
		for (const name of planted) writeFileSync(path.join(folder, name), "x", { mode: 0o600 });
		ok(dir, ["group", "remove", "metrics", "-o", "metric-rouge"]);
		expect(ids(dir)).toEqual([4, 3, 2, 1]);
		for (const name of planted) expect(readFileSync(path.join(folder, name), "utf8")).toBe("x");
	}, 60_000);
});

describe("a history signed with a key this user no longer has", () => {
	it("history, diff and rollback name the key and why, instead of saying there is no history (exit 2)", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-key-a-");
		expect(
			hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir, env: uvEnv({ HPM_CACHE_DIR: cache }) }).code,
		).toBe(0);
		expect(hpm(["history"], { cwd: dir, env: uvEnv({ HPM_CACHE_DIR: cache }) }).stdout).toContain("#1");
		// the cache cleared, or another HPM_CACHE_DIR: another key
		const other = tempDir("hpm-key-b-");
		for (const args of [["history"], ["diff"], ["rollback"]]) {
			const run = hpm(args, { cwd: dir, env: uvEnv({ HPM_CACHE_DIR: other }) });
			expect(run.code, `${args[0]}: ${run.stdout}${run.stderr}`).toBe(2);
			expect(run.stderr).toContain("none of the 1 files of .hpm/history verifies with");
			expect(run.stderr).toContain(path.join(other, "hpm.key"));
			expect(run.stdout + run.stderr).not.toContain("no history yet");
		}
	});
});
