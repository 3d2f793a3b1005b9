import { spawn, spawnSync } from "node:child_process";
import {
	chmodSync,
	existsSync,
	linkSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	statSync,
	symlinkSync,
	writeFileSync,
	lstatSync,
	chownSync,
} from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, copyExample, hpm, snapshot, tempDir } from "../helpers/run.js";
import { REAL_UV, slowPackage, uvEnv } from "../helpers/uv.js";

const JOURNAL = ".hpm.journal.json";

/** Starts `hpm sync`, SIGKILLs it once uv is building, then stops the orphaned uv too (as if it ended). */
async function killedMidSync(dir: string): Promise<void> {
	const child = spawn(process.execPath, [BIN, "sync"], {
		cwd: dir,
		env: { ...process.env, ...uvEnv(), NO_COLOR: "1" },
	});
	await new Promise<void>((resolve) => {
		let stderr = "";
		let sent = false;
		child.stderr.on("data", (chunk: Buffer) => {
			stderr += chunk.toString();
			if (!sent && stderr.includes("$ uv add")) {
				sent = true;
				setTimeout(() => child.kill("SIGKILL"), 700);
			}
		});
		child.on("close", () => resolve());
	});
	// the orphaned uv is stopped by the test, as if it had ended by itself: its group from the journal
	const journal = JSON.parse(readFileSync(path.join(dir, JOURNAL), "utf8")) as {
		body: { running: { pid: number } | null };
	};
	const group = journal.body.running?.pid;
	if (group === undefined) throw new Error("the journal recorded no running uv");
	try {
		process.kill(-group, "SIGKILL");
	} catch {
		// gone already
	}
	for (let i = 0; i < 100 && spawnSync("kill", ["-0", `-${group}`]).status === 0; i++)
		await new Promise((r) => setTimeout(r, 50));
}

describe("a journal is validated before it is believed", () => {
	it.each([
		['{"pyproject":""}', "an old-style journal that would truncate pyproject.toml"],
		['{"pyproject":"","lock":null}', "one that would delete uv.lock"],
		["null", "null"],
		["{}", "an empty object"],
		["not json at all", "garbage"],
		[
			JSON.stringify({ body: { version: 2 }, checksum: "0".repeat(64) }),
			"a well-formed envelope whose checksum does not match",
		],
	])("%s (%s): read-only commands report it, the next writing command sets it aside, nothing is applied", (text) => {
		const dir = copyExample();
		writeFileSync(path.join(dir, JOURNAL), text);
		const before = snapshot(dir);

		const list = hpm(["list"], { cwd: dir });
		expect(list.code, list.stderr).toBe(0);
		expect(list.stderr).toContain("is not a valid hpm journal");
		expect(snapshot(dir)).toEqual(before);

		const add = hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
		expect(add.code, add.stderr).toBe(0);
		expect(add.stderr).toMatch(/hpm: set aside \.hpm\.journal\.json: .*; nothing was restored/);
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toContain(
			'metrics = ["metric-bleu", "metric-rouge"]',
		);
		expect(existsSync(path.join(dir, JOURNAL))).toBe(false);
		expect(readdirSync(dir).filter((f) => f.startsWith(`${JOURNAL}.invalid-`))).toHaveLength(1);
	});

	it("a journal that is a folder blocks nothing", () => {
		const dir = copyExample();
		mkdirSync(path.join(dir, JOURNAL));
		expect(hpm(["list"], { cwd: dir }).code).toBe(0);
		const add = hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
		expect(add.code, add.stderr).toBe(0);
		expect(add.stderr).toContain("it is a directory, expected a file");
	});
});

describe("leftovers", () => {
	it("staged files of an hpm killed before its journal named them are removed by the next writing command", () => {
		const dir = copyExample();
		const leftovers = [".pyproject.toml.hpm-999999-0123abcd.before", ".uv.lock.hpm-999999-89abcdef.tmp"];
		for (const name of leftovers) writeFileSync(path.join(dir, name), "old bytes");
		writeFileSync(path.join(dir, "notes.hpm-999999-0123abcd.before.txt"), "mine");
		expect(hpm(["list"], { cwd: dir }).code).toBe(0);
		for (const name of leftovers) expect(existsSync(path.join(dir, name))).toBe(true);
		expect(hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir }).code).toBe(0);
		for (const name of leftovers) expect(existsSync(path.join(dir, name))).toBe(false);
		expect(readFileSync(path.join(dir, "notes.hpm-999999-0123abcd.before.txt"), "utf8")).toBe("mine");
	});
});

describe("compare before restore", () => {
	it("a killed sync followed by the user's own edits: the next sync restores nothing and keeps both", async () => {
		// Given a synced project whose sync of a new option was SIGKILLed while uv was at work
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		slowPackage(dir);
		hpm(["group", "add", "metrics", "-o", "metric-slow"], { cwd: dir });
		const original = readFileSync(path.join(dir, "pyproject.toml"));
		await killedMidSync(dir);
		expect(existsSync(path.join(dir, JOURNAL))).toBe(true);
		// a change the next command will undo is not called synced
		const groups = (
			JSON.parse(hpm(["list", "--json"], { cwd: dir }).stdout) as {
				groups: { name: string; synced: boolean }[];
			}
		).groups;
		expect(groups.map((g) => [g.name, g.synced])).toEqual([
			["inference", false],
			["metrics", false],
		]);

		// When the user then edits pyproject.toml themselves, and hpm list runs
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(file, `${readFileSync(file, "utf8")}\n[tool.ruff]\nline-length = 100\n`);
		const mine = readFileSync(file);
		const list = hpm(["list"], { cwd: dir });
		expect(list.code).toBe(0);
		expect(list.stderr).toContain("did not finish");
		expect(readFileSync(file)).toEqual(mine);

		// Then the next writing command restores nothing, keeps the old bytes beside, and says where
		const sync = hpm(["sync"], { cwd: dir, env: uvEnv() });
		expect(sync.code).toBe(1);
		expect(sync.stderr).toContain("hpm restored nothing, so no edit is lost");
		expect(sync.stderr).toContain("pyproject.toml.hpm-before holds pyproject.toml from before that sync");
		expect(readFileSync(file)).toEqual(mine);
		expect(readFileSync(`${file}.hpm-before`)).toEqual(original);
		expect(existsSync(path.join(dir, JOURNAL))).toBe(false);
		// and once the user has looked, hpm works again
		expect(hpm(["list"], { cwd: dir }).stderr).toBe("");
	});
});

describe("an edit made while uv runs a step is never taken for uv's", () => {
	it("an edit to pyproject.toml during `uv sync` (which never writes it), then Ctrl-C: nothing restored, both kept", async () => {
		// Given a synced project whose next sync removes one option (so it ends with `uv sync`),
		// and a uv that takes its time on `uv sync` (a wrapper that waits, then runs the real uv)
		const dir = copyExample();
		// (the example's metrics group demands one metric: without that rule the last one can go)
		const group = path.join(dir, "registry/groups/metrics.yaml");
		writeFileSync(group, readFileSync(group, "utf8").replace(/^min:.*\n/m, ""));
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		expect(hpm(["group", "remove", "metrics", "-o", "metric-bleu"], { cwd: dir }).code).toBe(0);
		const bin = tempDir("hpm-slow-sync-");
		writeFileSync(path.join(bin, "uv"), `#!/bin/sh\nif [ "$1" = "sync" ]; then sleep 3; fi\nexec "${REAL_UV}" "$@"\n`, {
			mode: 0o755,
		});
		const file = path.join(dir, "pyproject.toml");
		const child = spawn(process.execPath, [BIN, "sync"], {
			cwd: dir,
			env: { ...process.env, ...uvEnv(), PATH: `${bin}:${process.env.PATH}` },
		});
		let stderr = "";
		let edited = false;
		child.stderr.on("data", (chunk: Buffer) => {
			stderr += chunk.toString();
			if (!edited && stderr.includes("$ uv sync")) {
				edited = true;
				// When the person saves an edit while uv syncs, and then presses Ctrl-C
				writeFileSync(file, `${readFileSync(file, "utf8")}\n[tool.person]\nkept = true\n`);
				setTimeout(() => child.kill("SIGINT"), 500);
			}
		});
		const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
		// Then hpm restores nothing, keeps the old bytes beside, and the edit is where it was
		expect(code, stderr).not.toBe(0);
		expect(stderr).toContain("hpm restored nothing, so no edit is lost");
		expect(readFileSync(file, "utf8")).toContain("[tool.person]\nkept = true");
		expect(existsSync(`${file}.hpm-before`)).toBe(true);
		expect(existsSync(path.join(dir, JOURNAL))).toBe(false);
	});
});

describe("writes keep what the file is", () => {
	it("a symlinked pyproject.toml stays a link; its target is edited", () => {
		const dir = copyExample();
		const real = path.join(dir, "real-pyproject.toml");
		renameSync(path.join(dir, "pyproject.toml"), real);
		symlinkSync("real-pyproject.toml", path.join(dir, "pyproject.toml"));
		const result = hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
		expect(result.code, result.stderr).toBe(0);
		expect(lstatSync(path.join(dir, "pyproject.toml")).isSymbolicLink()).toBe(true);
		expect(readFileSync(real, "utf8")).toContain('metrics = ["metric-bleu", "metric-rouge"]');
	});

	it("a hard-linked pyproject.toml is refused with the fix, both names unchanged", () => {
		const dir = copyExample();
		const other = path.join(dir, "other-name.toml");
		linkSync(path.join(dir, "pyproject.toml"), other);
		const before = readFileSync(other);
		const result = hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("has 2 hard links; writing it would split them");
		expect(readFileSync(other)).toEqual(before);
		expect(statSync(other).nlink).toBe(2);
	});

	it("mode (and, as root, owner and group) are kept", () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		chmodSync(file, 0o640);
		const root = process.getuid?.() === 0;
		if (root) chownSync(file, 4321, 4321);
		const result = hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
		expect(result.code, result.stderr).toBe(0);
		const stats = statSync(file);
		expect(stats.mode & 0o777).toBe(0o640);
		if (root) expect([stats.uid, stats.gid]).toEqual([4321, 4321]);
	});
});
