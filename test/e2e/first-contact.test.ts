import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { changedLines } from "../helpers/diff.js";
import { BIN, CORPUS, copyExample, EXAMPLE, hpm, ROOT, snapshot, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

const noTrace = (text: string) => expect(text).not.toMatch(/\n\s+at |node:internal|Error: /);

describe("global flags go before or after the command words", () => {
	it.each([
		[["--json", "list"]],
		[["list", "--json"]],
		[["-r", "registry", "--json", "list"]],
		[["-p", ".", "--json", "list"]],
		[["--registry=registry", "--no-color", "--json", "list"]],
	])("%j", (args) => {
		const dir = copyExample();
		const result = hpm(args, { cwd: dir });
		expect(result.code, result.stderr).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({ registry: path.join(dir, "registry") });
	});

	it("--version and --help before or after a command", () => {
		const dir = copyExample();
		for (const args of [["--version"], ["list", "--version"], ["--version", "list"]]) {
			expect(hpm(args, { cwd: dir }).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
		}
		expect(hpm(["--help", "sync"], { cwd: dir }).stdout).toContain("Usage\n  hpm sync");
		// registry add has a --version of its own (the package's)
		expect(hpm(["registry", "add", "--help"], { cwd: dir }).stdout).toContain("--version");
	});

	it("an unknown flag before the command is one error line, exit 2", () => {
		const result = hpm(["--bogus", "list"], { cwd: copyExample() });
		expect(result.code).toBe(2);
		expect(result.stdout).toBe("");
		expect(result.stderr.split("\n")[0]).toBe("error: unknown flag '--bogus' before the command");
	});
});

describe("commands and help", () => {
	it("an unknown command: one error line with the closest command, exit 2; with --json, JSON", () => {
		const dir = copyExample();
		const typo = hpm(["lsit"], { cwd: dir });
		expect(typo.code).toBe(2);
		expect(typo.stdout).toBe("");
		expect(typo.stderr).toBe(
			'error: unknown command "hpm lsit"\nhint: did you mean `hpm list`? (`hpm help` lists every command)\n',
		);
		const json = hpm(["--json", "lsit"], { cwd: dir });
		expect(json.code).toBe(2);
		expect(JSON.parse(json.stdout)).toEqual({
			error: {
				code: "unknown-command",
				message: 'unknown command "hpm lsit"',
				hint: "did you mean `hpm list`? (`hpm help` lists every command)",
			},
		});
		expect(hpm(["registry", "lnt"], { cwd: dir }).stderr).toContain("did you mean `hpm registry lint`?");
		// nothing close: no guess
		expect(hpm(["zzzzzz"], { cwd: dir }).stderr).toContain("hint: `hpm help` lists every command");
	});

	it("hpm help, hpm help COMMAND, and --help on command groups, exit 0", () => {
		const dir = copyExample();
		expect(hpm(["help"], { cwd: dir }).stdout).toContain("Commands");
		expect(hpm(["help", "sync"], { cwd: dir }).stdout).toBe(hpm(["sync", "--help"], { cwd: dir }).stdout);
		expect(hpm(["help", "registry", "group", "add"], { cwd: dir }).stdout).toContain("Usage\n  hpm registry group add");
		for (const args of [
			["group", "--help"],
			["help", "group"],
			["registry", "--help"],
			["registry", "group", "-h"],
		]) {
			const result = hpm(args, { cwd: dir });
			expect(result.code, args.join(" ")).toBe(0);
			expect(result.stdout).toContain("Commands");
		}
		expect(hpm(["group", "--help"], { cwd: dir }).stdout).toContain("group add GROUP --option NAME [--option NAME]...");
		const bare = hpm(["group"], { cwd: dir });
		expect(bare.code).toBe(2);
		expect(bare.stderr).toContain("hpm group needs a subcommand");
	});

	it("every command's help explains every flag it takes", () => {
		const dir = copyExample();
		const main = hpm(["help"], { cwd: dir }).stdout;
		const section = main.slice(main.indexOf("Commands"), main.indexOf("\n\n", main.indexOf("Commands")));
		const commands = [...section.matchAll(/^ {4}([a-z]+(?: [a-z]+)*)(?= )/gm)].map((m) => m[1] ?? "");
		expect(commands).toContain("sync");
		expect(commands).toContain("init");
		for (const command of commands) {
			const help = hpm([...command.split(" "), "--help"], { cwd: dir }).stdout;
			const flags = [...help.matchAll(/^ {2}(?:-\w, )?\s*(--[a-z-]+)(?: [A-Z]+)?( {2,}.*)?$/gm)];
			expect(flags.length, command).toBeGreaterThan(0);
			for (const [, flag, text] of flags) expect((text ?? "").trim(), `${command} ${flag}`).not.toBe("");
		}
		const sync = hpm(["sync", "--help"], { cwd: dir }).stdout;
		expect(sync).toMatch(/--mode MODE +use each package's source for this mode/);
		expect(sync).toMatch(/--dry-run +print the plan and change nothing/);
	});
});

describe("--json means JSON, always; flags explained when wrong", () => {
	it.each([
		[["--json"]],
		[["--json", "--version"]],
		[["--json", "help"]],
		[["group", "add", "--json", "--help"]],
		[["--json", "-r"]],
		[["--json", "group", "--help"]],
	])("hpm %j prints one JSON document", (args) => {
		const result = hpm(args, { cwd: copyExample() });
		expect(() => JSON.parse(result.stdout), result.stdout).not.toThrow();
	});

	it("missing values, misspelt flags and a leading -- are said plainly", () => {
		const dir = copyExample();
		expect(hpm(["sync", "--mode"], { cwd: dir }).stderr).toBe("error: --mode needs a value\nhint: --mode MODE\n");
		expect(hpm(["sync", "--dryrun"], { cwd: dir }).stderr).toContain("hint: did you mean --dry-run?");
		expect(hpm(["-r"], { cwd: dir }).stderr).toContain("error: -r needs a value");
		expect(hpm(["-r", "", "list"], { cwd: dir }).stderr).toContain("--registry needs a folder, got an empty value");
		expect(hpm(["--", "list"], { cwd: dir }).code).toBe(0);
		expect(hpm(["mode", "devv"], { cwd: dir }).stderr).toContain('did you mean "dev"?');
		// help text is plain ASCII
		expect(hpm(["help"], { cwd: dir }).stdout).toMatch(/^[\x20-\x7e\n]*$/);
	});
});

describe("broken pipes", () => {
	it.each([["list"], ["search", "metric"], ["show", "metrics"], ["check"], ["registry", "lint"]])(
		"hpm %s | head -1: quiet, exit 141 or 0, no temp folder left",
		(...args) => {
			const dir = copyExample();
			const tmp = tempDir("hpm-pipe-tmp-");
			const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(" ");
			const result = spawnSync("bash", ["-c", `${command} 2>"${tmp}/err" | head -1; echo "status=\${PIPESTATUS[0]}"`], {
				cwd: dir,
				encoding: "utf8",
				env: { ...process.env, ...uvEnv(), NO_COLOR: "1", TMPDIR: tmp },
			});
			const status = /status=(\d+)/.exec(result.stdout)?.[1];
			expect(["0", "141"]).toContain(status);
			noTrace(readFileSync(path.join(tmp, "err"), "utf8"));
			expect(readdirSync(tmp).filter((name) => name !== "err")).toEqual([]);
		},
	);
});

describe("friendly mistakes", () => {
	it("an option given as a word gets the exact corrected command; --option a,b works", () => {
		const dir = copyExample();
		const before = snapshot(dir);
		const word = hpm(["group", "add", "metrics", "metric-rouge"], { cwd: dir });
		expect(word.code).toBe(2);
		expect(word.stderr).toBe(
			"error: options are given with --option, not as words (metric-rouge)\nhint: hpm group add metrics --option metric-rouge\n",
		);
		// checked against the registry: the closest option, one option in a 1-of-N group
		expect(hpm(["group", "add", "inference", "deepseek"], { cwd: dir }).stderr).toContain(
			"hint: the options of inference: vlm-adapter-qwen, vlm-adapter-deepseek",
		);
		expect(
			hpm(["group", "add", "inference", "vlm-adapter-qwen", "vlm-adapter-deepseek"], { cwd: dir }).stderr,
		).toContain("hint: inference is 1-of-N: choose one");
		expect(hpm(["group", "add", "metrics", "-o", "metric-bleu", "--", "metric-rouge"], { cwd: dir }).stderr).toContain(
			"hint: hpm group add metrics --option metric-bleu --option metric-rouge\n",
		);
		expect(snapshot(dir)).toEqual(before);
		const commas = hpm(["group", "add", "metrics", "--option", "metric-bleu,metric-rouge"], { cwd: dir });
		expect(commas.code, commas.stderr).toBe(0);
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toContain(
			'metrics = ["metric-bleu", "metric-rouge"]',
		);
	});

	it("did-you-mean hints point only at what exists", () => {
		const dir = copyExample();
		const typo = hpm(["show", "vlm-adaptr-qwen"], { cwd: dir });
		expect(typo.stderr).toContain('hint: did you mean "vlm-adapter-qwen"?');
		expect(typo.stderr).not.toContain("hpm search");
		expect(hpm(["show", "zzzz-nothing"], { cwd: dir }).stderr).toContain("`hpm list` shows every group");
	});

	it("outside a project: the message says so and points to hpm init; nothing is created", () => {
		const dir = tempDir("hpm-nowhere-");
		for (const args of [["list"], ["check"], ["group", "add", "metrics", "-o", "x"], ["sync"]]) {
			const result = hpm(args, { cwd: dir, env: uvEnv() });
			expect(result.code, args.join(" ")).toBe(2);
			expect(result.stderr).toContain(`no pyproject.toml in ${dir} or any folder above it`);
			expect(result.stderr).toContain("hpm init");
		}
		const add = hpm(["registry", "add", "--name", "x", "--version", "1", "--url", "https://example.com/x.git"], {
			cwd: dir,
		});
		expect(add.code).toBe(2);
		expect(add.stderr).toContain(`no registry at ${path.join(dir, "registry")}`);
		expect(hpm(["registry", "group", "add", "g", "--strategy", "1-of-N"], { cwd: dir }).code).toBe(2);
		expect(readdirSync(dir)).toEqual([]);
	});
});

describe("hpm init", () => {
	it("in an empty folder: a uv project with [tool.hpm], an empty registry when asked, idempotent", () => {
		const dir = tempDir("hpm-init-");
		const first = hpm(["init"], { cwd: dir, env: uvEnv() });
		expect(first.code, first.stderr).toBe(0);
		const file = path.join(dir, "pyproject.toml");
		const text = readFileSync(file, "utf8");
		expect(text).toContain(`[project]\nname = "${path.basename(dir).toLowerCase()}"`);
		expect(text).toContain('[tool.hpm]\nmode = "prod"\n');
		expect(first.stdout).toContain("next:");
		expect(first.stdout).toContain("hpm init --registry registry");
		// no registry unless asked
		expect(readdirSync(dir)).toEqual(["pyproject.toml"]);

		const again = hpm(["init"], { cwd: dir, env: uvEnv() });
		expect(again.stdout).toContain("is already an hpm project; nothing to change");
		expect(readFileSync(file, "utf8")).toBe(text);

		const withRegistry = hpm(["init", "--registry", "components"], { cwd: dir, env: uvEnv() });
		expect(withRegistry.code, withRegistry.stderr).toBe(0);
		expect(readdirSync(path.join(dir, "components")).sort()).toEqual(["groups", "packages"]);
		expect(readFileSync(file, "utf8")).toBe(`${text}registry = "components"\n`);
		const before = snapshot(dir);
		expect(hpm(["init", "--registry", "components"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		expect(snapshot(dir)).toEqual(before);

		// and it is a project hpm works in
		expect(hpm(["registry", "group", "add", "g", "--strategy", "1-of-N"], { cwd: dir }).code).toBe(0);
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);
		expect(hpm(["list", "--json"], { cwd: dir }).stdout).toContain('"name": "g"');
	});

	it("on a real pyproject.toml: only the [tool.hpm] lines are added", () => {
		const dir = tempDir("hpm-init-real-");
		const file = path.join(dir, "pyproject.toml");
		copyFileSync(path.join(CORPUS, "pyproject/pallets__flask.toml"), file);
		const original = readFileSync(file, "utf8");
		const result = hpm(["init", "--registry", "registry"], { cwd: dir, env: uvEnv() });
		expect(result.code, result.stderr).toBe(0);
		const change = changedLines(original, readFileSync(file, "utf8"));
		expect(change.removed).toEqual([]);
		expect(change.added.filter((line) => line.trim() !== "")).toEqual(["[tool.hpm]", 'mode = "prod"']);
		expect(existsSync(path.join(dir, "registry/groups"))).toBe(true);
	});

	it("checks everything before writing anything; never replaces a recorded registry", () => {
		const dir = tempDir("hpm-init-check-");
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(file, '[project]\nname = "x"\nversion = "1"\n');
		writeFileSync(path.join(dir, "regfile"), "");
		mkdirSync(path.join(dir, "reg2"));
		writeFileSync(path.join(dir, "reg2/packages"), "");
		for (const registry of ["regfile", "reg2", ""]) {
			const before = snapshot(dir);
			const result = hpm(["init", "--registry", registry], { cwd: dir, env: uvEnv() });
			expect(result.code, registry).toBe(2);
			expect(snapshot(dir)).toEqual(before);
		}
		expect(hpm(["init", "--registry", "reg"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const text = readFileSync(file, "utf8");
		const other = hpm(["init", "--registry", "other"], { cwd: dir, env: uvEnv() });
		expect(other.code).toBe(2);
		expect(other.stderr).toContain("[tool.hpm] registry already names");
		expect(readFileSync(file, "utf8")).toBe(text);
		// a pyproject.toml without [project]
		const bare = tempDir("hpm-init-bare-");
		writeFileSync(path.join(bare, "pyproject.toml"), "[tool.ruff]\nline-length = 100\n");
		const noProject = hpm(["init"], { cwd: bare, env: uvEnv() });
		expect(noProject.code).toBe(2);
		expect(noProject.stderr).toContain("has no [project] table");
	});

	it("refuses a URL that is not a git registry, one it cannot fetch, and a file where the registry's folders go", () => {
		const dir = tempDir("hpm-init-bad-");
		const url = hpm(["init", "--registry", "https://example.com/reg.git"], { cwd: dir, env: uvEnv() });
		expect(url.code).toBe(2);
		expect(url.stderr).toContain("a registry is a folder or a git repository");
		expect(url.stderr).toContain("git+https://example.com/reg.git");
		const missing = path.join(dir, "no-such.git");
		const gone = hpm(["init", "--registry", `git+file://${missing}`], { cwd: dir, env: uvEnv() });
		expect(gone.code).toBe(2);
		expect(gone.stderr).toContain(`cannot fetch the registry file://${missing}`);
		expect(readdirSync(dir)).toEqual([]);
		writeFileSync(path.join(dir, "registry"), "not a folder");
		const file = hpm(["init", "--registry", "registry"], { cwd: dir, env: uvEnv() });
		expect(file.code).toBe(2);
		expect(file.stderr).toContain("is not a folder");
	});
});

describe("npm start", () => {
	it("runs on a fresh scratch copy of the example and never writes into the checkout", () => {
		const checkout = snapshot(EXAMPLE);
		const scratch = path.join(tempDir("hpm-start-"), "example");
		const run = () =>
			spawnSync(process.execPath, [path.join(ROOT, "scripts/start.mjs")], {
				encoding: "utf8",
				env: { ...process.env, HPM_EXAMPLE_DIR: scratch, NO_COLOR: "1" },
			});
		const first = run();
		expect(first.status, first.stderr).toBe(0);
		expect(first.stderr).toContain(`the example: ${scratch}`);
		expect(first.stdout).toContain(`registry ${path.join(scratch, "registry")}`);
		// a pick in the copy is gone on the next start
		expect(hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: scratch }).code).toBe(0);
		run();
		expect(readFileSync(path.join(scratch, "pyproject.toml"), "utf8")).toBe(
			readFileSync(path.join(EXAMPLE, "pyproject.toml"), "utf8"),
		);
		expect(snapshot(EXAMPLE)).toEqual(checkout);
	});

	it("never replaces its own copy once someone put files of their own in it", () => {
		const scratch = path.join(tempDir("hpm-start-marked-"), "example");
		const start = () =>
			spawnSync(process.execPath, [path.join(ROOT, "scripts/start.mjs")], {
				encoding: "utf8",
				env: { ...process.env, HPM_EXAMPLE_DIR: scratch },
			});
		expect(start().status).toBe(0);
		writeFileSync(path.join(scratch, "thesis.tex"), "mine");
		const again = start();
		expect(again.status).toBe(2);
		expect(readFileSync(path.join(scratch, "thesis.tex"), "utf8")).toBe("mine");
	});

	it("never replaces a folder that is not its own copy", () => {
		const mine = tempDir("hpm-start-mine-");
		writeFileSync(path.join(mine, "thesis.txt"), "years of work");
		const result = spawnSync(process.execPath, [path.join(ROOT, "scripts/start.mjs")], {
			encoding: "utf8",
			env: { ...process.env, HPM_EXAMPLE_DIR: mine },
		});
		expect(result.status).toBe(2);
		expect(result.stderr).toContain("holds files that are not a copy of the example");
		expect(readdirSync(mine)).toEqual(["thesis.txt"]);
	});
});
