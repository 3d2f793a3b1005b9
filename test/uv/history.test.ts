import { execFileSync } from "node:child_process";
import {
	cpSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	symlinkSync,
	unlinkSync,
	writeFileSync,
} from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, tempDir } from "../helpers/run.js";
import { installed, REAL_UV, uvEnv } from "../helpers/uv.js";

const files = (dir: string) => ({
	pyproject: readFileSync(path.join(dir, "pyproject.toml"), "utf8"),
	lock: existsSync(path.join(dir, "uv.lock")) ? readFileSync(path.join(dir, "uv.lock"), "utf8") : null,
});

function ok(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
	const result = hpm(args, { cwd: dir, env: uvEnv(env) });
	expect(result.code, `hpm ${args.join(" ")}: ${result.stderr}`).toBe(0);
	return result;
}

const history = (dir: string) =>
	JSON.parse(ok(dir, ["history", "--json"]).stdout) as {
		entries: { id: number; command: string; summary: string }[];
		ignored: string[];
	};

describe("the project's history: every change hpm makes, to look back at and roll back to", () => {
	it("records syncs and choices, shows what a rollback would change, rolls back byte for byte and can undo that", () => {
		const dir = copyExample();
		expect(ok(dir, ["history"]).stdout).toContain("no history yet");
		ok(dir, ["sync"]);
		const first = files(dir);
		ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		ok(dir, ["sync"]);
		const second = files(dir);
		expect(installed(dir)).toContain("metric-rouge");
		const entries = history(dir).entries;
		expect(entries.map((e) => [e.id, e.command])).toEqual([
			[3, "sync"],
			[2, "group add"],
			[1, "sync"],
		]);
		expect(entries[0]?.summary).toBe("sync: +metric-rouge (mode prod)");
		// plain text lists them newest first
		expect(ok(dir, ["history"]).stdout.split("\n")[0]).toMatch(
			/^#3 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}sync: \+metric-rouge/,
		);

		// what bringing back #2 (before the choice) would change
		const diff = ok(dir, ["diff", "2"]).stdout;
		expect(diff).toContain('-metrics = ["metric-bleu", "metric-rouge"]');
		expect(diff).toContain('+metrics = ["metric-bleu"]');
		expect(diff).toMatch(/uv\.lock:\n {2}- metric-rouge 0\.1\.0/);
		const json = JSON.parse(ok(dir, ["diff", "#2", "--json"]).stdout);
		expect(json.lock).toEqual([{ name: "metric-rouge", from: "0.1.0", to: null }]);
		expect(files(dir)).toEqual(second); // looking changes nothing

		// rolling back to before #2 is the state after the first sync, files and environment
		expect(ok(dir, ["rollback", "2"]).stdout).toContain("rolled back to before #2");
		expect(files(dir)).toEqual(first);
		expect(installed(dir)).not.toContain("metric-rouge");
		expect(ok(dir, ["list", "--json"]).stdout).not.toContain("pending");
		// the rollback is in the history too: rolling back to before it undoes it
		expect(history(dir).entries[0]).toMatchObject({ id: 4, command: "rollback" });
		ok(dir, ["rollback"]);
		expect(files(dir)).toEqual(second);
		expect(installed(dir)).toContain("metric-rouge");
		// the history is this checkout's own: git ignores it
		expect(readFileSync(path.join(dir, ".hpm/.gitignore"), "utf8")).toMatch(/^\*$/m);
		execFileSync("git", ["init", "-q"], { cwd: dir });
		expect(
			execFileSync("git", ["status", "--porcelain", "--ignored=no"], { cwd: dir, encoding: "utf8" }),
		).not.toContain(".hpm");
	}, 120_000);

	it("says clearly when there is nothing to roll back to, and refuses what is not an entry", () => {
		const dir = copyExample();
		const none = hpm(["rollback"], { cwd: dir, env: uvEnv() });
		expect(none.code).toBe(2);
		expect(none.stderr).toContain("this project has no history yet");
		ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		for (const bad of ["0", "x", "1.5", "#", "#0", "99999999999"]) {
			const result = hpm(["diff", bad], { cwd: dir, env: uvEnv() });
			expect(result.code, bad).toBe(2);
			expect(result.stderr).toContain("is not a history entry");
		}
		const missing = hpm(["rollback", "9"], { cwd: dir, env: uvEnv() });
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain("there is no history entry #9");
		expect(missing.stderr).toContain("#1");
	});

	it("keeps the newest 30 entries", () => {
		const dir = copyExample();
		for (let i = 0; i < 17; i++) {
			ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
			ok(dir, ["group", "remove", "metrics", "-o", "metric-rouge"]);
		}
		const ids = history(dir).entries.map((e) => e.id);
		expect(ids).toHaveLength(30);
		expect(ids[0]).toBe(34);
		expect(ids.at(-1)).toBe(5);
		expect(readdirSync(path.join(dir, ".hpm/history"))).toHaveLength(30);
	}, 120_000);

	it("never believes an entry hpm did not write for this user: edited, or signed by another key", () => {
		const dir = copyExample();
		ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		ok(dir, ["group", "add", "metrics", "-o", "metric-legacy"]);
		const folder = path.join(dir, ".hpm/history");
		// an edited entry: its signature no longer matches
		const file = path.join(folder, "000002.json");
		const [signature, body] = readFileSync(file, "utf8").split("\n") as [string, string];
		const data = JSON.parse(body);
		data.pyproject = Buffer.from('[project]\nname = "evil"\n').toString("base64");
		writeFileSync(file, `${signature}\n${JSON.stringify(data)}`);
		// entries signed with another user's key (another cache folder) are not this user's
		const other = copyExample();
		hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: other, env: uvEnv({ HPM_CACHE_DIR: tempDir() }) });
		writeFileSync(path.join(folder, "000003.json"), readFileSync(path.join(other, ".hpm/history/000001.json")));
		const listed = history(dir);
		expect(listed.entries.map((e) => e.id)).toEqual([1]);
		expect(listed.ignored.sort()).toEqual([".hpm/history/000002.json", ".hpm/history/000003.json"]);
		expect(ok(dir, ["history"]).stderr).toContain(".hpm/history/000002.json was not written by hpm for you");
		// a file numbered past hpm's own does not move the numbering (999999 would have ended it)
		writeFileSync(path.join(folder, "999999.json"), readFileSync(path.join(folder, "000001.json")), { mode: 0o600 });
		ok(dir, ["group", "remove", "metrics", "-o", "metric-legacy"]);
		expect(history(dir).entries.map((e) => e.id)).toEqual([4, 1]); // 2 and 3 are taken by files not hpm's
		// the same user's entries copied along with the project belong to the other checkout
		const copy = tempDir("hpm-copy-");
		cpSync(dir, copy, { recursive: true });
		expect(history(copy).entries).toEqual([]);
		const before = files(dir);
		const refused = hpm(["rollback", "3"], { cwd: dir, env: uvEnv() });
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain("there is no history entry #3");
		expect(refused.stderr).toContain("ignored");
		expect(files(dir)).toEqual(before);
	});

	it("a rollback uv cannot sync is undone: pyproject.toml and uv.lock are restored byte for byte", () => {
		const dir = copyExample();
		ok(dir, ["sync"]);
		ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		ok(dir, ["sync"]);
		ok(dir, ["group", "remove", "metrics", "-o", "metric-rouge"]);
		ok(dir, ["sync"]);
		expect(installed(dir)).not.toContain("metric-rouge");
		// the package the older state needs no longer builds
		writeFileSync(path.join(dir, "packages/metric_rouge/pyproject.toml"), "[project\nbroken");
		const before = files(dir);
		const entries = history(dir).entries.length;
		const failed = hpm(["rollback"], { cwd: dir, env: uvEnv() });
		expect(failed.code, failed.stderr).toBe(1);
		expect(failed.stderr).toContain("restored");
		expect(files(dir)).toEqual(before);
		// a rollback that did not happen is not in the history
		expect(history(dir).entries).toHaveLength(entries);
	}, 120_000);

	it("writes only into a real .hpm/history of this user, and removes only its own entries", () => {
		const dir = copyExample();
		// a repository that brings `.hpm/history` as a link elsewhere: hpm writes nothing there
		const elsewhere = tempDir("hpm-elsewhere-");
		writeFileSync(path.join(elsewhere, "000001.json"), "someone's file");
		mkdirSync(path.join(dir, ".hpm"));
		symlinkSync(elsewhere, path.join(dir, ".hpm/history"));
		// a change whose history cannot be written is not made (a rollback could not undo it)
		const before = files(dir);
		for (const args of [["group", "add", "metrics", "-o", "metric-rouge"], ["sync"]]) {
			const refused = hpm(args, { cwd: dir, env: uvEnv() });
			expect(refused.code, refused.stderr).toBe(1);
			expect(refused.stderr).toContain("changed nothing: its history entry could not be written");
			expect(refused.stderr).toContain("is a link");
			expect(files(dir)).toEqual(before);
			expect(readdirSync(elsewhere)).toEqual(["000001.json"]);
		}
		// files of an entry's name that hpm did not write (a clone brings them 0644) are never pruned
		unlinkSync(path.join(dir, ".hpm/history"));
		mkdirSync(path.join(dir, ".hpm/history"));
		writeFileSync(path.join(dir, ".hpm/history/000001.json"), "committed by someone", { mode: 0o644 });
		ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		for (let i = 0; i < 16; i++) {
			ok(dir, ["group", "remove", "metrics", "-o", "metric-rouge"]);
			ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		}
		expect(readFileSync(path.join(dir, ".hpm/history/000001.json"), "utf8")).toBe("committed by someone");
		expect(history(dir).entries).toHaveLength(30);
	}, 120_000);
});

describe("rollback is exact", () => {
	/** The project with a logging uv in front of the real one; returns what uv was asked. */
	function logged() {
		const bin = tempDir("hpm-uv-log-");
		const log = path.join(bin, "log");
		writeFileSync(path.join(bin, "uv"), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${REAL_UV}' "$@"\n`, { mode: 0o755 });
		const env = { HPM_UV: path.join(bin, "uv") };
		const asked = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n") : []);
		return { env, asked, clear: () => writeFileSync(log, "") };
	}

	it("a pair that still matches is synced from its uv.lock as it is (uv sync --locked), byte for byte", () => {
		const dir = copyExample();
		ok(dir, ["sync"]);
		const first = files(dir);
		ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		ok(dir, ["sync"]);
		const uv = logged();
		const result = ok(dir, ["rollback", "2", "--json"], uv.env);
		expect(JSON.parse(result.stdout)).toMatchObject({ changed: true, relocked: null });
		expect(files(dir)).toEqual(first);
		expect(uv.asked().some((line) => /^sync .*--locked/.test(line))).toBe(true);
		expect(uv.asked().some((line) => /^(sync|lock)\b(?!.*--(locked|check))/.test(line))).toBe(false);
		uv.clear();
		expect(ok(dir, ["rollback"], uv.env).stdout).toMatch(/pyproject\.toml and uv\.lock are byte for byte as they were/);
	}, 120_000);

	it("a pair uv would re-lock is said to be re-locked, with uv's reason; pyproject.toml is still byte for byte", () => {
		const dir = copyExample();
		ok(dir, ["sync"]);
		// a hand edit uv.lock does not know yet, recorded as it was by the next change
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(file, readFileSync(file, "utf8").replace('version = "0.1.0"', 'version = "0.2.0"'));
		const stale = files(dir);
		ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		ok(dir, ["sync"]);
		const entry = history(dir).entries.find((e) => e.command === "group add")?.id ?? 0;
		const result = ok(dir, ["rollback", String(entry)]);
		expect(result.stdout).toContain("uv re-locked uv.lock");
		expect(result.stdout).toMatch(/\(uv: .+\)/);
		expect(result.stdout).not.toContain("byte for byte");
		expect(files(dir).pyproject).toBe(stale.pyproject);
		expect(files(dir).lock).not.toBe(stale.lock);
		expect(files(dir).lock).toContain('version = "0.2.0"');
	}, 120_000);
});
