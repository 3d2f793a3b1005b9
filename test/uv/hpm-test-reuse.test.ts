import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

type TestJson = {
	combinations: { status: string; exitCode: number | null; firstFailingLine?: string; reused?: true; log: string }[];
	ok: boolean;
};

const COMBINATION = "inference=vlm-adapter-qwen,metrics=metric-bleu";

/** A project (the example), hpm's cache, and a command that counts its runs in a file outside the project. */
function setup() {
	const dir = copyExample();
	const env = { ...uvEnv(), HPM_CACHE_DIR: tempDir("hpm-reuse-cache-") };
	const counter = path.join(tempDir("hpm-reuse-count-"), "runs");
	const script = `import probe; open(${JSON.stringify(counter)}, "a").write("x"); assert probe.OK, "probe says no"`;
	writeFileSync(path.join(dir, "probe.py"), "OK = True\n");
	const runs = () => {
		try {
			return readFileSync(counter, "utf8").length;
		} catch {
			return 0;
		}
	};
	const test = (extra: readonly string[] = [], more: NodeJS.ProcessEnv = {}, args: readonly string[] = []) => {
		const result = hpm(
			["test", "--json", ...extra, "--combination", COMBINATION, "--", "python", "-c", script, ...args],
			{
				cwd: dir,
				env: { ...env, ...more },
			},
		);
		const parsed = JSON.parse(result.stdout) as TestJson;
		return { code: result.code, one: parsed.combinations[0], stderr: result.stderr };
	};
	return { dir, env, runs, test, script };
}

const git = (dir: string, ...args: string[]) => {
	const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@localhost", ...args], {
		cwd: dir,
		encoding: "utf8",
		env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
	});
	expect(r.status, r.stderr).toBe(0);
};

describe("hpm test reuses a result only while nothing changed (real uv, real commands)", () => {
	it("in a git repository: nothing changed reuses (the command runs zero times); an edited tracked file, a new untracked file, other words, --rerun, HPM_NO_CACHE run it again; a tampered result is not believed", () => {
		// Given a project committed to git, tested once
		const { dir, env, runs, test, script } = setup();
		git(dir, "init", "-q");
		git(dir, "add", "-A");
		git(dir, "commit", "-q", "-m", "first");
		const first = test();
		expect(first.code, first.stderr).toBe(0);
		expect(runs()).toBe(1);
		expect(first.one?.reused).toBeUndefined();

		// When it runs again with nothing changed: the result is reused, the command does not run
		const second = test();
		expect([second.code, second.one?.status, second.one?.reused, runs()]).toEqual([0, "passed", true, 1]);
		expect(readFileSync(second.one?.log ?? "", "utf8")).toMatch(/# reused: nothing changed since/);
		const text = hpm(["test", "--combination", COMBINATION, "--", "python", "-c", script], {
			cwd: dir,
			env,
		});
		expect(text.stdout).toMatch(/^1 result reused \(nothing changed since .* UTC\); --rerun runs it again$/m);
		expect(runs()).toBe(1);

		// When a tracked file is edited: it runs, and fails (a failure is kept too, and reused as one)
		writeFileSync(path.join(dir, "probe.py"), "OK = False\n");
		expect([test().one?.status, runs()]).toEqual(["failed", 2]);
		const failedAgain = test();
		expect([failedAgain.code, failedAgain.one?.status, failedAgain.one?.reused, runs()]).toEqual([
			1,
			"failed",
			true,
			2,
		]);
		expect(failedAgain.one?.firstFailingLine).toBe("AssertionError: probe says no");
		writeFileSync(path.join(dir, "probe.py"), "OK = True\n");

		// When an untracked file is added: it runs again; then it is reused
		expect(test().one?.reused).toBe(true); // back to the committed tree: its result is kept
		expect(runs()).toBe(2);
		writeFileSync(path.join(dir, "notes.py"), "# new\n");
		expect([test().one?.reused, runs()]).toEqual([undefined, 3]);
		expect([test().one?.reused, runs()]).toEqual([true, 3]);
		// a file git ignores does not count
		writeFileSync(path.join(dir, ".gitignore"), "ignored.txt\n");
		expect([test().one?.reused, runs()]).toEqual([undefined, 4]);
		writeFileSync(path.join(dir, "ignored.txt"), "scratch\n");
		expect([test().one?.reused, runs()]).toEqual([true, 4]);

		// When the command's words change, with --rerun, with HPM_NO_CACHE=1: it runs
		expect([test([], {}, ["extra"]).one?.reused, runs()]).toEqual([undefined, 5]);
		expect([test(["--rerun"]).one?.reused, runs()]).toEqual([undefined, 6]);
		expect([test([], { HPM_NO_CACHE: "1" }).one?.reused, runs()]).toEqual([undefined, 7]);
		// a variable the command sees changes: it runs
		expect([test([], { HPM_REUSE_PROBE: "1" }).one?.reused, runs()]).toEqual([undefined, 8]);

		// When a kept result is edited (its checksum no longer matches) or can be read by others: not believed
		expect([test().one?.reused, runs()]).toEqual([true, 8]);
		const results = path.join(env.HPM_CACHE_DIR, "test-results");
		for (const name of readdirSync(results)) {
			const file = path.join(results, name);
			writeFileSync(file, readFileSync(file, "utf8").replace('"exitCode":0', '"exitCode":3'), { mode: 0o600 });
		}
		expect([test().one?.reused, runs()]).toEqual([undefined, 9]);
		expect([test().one?.reused, runs()]).toEqual([true, 9]);
		for (const name of readdirSync(results)) chmodSync(path.join(results, name), 0o644);
		expect([test().one?.reused, runs()]).toEqual([undefined, 10]);
	}, 300_000);

	it("outside git: every file under the project counts (but .venv, __pycache__, .hpm); a command that changes the tree keeps no result", () => {
		const { dir, env, runs, test } = setup();
		expect([test().code, runs()]).toEqual([0, 1]);
		expect([test().one?.reused, runs()]).toEqual([true, 1]);
		writeFileSync(path.join(dir, "data.txt"), "one\n");
		expect([test().one?.reused, runs()]).toEqual([undefined, 2]);
		expect([test().one?.reused, runs()]).toEqual([true, 2]);
		writeFileSync(path.join(dir, "data.txt"), "two\n");
		expect([test().one?.reused, runs()]).toEqual([undefined, 3]);

		// what .venv, __pycache__ and .hpm hold does not count
		for (const folder of [".venv", "__pycache__", ".hpm"]) {
			mkdirSync(path.join(dir, folder), { recursive: true });
			writeFileSync(path.join(dir, folder, "x.txt"), "x\n");
		}
		expect([test().one?.reused, runs()]).toEqual([true, 3]);
		// a result whose log is gone (pruned) is not reused
		rmSync(path.join(env.HPM_CACHE_DIR, "test-logs"), { recursive: true });
		expect([test().one?.reused, runs()]).toEqual([undefined, 4]);

		// a command that writes into the project while it runs: its result is tied to no tree, never reused
		const writes = () =>
			hpm(
				[
					"test",
					"--combination",
					COMBINATION,
					"--",
					"python",
					"-c",
					'import time; open("out.txt", "a").write(str(time.time()))',
				],
				{
					cwd: dir,
					env,
				},
			);
		const once = writes();
		expect(once.code, once.stderr).toBe(0);
		expect(once.stdout).toMatch(
			/^results not reused: the working tree changed while the commands ran: no result kept$/m,
		);
		expect(writes().stdout).not.toMatch(/result reused/);
	}, 300_000);
});
