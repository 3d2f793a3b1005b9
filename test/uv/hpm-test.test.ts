import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, copyExample, hpm, tempDir } from "../helpers/run.js";
import { REAL_UV, uvEnv } from "../helpers/uv.js";

type TestJson = {
	command: string[];
	combinations: {
		combination: string;
		choices: string[];
		status: "passed" | "failed" | "unresolved";
		exitCode: number | null;
		seconds: number;
		log: string;
		firstFailingLine?: string;
		reason?: string;
		environment: "built" | "reused" | "none";
		reused?: true;
	}[];
	pairs: { choices: string[]; status: string; reason: string }[];
	compatible: [string, string][];
	uncovered: { a: string; b: string; reason: string }[];
	ok: boolean;
};

/** Bytes and modification times of what hpm test must never touch. */
function untouched(dir: string): string {
	return ["pyproject.toml", "uv.lock", ".venv", ".venv/pyvenv.cfg", ".venv/bin/python"]
		.map((name) => {
			const file = path.join(dir, name);
			const stats = statSync(file);
			return `${name} ${stats.mtimeMs} ${stats.isFile() ? readFileSync(file).toString("base64") : readdirSync(file).sort().join(",")}`;
		})
		.join("\n");
}

/** Scratch folders of hpm left in the temporary folder by process `pid`. */
const scratchOf = (pid: number | undefined) =>
	readdirSync(tmpdir()).filter((name) => pid !== undefined && name.includes(`-${pid}-`) && name.startsWith("hpm-"));

describe("hpm test: a command in every combination's own environment (real uv, real commands)", () => {
	it("runs the command in each combination, reports failures with their first line, never touches the project, reuses environments, and results only while nothing changed", () => {
		// Given the example, synced (so it has a .venv and a uv.lock of its own), and a command that
		// imports metric_rouge and a module of the working tree
		const dir = copyExample();
		const env = { ...uvEnv(), HPM_CACHE_DIR: tempDir("hpm-test-cache-") };
		expect(hpm(["sync"], { cwd: dir, env }).code).toBe(0);
		const before = untouched(dir);
		const counter = path.join(tempDir("hpm-test-count-"), "runs");
		writeFileSync(path.join(dir, "probe.py"), "OK = True\n");
		const script = `import sys, probe, metric_bleu; open(${JSON.stringify(counter)}, "a").write(sys.prefix + "\\n"); assert probe.OK, "probe says no"; import metric_rouge`;
		const command = ["test", "--jobs", "2", "--json", "--", "python", "-c", script];

		// When hpm test runs it (pairwise)
		const first = hpm(command, { cwd: dir, env });
		const result = JSON.parse(first.stdout) as TestJson;

		// Then each combination resolved with uv ran it in its own environment, under the cache
		expect(first.code, first.stderr).toBe(1);
		expect(result.command).toEqual(["python", "-c", script]);
		const byStatus = (s: string) => result.combinations.filter((c) => c.status === s);
		expect(byStatus("unresolved").every((c) => c.combination.includes("metric-legacy"))).toBe(true);
		expect(byStatus("unresolved")[0]?.reason).toMatch(/metric-legacy needs vlm-interface<0.1/);
		for (const c of byStatus("passed")) expect(c.combination).toMatch(/metric-rouge/);
		const failed = byStatus("failed");
		expect(failed.length).toBeGreaterThan(0);
		for (const c of failed) {
			expect(c.combination).not.toMatch(/metric-rouge/);
			expect(c.firstFailingLine).toBe("ModuleNotFoundError: No module named 'metric_rouge'");
			expect(c.exitCode).toBe(1);
			expect(readFileSync(c.log, "utf8")).toContain("No module named 'metric_rouge'");
		}
		const ran = result.combinations.filter((c) => c.status !== "unresolved");
		const prefixes = readFileSync(counter, "utf8").trim().split("\n");
		expect(prefixes).toHaveLength(ran.length);
		for (const prefix of prefixes) expect(prefix.startsWith(path.join(env.HPM_CACHE_DIR, "envs"))).toBe(true);
		expect(new Set(prefixes).size).toBe(ran.length);
		expect(ran.every((c) => c.environment === "built")).toBe(true);
		// verdicts stay honest: a pair only in failed combinations is not covered, and says why
		expect(result.uncovered).toContainEqual(
			expect.objectContaining({
				a: "inference=vlm-adapter-qwen",
				b: "metrics=metric-bleu",
				reason:
					"not proven: the command failed in the combinations holding both that resolved (inference=vlm-adapter-qwen,metrics=metric-bleu)",
			}) as unknown,
		);
		expect(result.compatible).toContainEqual(["metrics=metric-bleu", "metrics=metric-rouge"]);
		expect(result.pairs).toContainEqual(
			expect.objectContaining({ choices: ["inference=vlm-adapter-qwen", "metrics=metric-legacy"], status: "conflict" }),
		);
		// the project's own environment, pyproject.toml and uv.lock: the same bytes, the same times
		expect(untouched(dir)).toBe(before);

		// When it runs again with nothing changed: every environment and every result is reused, the
		// command runs nowhere; the failures fail again
		const second = JSON.parse(hpm(command, { cwd: dir, env }).stdout) as TestJson;
		const again = second.combinations.filter((c) => c.status !== "unresolved");
		expect(again.map((c) => [c.environment, c.reused, c.status])).toEqual(ran.map((c) => ["reused", true, c.status]));
		expect(readFileSync(counter, "utf8").trim().split("\n")).toHaveLength(ran.length);

		// When the working tree changes: the results change with it (the environments stay)
		writeFileSync(path.join(dir, "probe.py"), "OK = False\n");
		const third = JSON.parse(hpm(command, { cwd: dir, env }).stdout) as TestJson;
		for (const c of third.combinations.filter((x) => x.status !== "unresolved")) {
			expect(c.status).toBe("failed");
			expect(c.firstFailingLine).toBe("AssertionError: probe says no");
			expect(c.environment).toBe("reused");
		}
		expect(untouched(dir)).toBe(before);

		// what uv proved is offered as a registry rule (hpm check --matrix --print-rules does the same)
		const rules = hpm(
			["test", "--print-rules", "--combination", "inference=vlm-adapter-qwen,metrics=metric-legacy", "--", "true"],
			{ cwd: dir, env },
		);
		expect(rules.code).toBe(1);
		expect(rules.stdout).toMatch(
			/^ {2}inference=vlm-adapter-qwen,metrics=metric-legacy {2}unresolved {2}inference=vlm-adapter-qwen conflicts with metrics=metric-legacy/m,
		);
		expect(rules.stdout).toMatch(/^ {4}conflicts: \["metrics=metric-legacy"\] {2}# found by hpm: /m);

		// the text summary: a table of combination -> status and first failing line, exit 1
		const text = hpm(
			["test", "--combination", "inference=vlm-adapter-qwen,metrics=metric-bleu", "--", "python", "-c", script],
			{
				cwd: dir,
				env,
			},
		);
		expect(text.code).toBe(1);
		expect(text.stdout).toMatch(
			/^ {2}inference=vlm-adapter-qwen,metrics=metric-bleu {2}failed {2}AssertionError: probe says no \(reused\)$/m,
		);
		expect(text.stdout).toMatch(/^logs: \S+test-logs/m);
		expect(text.stdout).toMatch(
			/^1 result reused \(nothing changed since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\); --rerun runs it again$/m,
		);
		expect(text.stderr).toMatch(
			/^\[1\/1\] FAIL inference=vlm-adapter-qwen,metrics=metric-bleu .*\(environment reused; result reused, nothing changed\)$/m,
		);
	}, 300_000);

	it("a project that is a package is installed editable from its working tree; every combination passes: exit 0", () => {
		const dir = copyExample();
		const env = { ...uvEnv(), HPM_CACHE_DIR: tempDir("hpm-test-cache-") };
		const pyproject = path.join(dir, "pyproject.toml");
		writeFileSync(
			pyproject,
			`${readFileSync(pyproject, "utf8")}\n[build-system]\nrequires = ["uv_build>=0.7,<10000"]\nbuild-backend = "uv_build"\n`,
		);
		mkdirSync(path.join(dir, "src/hpm_demo"), { recursive: true });
		writeFileSync(path.join(dir, "src/hpm_demo/__init__.py"), "VALUE = 1\n");
		const check = `import hpm_demo, vlm_interface; print(hpm_demo.__file__); assert hpm_demo.VALUE == 1`;
		const run = hpm(
			[
				"test",
				"--combination",
				"inference=vlm-adapter-deepseek,metrics=metric-bleu",
				"--json",
				"--",
				"python",
				"-c",
				check,
			],
			{ cwd: dir, env },
		);
		const result = JSON.parse(run.stdout) as TestJson;
		expect(run.code, readFileSync(result.combinations[0]?.log ?? "", "utf8")).toBe(0);
		expect(result.ok).toBe(true);
		expect(readFileSync(result.combinations[0]?.log ?? "", "utf8")).toContain(
			path.join(dir, "src/hpm_demo/__init__.py"),
		);
		expect(existsSync(path.join(dir, ".venv"))).toBe(false);
		expect(existsSync(path.join(dir, "uv.lock"))).toBe(false);

		// an environment others could write is not believed: it is set aside and built again
		const envs = path.join(env.HPM_CACHE_DIR, "envs");
		const [made] = readdirSync(envs);
		chmodSync(path.join(envs, made ?? ""), 0o777);
		// the logs of the newest 20 runs are kept
		for (let i = 10; i < 40; i++) mkdirSync(path.join(env.HPM_CACHE_DIR, "test-logs", `2020-01-01T00-00-${i}-000Z-1`));
		const again = hpm(
			[
				"test",
				"--combination",
				"inference=vlm-adapter-deepseek,metrics=metric-bleu",
				"--json",
				"--",
				"python",
				"-c",
				check,
			],
			{ cwd: dir, env },
		);
		expect(again.code, again.stderr).toBe(0);
		expect((JSON.parse(again.stdout) as TestJson).combinations[0]?.environment).toBe("built");
		expect(readdirSync(envs).filter((name) => name.startsWith(`${made}.untrusted-`))).toHaveLength(1);
		expect(readdirSync(path.join(env.HPM_CACHE_DIR, "test-logs"))).toHaveLength(20);
	}, 180_000);

	it("SIGTERM while commands run stops every one of them and leaves nothing behind; one while an environment is built leaves no half-built environment", async () => {
		const dir = copyExample();
		const cache = tempDir("hpm-test-cache-");
		const pids = tempDir("hpm-test-pids-");
		const script = `import os, time; open(os.path.join(${JSON.stringify(pids)}, str(os.getpid())), "w").close(); time.sleep(120)`;
		const started = startUntil(
			["test", "--jobs", "2", "--", "python", "-c", script],
			dir,
			{ ...uvEnv(), HPM_CACHE_DIR: cache },
			() => readdirSync(pids).length >= 2,
		);
		const ended = await started;
		expect(ended.code, ended.stderr).toBe(143);
		expect(ended.stderr).toMatch(/test interrupted: every command stopped/);
		expect(ended.stderr).not.toMatch(/\n\s+at /);
		const running = readdirSync(pids).filter((pid) => {
			try {
				process.kill(Number(pid), 0);
				return true;
			} catch {
				return false;
			}
		});
		expect(running).toEqual([]);
		expect(scratchOf(ended.pid)).toEqual([]);

		// an interrupt while uv installs a combination: no environment is left under its key
		const slow = tempDir("hpm-test-slow-uv-");
		writeFileSync(
			path.join(slow, "uv"),
			`#!/bin/sh\ncase "$*" in *" sync "*|sync*) touch '${slow}/syncing'; sleep 60;; esac\nexec '${REAL_UV}' "$@"\n`,
		);
		chmodSync(path.join(slow, "uv"), 0o755);
		const cache2 = tempDir("hpm-test-cache-");
		const building = await startUntil(
			["test", "--combination", "inference=vlm-adapter-qwen,metrics=metric-bleu", "--", "python", "-c", "pass"],
			dir,
			{ ...uvEnv(), HPM_CACHE_DIR: cache2, HPM_UV: path.join(slow, "uv") },
			() => existsSync(path.join(slow, "syncing")),
		);
		expect(building.code, building.stderr).toBe(143);
		expect(readdirSync(path.join(cache2, "envs"))).toEqual([]);
		expect(scratchOf(building.pid)).toEqual([]);
		// and the next run builds it afresh (nothing half-built was taken for it)
		const again = hpm(
			[
				"test",
				"--combination",
				"inference=vlm-adapter-qwen,metrics=metric-bleu",
				"--json",
				"--",
				"python",
				"-c",
				"pass",
			],
			{ cwd: dir, env: { ...uvEnv(), HPM_CACHE_DIR: cache2 } },
		);
		expect(again.code, again.stderr).toBe(0);
		expect((JSON.parse(again.stdout) as TestJson).combinations[0]?.environment).toBe("built");
	}, 240_000);

	it("bad input: no command, --all with --combination, a wrong --jobs: exit 2 with the fix", () => {
		const dir = copyExample();
		const none = hpm(["test"], { cwd: dir, env: uvEnv() });
		expect(none.code).toBe(2);
		expect(none.stderr).toContain("hpm test needs a command to run, after --");
		const both = hpm(["test", "--all", "--combination", "inference=vlm-adapter-qwen", "--", "true"], { cwd: dir });
		expect(both.code).toBe(2);
		expect(both.stderr).toContain("give --combination or --all/--pairwise, not both");
		const before = hpm(["test", "word0", "--", "true"], { cwd: dir });
		expect(before.code).toBe(2);
		expect(before.stderr).toContain('hpm test takes no words before --, got "word0"');
		const jobs = hpm(["test", "--jobs", "0", "--", "true"], { cwd: dir });
		expect(jobs.code).toBe(2);
		expect(jobs.stderr).toContain("--jobs must be a whole number from 1 to 64");
	});
});

/** Starts hpm, sends SIGTERM once `ready()` holds (polled), and resolves with how it ended. */
function startUntil(
	args: readonly string[],
	cwd: string,
	env: NodeJS.ProcessEnv,
	ready: () => boolean,
): Promise<{ code: number | null; stderr: string; pid: number | undefined }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env, NO_COLOR: "1" } });
		let stderr = "";
		child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
		const poll = setInterval(() => {
			if (ready()) {
				clearInterval(poll);
				child.kill("SIGTERM");
			}
		}, 50);
		child.on("close", (code) => {
			clearInterval(poll);
			resolve({ code, stderr, pid: child.pid });
		});
	});
}
