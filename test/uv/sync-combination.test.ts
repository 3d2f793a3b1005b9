import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm } from "../helpers/run.js";
import { installed, uvEnv } from "../helpers/uv.js";

const groupsTable = (dir: string) =>
	readFileSync(path.join(dir, "pyproject.toml"), "utf8").split("[tool.hpm.groups]")[1];

describe("hpm sync --combination (a CI job in a fresh checkout)", () => {
	it("records exactly that choice (every group not named unchosen) and syncs it; a conflicting one restores the files", () => {
		// Given the example with its own choice (qwen, bleu), never synced
		const dir = copyExample();
		const env = uvEnv();

		// When a job syncs another combination
		const synced = hpm(["sync", "--combination", "inference=vlm-adapter-deepseek,metrics=metric-bleu+metric-rouge"], {
			cwd: dir,
			env,
		});

		// Then pyproject.toml records it, the environment holds it, and the history says what it was
		expect(synced.code, synced.stderr).toBe(0);
		expect(groupsTable(dir)).toContain(
			'inference = "vlm-adapter-deepseek"\nmetrics = ["metric-bleu", "metric-rouge"]\n',
		);
		expect(installed(dir)).toEqual(["metric-bleu", "metric-rouge", "vlm-adapter-deepseek", "vlm-interface"]);
		expect(hpm(["history"], { cwd: dir, env }).stdout).toContain(
			"sync: combination inference=vlm-adapter-deepseek,metrics=metric-bleu+metric-rouge",
		);
		expect(
			hpm(["sync", "--combination", "inference=vlm-adapter-deepseek,metrics=metric-rouge+metric-bleu"], {
				cwd: dir,
				env,
			}).stdout,
		).toContain("nothing to do");

		// a group not named is unchosen, not kept from the project: a required one is refused
		const one = hpm(["sync", "--combination", "inference=vlm-adapter-qwen"], { cwd: dir, env });
		expect(one.code).toBe(1);
		expect(one.stdout).toContain('group "metrics" needs at least 1 option');
		const before = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		const lockBefore = readFileSync(path.join(dir, "uv.lock"), "utf8");

		// When the combination conflicts (uv finds it), the files are as they were and the choices are named
		const bad = hpm(["sync", "--combination", "inference=vlm-adapter-qwen,metrics=metric-legacy"], { cwd: dir, env });
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain("inference=vlm-adapter-qwen conflicts with metrics=metric-legacy");
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(before);
		expect(readFileSync(path.join(dir, "uv.lock"), "utf8")).toBe(lockBefore);

		// a misspelt one is a usage error naming the group's options
		const typo = hpm(["sync", "--combination", "inference=vlm-adapter-qwn"], { cwd: dir, env });
		expect(typo.code).toBe(2);
		expect(typo.stderr).toContain('group "inference" has no option "vlm-adapter-qwn"');
	});
});

describe("a temporary folder that cannot hold hpm's scratch folder", () => {
	it.each([
		["names no folder", () => "/nonexistent-hpm-tmp"],
		["is a file", () => path.join(copyExample(), "pyproject.toml")],
	])("stops sync and export before any change when TMPDIR %s, naming TMPDIR", (_, tmp) => {
		// Given the example with a change to make
		const dir = copyExample();
		const before = readdirSync(dir).sort();
		const pyproject = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		const env = { ...uvEnv(), TMPDIR: tmp() };

		// When it is synced, or exported, with that TMPDIR
		const combination = "inference=vlm-adapter-deepseek,metrics=metric-bleu";
		for (const args of [["sync"], ["sync", "--combination", combination], ["export", "--combination", combination]]) {
			const run = hpm(args, { cwd: dir, env });
			// Then it fails with a message naming TMPDIR and the fix, not a bug report
			expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(2);
			expect(run.stderr).toContain("cannot make a scratch folder");
			expect(run.stderr).toContain("set TMPDIR to a folder you can write to");
			expect(run.stderr).not.toContain("bug in hpm");
			// and leaves no journal, no backup copy, and the files as they were
			expect(readdirSync(dir).sort()).toEqual(before);
			expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(pyproject);
		}
		// so the next sync finds nothing to finish, and works
		const next = hpm(["sync"], { cwd: dir, env: uvEnv() });
		expect(next.stderr).not.toContain("killed");
		expect(next.code, next.stderr).toBe(0);
	});
});
