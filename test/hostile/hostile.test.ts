import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, snapshot, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

/**
 * Hostile input: each case is one bad file or one bad command line. Every case must end with a
 * clear message (naming the file and line, or the fix), the right exit code, no stack trace,
 * and every user file byte-identical.
 */
type Case = {
	readonly name: string;
	/** Breaks a fresh copy of the example. */
	readonly setup?: (dir: string) => void;
	readonly args: readonly string[];
	readonly code: number;
	/** What stderr (or, for lint, stdout) must say. `{dir}` stands for the project folder. */
	readonly says: RegExp | string;
	readonly env?: (dir: string) => NodeJS.ProcessEnv;
};

const reg = (dir: string, file: string) => path.join(dir, "registry", file);
const write = (dir: string, file: string, text: string | Buffer) => writeFileSync(reg(dir, file), text);
const edit = (dir: string, file: string, from: string, to: string) =>
	write(dir, file, readFileSync(reg(dir, file), "utf8").replace(from, to));
const pyproject = (dir: string, from: string, to: string) => {
	const file = path.join(dir, "pyproject.toml");
	writeFileSync(file, readFileSync(file, "utf8").replace(from, to));
};
const pkg = (name: string, extra = "") =>
	`name: "${name}"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/x"\n${extra}`;
const git = (url: string, extra = "") =>
	`name: "metric-bleu"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "git"\n    url: "${url}"\n${extra}`;

const cases: Case[] = [
	// --- registry files: YAML itself
	{
		name: "YAML syntax error",
		setup: (d) => write(d, "groups/metrics.yaml", 'name: "metrics"\noptions: [\n'),
		args: ["list"],
		code: 2,
		says: "registry/groups/metrics.yaml:3:1: YAML syntax error",
	},
	{
		name: "unclosed quote",
		setup: (d) => write(d, "groups/metrics.yaml", 'name: "metrics\nstrategy: "M-of-N"\n'),
		args: ["list"],
		code: 2,
		says: "registry/groups/metrics.yaml:1:7: YAML syntax error: Missing closing",
	},
	{
		name: "empty file",
		setup: (d) => write(d, "groups/metrics.yaml", ""),
		args: ["list"],
		code: 2,
		says: "registry/groups/metrics.yaml:1:1: file is empty",
	},
	{
		name: "whitespace-only file",
		setup: (d) => write(d, "packages/metric-bleu.yaml", "  \n\n"),
		args: ["list"],
		code: 2,
		says: "registry/packages/metric-bleu.yaml:1:1: file is empty",
	},
	{
		name: "a directory where a file is expected",
		setup: (d) => mkdirSync(reg(d, "packages/metric-zzz.yaml")),
		// no project uses it, so only lint fails on it; list shows the rest and warns
		args: ["registry", "lint"],
		code: 1,
		says: "registry/packages/metric-zzz.yaml: is a directory, expected a file",
	},
	{
		name: "a 10 MB manifest",
		setup: (d) =>
			write(d, "packages/metric-bleu.yaml", `name: "metric-bleu"\ndescription: "${"x".repeat(10_000_000)}"\n`),
		args: ["list"],
		code: 2,
		says: /registry\/packages\/metric-bleu.yaml: is \d{8} bytes; hpm reads at most 1000000 here/,
	},
	{
		name: "binary bytes",
		setup: (d) => write(d, "packages/metric-bleu.yaml", Buffer.from([0x6e, 0x00, 0x01, 0xff, 0xfe])),
		args: ["list"],
		code: 2,
		says: "registry/packages/metric-bleu.yaml:1:1: file holds binary data",
	},
	{
		name: "invalid UTF-8",
		setup: (d) =>
			write(
				d,
				"packages/metric-bleu.yaml",
				Buffer.concat([
					Buffer.from('name: "metric-bleu"\ndescription: "'),
					Buffer.from([0xc3, 0x28]),
					Buffer.from('"\n'),
				]),
			),
		args: ["list"],
		code: 2,
		says: "registry/packages/metric-bleu.yaml:1:1: file is not valid UTF-8 text",
	},
	{
		name: "a YAML alias bomb",
		setup: (d) =>
			write(
				d,
				"groups/metrics.yaml",
				`a: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from(
					{ length: 9 },
					(_, i) =>
						`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
							.fill(`*${String.fromCharCode(97 + i)}`)
							.join(",")}]`,
				).join("\n")}\n`,
			),
		args: ["list"],
		code: 2,
		says: "registry/groups/metrics.yaml:1:1: YAML could not be expanded: Excessive alias count",
	},
	{
		name: "deeply nested YAML",
		setup: (d) => write(d, "groups/metrics.yaml", `name: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`),
		args: ["list"],
		code: 2,
		says: /registry\/groups\/metrics.yaml:1:\d+: YAML syntax error: the YAML is nested too deeply/,
	},
	{
		name: "duplicate keys",
		setup: (d) =>
			write(d, "groups/metrics.yaml", 'name: "metrics"\nname: "metrics"\nstrategy: "M-of-N"\noptions: []\n'),
		args: ["list"],
		code: 2,
		says: "registry/groups/metrics.yaml:2:1: YAML syntax error: Map keys must be unique",
	},
	{
		name: "a list at the top level",
		setup: (d) => write(d, "groups/metrics.yaml", "- a\n- b\n"),
		args: ["list"],
		code: 2,
		says: "registry/groups/metrics.yaml:1:1: the file must be a mapping, got a list",
	},
	// --- registry files: schema
	{
		name: "a misspelt required key (lint says it once: the missing key is the typo)",
		setup: (d) => edit(d, "groups/metrics.yaml", "strategy:", "stratgy:"),
		args: ["registry", "lint"],
		code: 1,
		says: /^1 problem in 1 file\n[^\n]*metrics.yaml:2:1: unknown key "stratgy" \(did you mean "strategy"\?\)[^\n]*\n$/,
	},
	{
		name: "wrong type",
		setup: (d) => edit(d, "groups/metrics.yaml", 'description: "Evaluation metrics"', "description: [1, 2]"),
		args: ["list"],
		code: 2,
		says: "registry/groups/metrics.yaml:3:14: description must be a string, got a list",
	},
	{
		name: "a bad strategy",
		setup: (d) => edit(d, "groups/metrics.yaml", '"M-of-N"', '"many"'),
		args: ["list"],
		code: 2,
		says: 'strategy must be one of "1-of-N", "M-of-N", got "many"',
	},
	{
		name: "a version as a number",
		setup: (d) => edit(d, "packages/metric-bleu.yaml", 'version: "0.1.0"', "version: 1.5"),
		args: ["list"],
		code: 2,
		says: 'version must be a string, got number 1.5; quote it: "1.5"',
	},
	{
		name: "options: with nothing",
		setup: (d) => write(d, "groups/metrics.yaml", 'name: "metrics"\nstrategy: "M-of-N"\noptions:\n'),
		args: ["list"],
		code: 2,
		says: "registry/groups/metrics.yaml:3:9: options must be a list, got null (an empty value)",
	},
	{
		name: "a group with no options",
		setup: (d) => write(d, "groups/metrics.yaml", 'name: "metrics"\nstrategy: "M-of-N"\noptions: []\n'),
		args: ["registry", "lint"],
		code: 0,
		says: 'registry/groups/metrics.yaml:3:10: warning: group "metrics" has no options; list at least one package',
	},
	{
		name: "an option naming no package",
		setup: (d) => edit(d, "groups/metrics.yaml", '"metric-rouge"', '"metric-meteor"'),
		args: ["list"],
		code: 2,
		says: 'registry/groups/metrics.yaml:8:11: option "metric-meteor" names no package',
	},
	{
		name: "a local source without path",
		setup: (d) =>
			write(
				d,
				"packages/metric-bleu.yaml",
				'name: "metric-bleu"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n',
			),
		args: ["list"],
		code: 2,
		says: 'registry/packages/metric-bleu.yaml:5:5: missing required key "path" in sources.prod',
	},
	{
		name: "a mode name that is not a name",
		setup: (d) => edit(d, "packages/metric-bleu.yaml", "  dev:", "  Dev Mode:"),
		args: ["list"],
		code: 2,
		says: 'registry/packages/metric-bleu.yaml:8:3: mode name "Dev Mode" in sources must be lower-case',
	},
	// --- names
	{
		name: "a name with ../",
		setup: (d) => write(d, "packages/metric-bleu.yaml", pkg("../metric-bleu")),
		args: ["list"],
		code: 2,
		says: 'registry/packages/metric-bleu.yaml:1:7: package name "../metric-bleu": a name must not contain a path separator',
	},
	{
		name: "a name with /",
		setup: (d) => write(d, "packages/metric-bleu.yaml", pkg("metric/bleu")),
		args: ["list"],
		code: 2,
		says: "a name must not contain a path separator",
	},
	{
		name: "a name with a leading -",
		setup: (d) => write(d, "packages/metric-bleu.yaml", pkg("-metric-bleu")),
		args: ["list"],
		code: 2,
		says: "a name must not start with '-' (it would read as an option)",
	},
	{
		name: "a Unicode look-alike name",
		setup: (d) => write(d, "packages/metric-bleu.yaml", pkg("metric-bleu\u0430")),
		args: ["list"],
		code: 2,
		says: "look-alike characters are not allowed",
	},
	// --- sources
	{
		name: "a git URL starting with -",
		setup: (d) => write(d, "packages/metric-bleu.yaml", git("-oProxyCommand=touch /tmp/x")),
		args: ["list"],
		code: 2,
		says: 'registry/packages/metric-bleu.yaml:6:10: sources.prod.url must not start with "-"',
	},
	{
		name: "a git URL using ext::",
		setup: (d) => write(d, "packages/metric-bleu.yaml", git("ext::sh -c touch% /tmp/pwned")),
		args: ["list"],
		code: 2,
		says: "uses a git remote helper",
	},
	{
		name: "a git ref starting with -",
		setup: (d) => write(d, "packages/metric-bleu.yaml", git("https://x.org/r.git", '    tag: "--upload-pack=evil"\n')),
		args: ["list"],
		code: 2,
		says: 'registry/packages/metric-bleu.yaml:7:10: sources.prod.tag must not start with "-"',
	},
	{
		name: "both tag and branch",
		setup: (d) =>
			write(d, "packages/metric-bleu.yaml", git("https://x.org/r.git", '    tag: "v1"\n    branch: "main"\n')),
		args: ["list"],
		code: 2,
		says: "sets tag and branch; give at most one of tag, branch, rev",
	},
	{
		name: "a subdirectory escaping the repository",
		setup: (d) => write(d, "packages/metric-bleu.yaml", git("https://x.org/r.git", '    subdirectory: "../../etc"\n')),
		args: ["list"],
		code: 2,
		says: 'subdirectory must not contain ".." (it would leave the repository)',
	},
	// --- pyproject.toml
	{
		name: "malformed pyproject.toml",
		setup: (d) => pyproject(d, "[tool.hpm]", "[tool.hpm"),
		args: ["list"],
		code: 2,
		says: /pyproject.toml:9:\d+: invalid TOML/,
	},
	{
		name: "binary pyproject.toml",
		setup: (d) => writeFileSync(path.join(d, "pyproject.toml"), Buffer.from([0xff, 0xfe, 0x00, 0x41])),
		args: ["list"],
		code: 2,
		says: "pyproject.toml is not valid UTF-8 text",
	},
	{
		name: "pyproject.toml that is a directory",
		setup: (d) => {
			rmSync(path.join(d, "pyproject.toml"));
			mkdirSync(path.join(d, "pyproject.toml"));
		},
		args: ["list"],
		code: 2,
		says: "pyproject.toml is a directory",
	},
	{
		name: "read-only pyproject.toml",
		setup: (d) => chmodSync(path.join(d, "pyproject.toml"), 0o444),
		args: ["group", "add", "metrics", "-o", "metric-rouge"],
		code: 2,
		says: "pyproject.toml: the file is read-only; nothing was written",
	},
	{
		name: "read-only pyproject.toml on sync",
		setup: (d) => chmodSync(path.join(d, "pyproject.toml"), 0o444),
		args: ["sync"],
		code: 2,
		says: "pyproject.toml: the file is read-only; nothing was written",
	},
	{
		name: "a list for a 1-of-N group",
		setup: (d) =>
			pyproject(d, 'inference = "vlm-adapter-qwen"', 'inference = ["vlm-adapter-qwen", "vlm-adapter-deepseek"]'),
		args: ["list"],
		code: 2,
		says: 'pyproject.toml:13:1: group "inference" is 1-of-N: write one option as a string',
	},
	{
		name: "a number for a group",
		setup: (d) => pyproject(d, 'metrics = ["metric-bleu"]', "metrics = 42"),
		args: ["list"],
		code: 2,
		says: "pyproject.toml:14:1: [tool.hpm.groups] metrics must be a string (1-of-N) or a list of strings (M-of-N)",
	},
	{
		name: "a group the registry lacks",
		setup: (d) => pyproject(d, "metrics =", "metricz ="),
		args: ["sync"],
		code: 1,
		says: 'pyproject.toml:14:1: [tool.hpm.groups] names group "metricz", which the registry does not have (did you mean "metrics"?)',
	},
	// --- command lines
	{
		name: "no pyproject.toml anywhere",
		setup: (d) => rmSync(path.join(d, "pyproject.toml")),
		args: ["group", "add", "metrics", "-o", "metric-rouge", "-r", "registry"],
		code: 2,
		says: "no pyproject.toml in",
	},
	{
		name: "an unknown group",
		args: ["group", "add", "inferenc", "-o", "vlm-adapter-qwen"],
		code: 2,
		says: 'unknown group "inferenc" (did you mean "inference"?)',
	},
	{
		name: "an unknown option",
		args: ["group", "add", "inference", "-o", "vlm-adapter-gpt"],
		code: 2,
		says: "choose from: vlm-adapter-qwen, vlm-adapter-deepseek",
	},
	{
		name: "two options for a 1-of-N group",
		args: ["group", "add", "inference", "-o", "vlm-adapter-qwen", "-o", "vlm-adapter-deepseek"],
		code: 2,
		says: "is 1-of-N: give exactly one --option (got 2)",
	},
	{
		name: "registry add with a name of ../",
		args: ["registry", "add", "--name", "../../evil", "--url", "https://x.org/r.git", "--version", "1"],
		code: 2,
		says: "must not contain a path separator",
	},
	{
		name: "registry add with ext::",
		args: ["registry", "add", "--name", "ok", "--url", "ext::sh -c id", "--version", "1"],
		code: 2,
		says: "remote helper",
	},
	{
		name: "registry add with a ref that reads as an option",
		args: ["registry", "add", "--name", "ok", "--url", "https://x.org/r.git", "--rev=-x", "--version", "1"],
		code: 2,
		says: '--rev must not start with "-"',
	},
	{
		name: "--project that does not exist",
		args: ["list", "--project", "/nonexistent"],
		code: 2,
		says: "--project /nonexistent: no such file or folder",
	},
	{ name: "an unknown flag", args: ["sync", "--yes-really"], code: 2, says: "unknown flag '--yes-really'" },
	// --- uv
	{
		name: "uv missing",
		args: ["sync"],
		code: 1,
		says: "uv was not found on PATH",
		env: () => ({ PATH: `${tempDir()}:${path.dirname(process.execPath)}` }),
	},
	{
		name: "uv too old",
		setup: (d) => {
			mkdirSync(path.join(d, ".test-bin"));
			writeFileSync(path.join(d, ".test-bin", "uv"), '#!/bin/sh\necho \'{"version": "0.5.0"}\'\n', {
				mode: 0o755,
			});
		},
		args: ["sync"],
		code: 1,
		says: "uv 0.5.0 is too old: hpm needs uv >= 0.9.26",
		env: (d) => ({ PATH: `${path.join(d, ".test-bin")}:${path.dirname(process.execPath)}` }),
	},
	{
		name: "uv failing (a local package that cannot be built)",
		setup: (d) => rmSync(path.join(d, "packages/vlm_adapter_qwen/src"), { recursive: true }),
		args: ["sync"],
		code: 1,
		says: /uv add failed \(exit \d\): inference=vlm-adapter-qwen: the package failed to build: Expected a Python module at: \S+; pyproject.toml and uv.lock were restored/,
	},
];

describe("hostile input: a clear message, the right exit code, no stack trace, nothing changed", () => {
	it("has at least 40 cases", () => expect(cases.length).toBeGreaterThanOrEqual(40));

	it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
		const dir = copyExample();
		c.setup?.(dir);
		const before = snapshot(dir);
		const result = hpm(c.args, { cwd: dir, env: { ...uvEnv(), ...c.env?.(dir) } });
		try {
			chmodSync(path.join(dir, "pyproject.toml"), 0o644);
		} catch {
			// it may be a directory or gone
		}
		const said = result.stderr + result.stdout;
		expect(result.code, said).toBe(c.code);
		if (typeof c.says === "string") expect(said).toContain(c.says);
		else expect(said).toMatch(c.says);
		expect(said).not.toMatch(/\n\s+at [\w.<]+ \(|node:internal/);
		// .venv is uv's environment, not a user file: a failed `uv add` may leave one it created
		const after = new Map([...snapshot(dir)].filter(([file]) => !file.startsWith(".venv/")));
		expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
		for (const [file, bytes] of before) expect(after.get(file) === bytes, `${file} changed`).toBe(true);
	});
});

describe("inputs that are fine must stay fine", () => {
	it("a BOM and CRLF line endings in registry files are read normally", () => {
		const dir = copyExample();
		const file = reg(dir, "groups/metrics.yaml");
		writeFileSync(file, `\uFEFF${readFileSync(file, "utf8").replace(/\n/g, "\r\n")}`);
		const result = hpm(["show", "metrics", "--json"], { cwd: dir });
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).options).toHaveLength(3);
	});

	it("a package offered by two groups is shown in both", () => {
		const dir = copyExample();
		edit(
			dir,
			"groups/inference.yaml",
			'  - name: "vlm-adapter-deepseek"\n',
			'  - name: "vlm-adapter-deepseek"\n  - name: "metric-bleu"\n',
		);
		const result = hpm(["show", "metric-bleu", "--json"], { cwd: dir });
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).groups).toEqual(["inference", "metrics"]);
	});
});
