import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, copyExample, ROOT, tempDir } from "../helpers/run.js";
import { git, REAL_UV, uvEnv } from "../helpers/uv.js";

// The repository's .pre-commit-hooks.yaml, run by pre-commit itself (installed from PyPI) on a
// scratch git repository holding the bundled example: a good commit passes both hooks, a commit
// that breaks the registry or the choice is refused, and the hooks change no file.

const tools = tempDir("hpm-pre-commit-tools-");
let preCommit = "";
let hookRepo = "";
let hookRev = "";

beforeAll(() => {
	const venv = path.join(tools, "venv");
	const online = {
		...process.env,
		UV_PYTHON_DOWNLOADS: "never",
		UV_NO_CONFIG: "1",
		UV_CACHE_DIR: path.join(tools, "uv-cache"),
	};
	execFileSync(REAL_UV, ["venv", "-q", "--python", "python3", venv], { env: online, stdio: "pipe" });
	execFileSync(REAL_UV, ["pip", "install", "-q", "--python", path.join(venv, "bin/python"), "pre-commit"], {
		env: online,
		stdio: "pipe",
		timeout: 240_000,
	});
	preCommit = path.join(venv, "bin/pre-commit");
	// the hooks as a repository pre-commit can clone: the file exactly as this repository has it
	hookRepo = path.join(tools, "hooks");
	mkdirSync(hookRepo);
	copyFileSync(path.join(ROOT, ".pre-commit-hooks.yaml"), path.join(hookRepo, ".pre-commit-hooks.yaml"));
	git(["init", "-q", "-b", "main"], hookRepo);
	git(["add", "-A"], hookRepo);
	git(["commit", "-q", "-m", "hooks"], hookRepo);
	hookRev = execFileSync("git", ["rev-parse", "HEAD"], { cwd: hookRepo, encoding: "utf8" }).trim();
	// `hpm` on PATH, as `npm install -g` puts it there
	const bin = path.join(tools, "bin");
	mkdirSync(bin);
	writeFileSync(path.join(bin, "hpm"), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, { mode: 0o755 });
}, 300_000);

const made: string[] = [tools];
afterAll(() => {
	for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function commit(project: string, message: string) {
	const result = spawnSync("git", ["commit", "-m", message], {
		cwd: project,
		encoding: "utf8",
		env: {
			...process.env,
			...uvEnv(),
			NO_COLOR: "1",
			PATH: `${path.join(tools, "bin")}:${process.env.PATH ?? ""}`,
			PRE_COMMIT_HOME: path.join(tools, "pre-commit-home"),
			PRE_COMMIT_COLOR: "never",
			GIT_AUTHOR_NAME: "t",
			GIT_AUTHOR_EMAIL: "t@t",
			GIT_COMMITTER_NAME: "t",
			GIT_COMMITTER_EMAIL: "t@t",
		},
		timeout: 240_000,
	});
	return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const commits = (project: string) =>
	Number(execFileSync("git", ["rev-list", "--count", "HEAD"], { cwd: project, encoding: "utf8" }).trim());

describe("pre-commit hooks: hpm-lint and hpm-check", () => {
	it("pass a good commit and refuse a commit that breaks the registry or the choice", () => {
		const project = copyExample();
		made.push(project);
		writeFileSync(
			path.join(project, ".pre-commit-config.yaml"),
			`repos:\n  - repo: ${hookRepo}\n    rev: ${hookRev}\n    hooks:\n      - id: hpm-lint\n      - id: hpm-check\n`,
		);
		git(["init", "-q", "-b", "main"], project);
		execFileSync(preCommit, ["install"], {
			cwd: project,
			env: { ...process.env, PRE_COMMIT_HOME: path.join(tools, "pre-commit-home") },
			stdio: "pipe",
		});
		git(["add", "-A"], project);
		const good = commit(project, "the example");
		expect(good.output).toMatch(/hpm registry lint\.+Passed/);
		expect(good.output).toMatch(/hpm check\.+Passed/);
		expect(good.code).toBe(0);
		expect(commits(project)).toBe(1);

		// a choice the registry does not have: no registry file is staged, so lint does not run;
		// check refuses the commit
		const pyproject = path.join(project, "pyproject.toml");
		writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace('"vlm-adapter-qwen"', '"vlm-adapter-gone"'));
		git(["add", "-A"], project);
		const badChoice = commit(project, "a choice that does not exist");
		expect(badChoice.output).toMatch(/hpm registry lint\.+\(no files to check\)Skipped/);
		expect(badChoice.output).toMatch(/hpm check\.+Failed/);
		expect(badChoice.output).toContain("vlm-adapter-gone");
		expect(badChoice.code).not.toBe(0);
		expect(commits(project)).toBe(1);

		// a broken registry file: lint refuses it, naming the file
		git(["checkout", "-q", "--", "."], project);
		git(["reset", "-q", "--hard"], project);
		const group = path.join(project, "registry/groups/metrics.yaml");
		writeFileSync(group, `${readFileSync(group, "utf8")}\nstrategy: [unclosed\n`);
		git(["add", "-A"], project);
		const badRegistry = commit(project, "a broken group file");
		expect(badRegistry.output).toMatch(/hpm registry lint\.+Failed/);
		expect(badRegistry.output).toContain("metrics.yaml");
		expect(badRegistry.code).not.toBe(0);
		expect(commits(project)).toBe(1);
	}, 300_000);
});
