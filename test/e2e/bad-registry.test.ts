import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, snapshot } from "../helpers/run.js";

type Case = {
	readonly name: string;
	/** Files to write (relative to registry/), or null to delete. */
	readonly files: Record<string, string | null>;
	/** The file:line:col the message must name, relative to registry/. */
	readonly where: string;
	readonly message: RegExp;
};

const qwen = (extra = "") => `name: "vlm-adapter-qwen"
version: "0.1.0"
sources:
  prod:
    type: "local"
    path: "../../packages/vlm_adapter_qwen"${extra}
`;

const cases: Case[] = [
	{
		name: "an unknown key with a typo",
		files: {
			"groups/inference.yaml":
				'name: "inference"\nstratgy: "1-of-N"\nstrategy: "1-of-N"\noptions:\n  - name: "vlm-adapter-qwen"\n',
		},
		where: "groups/inference.yaml:2:1",
		message: /unknown key "stratgy" \(did you mean "strategy"\?\)/,
	},
	{
		name: "a wrong type",
		files: {
			"groups/inference.yaml": 'name: "inference"\nstrategy: "1-of-N"\noptions: "vlm-adapter-qwen"\n',
		},
		where: "groups/inference.yaml:3:10",
		message: /options must be a list, got string "vlm-adapter-qwen"/,
	},
	{
		name: "a version written as a number",
		files: { "packages/vlm-adapter-qwen.yaml": qwen().replace('version: "0.1.0"', "version: 0.1") },
		where: "packages/vlm-adapter-qwen.yaml:2:10",
		message: /version must be a string, got number 0.1; quote it: "0.1"/,
	},
	{
		name: "a bad strategy",
		files: {
			"groups/inference.yaml": 'name: "inference"\nstrategy: "1-of-n"\noptions:\n  - name: "vlm-adapter-qwen"\n',
		},
		where: "groups/inference.yaml:2:11",
		message: /strategy must be one of "1-of-N", "M-of-N", got "1-of-n" \(did you mean "1-of-N"\?\)/,
	},
	{
		name: "a missing name",
		files: { "groups/metrics.yaml": 'strategy: "M-of-N"\noptions:\n  - name: "metric-bleu"\n' },
		where: "groups/metrics.yaml:1:1",
		message: /missing required key "name"/,
	},
	{
		name: "a YAML syntax error",
		files: { "packages/metric-bleu.yaml": 'name: "metric-bleu"\nversion: "0.1.0\nsources: {}\n' },
		where: "packages/metric-bleu.yaml:2:",
		message: /YAML syntax error/,
	},
	{
		name: "a file stem that differs from the name",
		files: {
			"packages/metric-bleu.yaml":
				'name: "metric-blue"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "x"\n',
		},
		where: "packages/metric-bleu.yaml:1:7",
		message: /package name "metric-blue" does not match the file name "metric-bleu.yaml"/,
	},
	{
		name: "a duplicate name across files",
		files: {
			"packages/metric_bleu.yaml":
				'name: "Metric_Bleu"\nversion: "0.2.0"\nsources:\n  prod:\n    type: "local"\n    path: "x"\n',
		},
		where: "packages/metric_bleu.yaml:1:7",
		message: /package "Metric_Bleu" is defined twice; it is already defined in .*metric-bleu.yaml:1/,
	},
	{
		name: "an option that names no package",
		files: {
			"groups/metrics.yaml":
				'name: "metrics"\nstrategy: "M-of-N"\noptions:\n  - name: "metric-bleu"\n  - name: "metric-meteor"\n',
		},
		where: "groups/metrics.yaml:5:11",
		message: /option "metric-meteor" names no package: there is no packages\/metric-meteor.yaml/,
	},
	{
		name: "a local source without path",
		files: {
			"packages/vlm-adapter-qwen.yaml":
				'name: "vlm-adapter-qwen"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    editable: true\n',
		},
		where: "packages/vlm-adapter-qwen.yaml:5:5",
		message: /missing required key "path" in sources.prod/,
	},
	{
		name: "a git source without url",
		files: {
			"packages/vlm-adapter-qwen.yaml":
				'name: "vlm-adapter-qwen"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "git"\n    tag: "v1"\n',
		},
		where: "packages/vlm-adapter-qwen.yaml:5:5",
		message: /missing required key "url" in sources.prod/,
	},
	{
		name: "a git URL that would read as an option",
		files: {
			"packages/vlm-adapter-qwen.yaml":
				'name: "vlm-adapter-qwen"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "git"\n    url: "--upload-pack=touch /tmp/x"\n',
		},
		where: "packages/vlm-adapter-qwen.yaml:6:10",
		message: /url must not start with "-"/,
	},
	{
		name: "a source type that does not exist",
		files: { "packages/vlm-adapter-qwen.yaml": qwen().replace('type: "local"', 'type: "svn"') },
		where: "packages/vlm-adapter-qwen.yaml:5:11",
		message: /sources.prod.type must be "local", "git" or "index", got "svn"/,
	},
];

describe("a broken registry is reported with file, line and column, and nothing changes", () => {
	it.each(cases.map((c) => [c.name, c]))("%s", (_name, c) => {
		// Given the example with one broken registry file
		const dir = copyExample();
		for (const [file, text] of Object.entries(c.files)) {
			const target = path.join(dir, "registry", file);
			if (text === null) rmSync(target);
			else {
				mkdirSync(path.dirname(target), { recursive: true });
				writeFileSync(target, text);
			}
		}
		const before = snapshot(dir);

		// When hpm lists it, lints it and checks the selection (which uses the broken file)
		const list = hpm(["list"], { cwd: dir });
		const lint = hpm(["registry", "lint"], { cwd: dir });
		const json = hpm(["list", "--json"], { cwd: dir });
		const check = hpm(["check", "--json"], { cwd: dir });
		const where = path.join(dir, "registry", c.where);
		const file = path.join(dir, "registry", c.where.split(":")[0] ?? "");
		const line = Number(c.where.split(":")[1]);

		// Then list either cannot show the selection (exit 2, file:line:col and what was expected) or
		// shows what loads and warns about the rest; never a stack trace
		expect(list.stderr).not.toMatch(/\n\s+at /);
		if (list.code === 2) {
			expect(list.stdout).toBe("");
			expect(list.stderr).toContain(where);
			expect(list.stderr).toMatch(c.message);
			const error = JSON.parse(json.stdout).error;
			expect(json.code).toBe(2);
			expect([error.file, error.line]).toEqual([file, line]);
		} else {
			expect(list.code).toBe(0);
			expect(list.stderr).toMatch(/^warning: 1 registry file could not be loaded and was left out/);
			expect(JSON.parse(json.stdout).problems).toEqual([expect.objectContaining({ file, line })]);
		}
		// lint lists the same problem and exits 1
		expect(lint.code).toBe(1);
		expect(lint.stdout).toContain(where);
		// the selection uses it: check blocks on it, with the file and line
		expect(check.code).toBe(1);
		expect(JSON.parse(check.stdout).problems).toContainEqual(expect.objectContaining({ file, line }));
		// And no file changed
		expect(snapshot(dir)).toEqual(before);
	});

	it("registry lint reports every problem at once, one line each", () => {
		const dir = copyExample();
		for (const c of [cases[0], cases[2], cases[8]]) {
			for (const [file, text] of Object.entries(c?.files ?? {}))
				writeFileSync(path.join(dir, "registry", file), text ?? "");
		}
		writeFileSync(path.join(dir, "registry/packages/metric-rouge.yaml"), "name: [\n");
		const lint = hpm(["registry", "lint"], { cwd: dir });
		expect(lint.code).toBe(1);
		const lines = lint.stdout.trim().split("\n");
		expect(lines).toHaveLength(4);
		expect(lines.every((line) => /^\/.*\.yaml:\d+:\d+: /.test(line))).toBe(true);
		expect(lint.stderr).toContain("4 problems in 4 files");
	});
});

describe("registry lint finds every problem in one pass", () => {
	/** Each fix repairs exactly one of the problems written below. */
	const broken: Record<string, string> = {
		"packages/metric-bleu.yaml": `name: "metric-bleu"
version: "0.1.0"
descripton: "a typo'd key"
sources:
  prod:
    type: "local"
    path: "../../packages/nowhere"
  dev:
    type: "git"
    url: "not a url"
    tag: "v1"
    branch: "main"
  test:
    type: "svn"
`,
		"groups/metrics.yaml": `name: "metrics"
strategy: "2-of-N"
options:
  - name: "metric-bleu"
  - name: "metric-bleu" # twice, while its manifest is broken
  - name: "metric-zzz"
  - name: "metric-rouge"
  - name: "metric-rouge"
  - nam: "metric-legacy"
`,
		"groups/inference.yaml": `name: "Inference Group"
strategy: "1-of-N"
options:
  - name: "vlm-adapter-qwen"
`,
	};
	const fixes: [string, string, string][] = [
		["packages/metric-bleu.yaml", 'descripton: "a typo\'d key"\n', ""],
		["packages/metric-bleu.yaml", '"../../packages/nowhere"', '"../../packages/metric_bleu"'],
		["packages/metric-bleu.yaml", '"not a url"', '"https://example.org/bleu.git"'],
		["packages/metric-bleu.yaml", '    branch: "main"\n', ""],
		["packages/metric-bleu.yaml", '  test:\n    type: "svn"\n', ""],
		["groups/metrics.yaml", '"2-of-N"', '"M-of-N"'],
		["groups/metrics.yaml", '  - name: "metric-bleu" # twice, while its manifest is broken\n', ""],
		["groups/metrics.yaml", '  - name: "metric-zzz"\n', ""],
		["groups/metrics.yaml", '  - name: "metric-rouge"\n  - name: "metric-rouge"\n', '  - name: "metric-rouge"\n'],
		["groups/metrics.yaml", "  - nam:", "  - name:"],
		["groups/inference.yaml", '"Inference Group"', '"inference"'],
	];

	it.each([
		["in file order", fixes],
		["in reverse", [...fixes].reverse()],
	])("fixing one problem at a time %s lowers the count by exactly one", (_order, order) => {
		const dir = copyExample();
		const file = (name: string) => path.join(dir, "registry", name);
		for (const [name, text] of Object.entries(broken)) writeFileSync(file(name), text);
		const count = () => {
			const lint = hpm(["registry", "lint", "--json"], { cwd: dir });
			return (JSON.parse(lint.stdout) as { problems: unknown[] }).problems.length;
		};
		let expected = fixes.length;
		expect(count()).toBe(expected);
		for (const [name, from, to] of order) {
			const text = readFileSync(file(name), "utf8");
			expect(text).toContain(from);
			writeFileSync(file(name), text.replace(from, to));
			expected -= 1;
			expect(count(), `after fixing ${name}: ${from.trim()}`).toBe(expected);
		}
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);
	});
});
