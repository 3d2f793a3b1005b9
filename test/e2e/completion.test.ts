import { spawnSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, copyExample, hpm, tempDir } from "../helpers/run.js";

/** A folder with an `hpm` on it that runs the built program, as an installed hpm would be. */
function hpmOnPath(): string {
	const bin = tempDir("hpm-bin-");
	writeFileSync(path.join(bin, "hpm"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
	chmodSync(path.join(bin, "hpm"), 0o755);
	return `${bin}:${process.env.PATH}`;
}

function shell(program: string, script: string, cwd: string): string {
	const has = spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;
	if (!has)
		throw new Error(
			`${program} is not installed: run \`node scripts/ensure-shells.mjs\` (or apt-get install ${program})`,
		);
	const result = spawnSync(program, ["-c", script], {
		cwd,
		encoding: "utf8",
		env: { ...process.env, PATH: hpmOnPath(), NO_COLOR: "1", HOME: tempDir("hpm-home-") },
		timeout: 60_000,
	});
	expect(result.stderr).toBe("");
	return result.stdout;
}

/** What each real shell offers for a command line ending in `line` (the last word is being typed). */
const offered = {
	bash: (cwd: string, words: readonly string[]) =>
		shell(
			"bash",
			`eval "$(hpm completion bash)"; COMP_LINE='hpm ${words.join(" ")}'; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=(hpm ${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length}; _hpm_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
			cwd,
		),
	zsh: (cwd: string, words: readonly string[]) =>
		shell(
			"zsh",
			// outside a completion widget: compadd and compdef are stood in for, to print what is offered
			`compdef() { :; }; compadd() { [[ $1 == -a ]] && print -l -- \${(P)2} | grep -- "^\${words[CURRENT]}"; }; _files() { print FILES; }; eval "$(hpm completion zsh)"; words=(hpm ${words.map((w) => `'${w}'`).join(" ")}); CURRENT=${words.length + 1}; _hpm`,
			cwd,
		),
	fish: (cwd: string, words: readonly string[]) =>
		shell("fish", `hpm completion fish | source; complete -C "hpm ${words.join(" ")}" | cut -f1`, cwd),
};

const lines = (text: string) => text.split("\n").filter(Boolean).sort();

describe.each(["bash", "zsh", "fish"] as const)("hpm completion %s, run by the real shell", (name) => {
	it("completes commands, flags, groups, options and modes from the project's registry", () => {
		const dir = copyExample();
		const complete = (words: readonly string[]) => lines(offered[name](dir, words));
		expect(complete(["gr"])).toEqual(["graph", "group"]);
		expect(complete(["gro"])).toEqual(["group"]);
		expect(complete(["group", "a"])).toEqual(["add"]);
		expect(complete(["registry", "l"])).toEqual(["lint"]);
		expect(complete(["group", "add", ""])).toEqual(["inference", "metrics"]);
		expect(complete(["group", "add", "inference", "--option", ""])).toEqual([
			"vlm-adapter-deepseek",
			"vlm-adapter-qwen",
		]);
		expect(complete(["group", "add", "metrics", "-o", "metric-r"])).toEqual(["metric-rouge"]);
		expect(complete(["sync", "--mode", ""])).toEqual(["dev", "prod"]);
		expect(complete(["sync", "--dr"])).toEqual(["--dry-run"]);
		expect(complete(["show", "vlm-adapter-q"])).toEqual(["vlm-adapter-qwen"]);
		expect(complete(["completion", ""])).toEqual(["bash", "fish", "zsh"]);
		expect(complete(["help", "group", ""])).toEqual(["add", "remove"]);
		expect(complete(["registry", "add", "--type", ""])).toEqual(["git", "index", "local"]);
		expect(complete(["--registry=registry", "mode", ""])).toEqual(["dev", "prod"]);
		// --flag=VALUE as one word: bash completes what follows the =, zsh and fish the whole word
		expect(complete(["group", "add", "inference", "--option=vlm-adapter-q"])).toEqual([
			name === "bash" ? "vlm-adapter-qwen" : "--option=vlm-adapter-qwen",
		]);
	});
});

describe("hpm __complete", () => {
	it("outside a project offers commands and nothing from a registry, never an error", () => {
		const dir = tempDir("hpm-complete-nowhere-");
		const result = hpm(["__complete", "group", "add", ""], { cwd: dir });
		expect(result.code).toBe(0);
		expect(result.stdout).toBe("");
		expect(result.stderr).toBe("");
		expect(hpm(["__complete", "sy"], { cwd: dir }).stdout).toContain("sync\n");
		expect(hpm(["__complete", "-r", ""], { cwd: dir }).stdout).toBe("__files__\n");
	});

	it("ci init's services, export's formats and its -o file", () => {
		const dir = tempDir("hpm-complete-ship-");
		expect(hpm(["__complete", "ci", "init", ""], { cwd: dir }).stdout).toBe("github\ngitlab\n");
		expect(hpm(["__complete", "export", "--format", ""], { cwd: dir }).stdout).toBe("requirements\npylock\n");
		expect(hpm(["__complete", "export", "-o", ""], { cwd: dir }).stdout).toBe("__files__\n");
	});

	it("an unknown shell is a usage error", () => {
		const result = hpm(["completion", "tcsh"], { cwd: copyExample() });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('no completion for "tcsh"');
	});
});
