import { spawnSync } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_FILES, treeFingerprint } from "../../source/core/operations/test-tree.js";
import { tempDir } from "../helpers/run.js";

const fingerprint = async (dir: string) => {
	const tree = await treeFingerprint(dir);
	if (!("fingerprint" in tree)) throw new Error(tree.refused);
	return tree.fingerprint;
};

const git = (dir: string, ...args: string[]) =>
	expect(
		spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@localhost", ...args], {
			cwd: dir,
			env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
		}).status,
	).toBe(0);

describe("the working tree's fingerprint (hpm test's reuse of results)", () => {
	it("outside git: a file's bytes and name count; beyond the file bound it refuses, saying why", async () => {
		const dir = tempDir("hpm-tree-");
		writeFileSync(path.join(dir, "a.py"), "one\n");
		const first = await fingerprint(dir);
		expect(await fingerprint(dir)).toBe(first);
		writeFileSync(path.join(dir, "a.py"), "two\n");
		const second = await fingerprint(dir);
		expect(second).not.toBe(first);
		renameSync(path.join(dir, "a.py"), path.join(dir, "b.py"));
		expect(await fingerprint(dir)).not.toBe(second);
		mkdirSync(path.join(dir, "many"));
		for (let i = 0; i <= MAX_FILES; i++) writeFileSync(path.join(dir, "many", String(i)), "");
		expect(await treeFingerprint(dir)).toEqual({
			refused: `the working tree has more than ${MAX_FILES} files to fingerprint (at least ${MAX_FILES + 1})`,
		});
	});

	it("in git: a commit, a staged change, a rename count; an ignored file does not", async () => {
		const dir = tempDir("hpm-tree-git-");
		writeFileSync(path.join(dir, "a.py"), "one\n");
		writeFileSync(path.join(dir, ".gitignore"), "scratch/\n");
		git(dir, "init", "-q");
		git(dir, "add", "-A");
		git(dir, "commit", "-q", "-m", "one");
		const clean = await fingerprint(dir);
		mkdirSync(path.join(dir, "scratch"));
		writeFileSync(path.join(dir, "scratch", "x"), "x");
		expect(await fingerprint(dir)).toBe(clean);
		git(dir, "mv", "a.py", "b.py");
		const renamed = await fingerprint(dir);
		expect(renamed).not.toBe(clean);
		git(dir, "commit", "-q", "-m", "two");
		const committed = await fingerprint(dir);
		expect([committed === clean, committed === renamed]).toEqual([false, false]);
	});
});
