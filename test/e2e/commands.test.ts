import { chmodSync, copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { changedLines } from "../helpers/diff.js";
import { CORPUS, copyExample, EXAMPLE, hpm, read, snapshot, tempDir } from "../helpers/run.js";

const PYPROJECT = read(path.join(EXAMPLE, "pyproject.toml"));
const ended = (text: string, eol: string) => (text.endsWith("\n") ? text : text + eol);

describe("hpm list", () => {
	it("a registry named twice is an error at its line, whether in [tool.hpm] or with -r", () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(file, read(file).replace("[tool.hpm]\n", '[tool.hpm]\nregistry = ["registry", "./registry/"]\n'));
		const before = snapshot(dir);
		const result = hpm(["list"], { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stdout + result.stderr).toContain('the registry "./registry/" is named twice (also as "registry")');
		expect(result.stdout + result.stderr).toMatch(/pyproject\.toml:\d+/);
		expect(snapshot(dir)).toEqual(before);
		const flags = hpm(["list", "-r", path.join(EXAMPLE, "registry"), "-r", path.join(EXAMPLE, "registry")], {
			cwd: tempDir("hpm-twice-"),
		});
		expect(flags.code).toBe(2);
		expect(flags.stderr).toContain("is named twice");
	});

	it("prints the SPEC §6 JSON for scripts", () => {
		const dir = copyExample();
		const result = hpm(["list", "--json"], { cwd: dir });
		expect(result.code).toBe(0);
		expect(result.stderr).toBe("");
		expect(JSON.parse(result.stdout)).toEqual({
			registry: path.join(dir, "registry"),
			project: path.join(dir, "pyproject.toml"),
			mode: "prod",
			groups: [
				{
					name: "inference",
					strategy: "1-of-N",
					description: "VLM backend: one implementation of the vlm-interface package",
					options: [
						{ name: "vlm-adapter-qwen", version: "0.1.0", selected: true },
						{ name: "vlm-adapter-deepseek", version: "0.1.0", selected: false },
					],
					selected: ["vlm-adapter-qwen"],
					synced: false,
				},
				{
					name: "metrics",
					strategy: "M-of-N",
					description: "Evaluation metrics",
					options: [
						{ name: "metric-bleu", version: "0.1.0", selected: true },
						{ name: "metric-rouge", version: "0.1.0", selected: false },
						{ name: "metric-legacy", version: "0.1.0", selected: false },
					],
					selected: ["metric-bleu"],
					synced: false,
				},
			],
			ungrouped: [{ name: "vlm-interface", version: "0.1.0" }],
		});
	});

	it("prints a readable tree with selection marks for people, from a subfolder too", () => {
		const dir = copyExample();
		const result = hpm(["list"], { cwd: path.join(dir, "packages") });
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(
			"inference  1-of-N  VLM backend: one implementation of the vlm-interface package  pending sync",
		);
		expect(result.stdout).toContain("  (*) vlm-adapter-qwen     0.1.0 VLM adapter for Qwen");
		expect(result.stdout).toContain("  ( ) vlm-adapter-deepseek 0.1.0 VLM adapter for DeepSeek");
		expect(result.stdout).toContain("  [x] metric-bleu   0.1.0 The BLEU text-overlap metric");
		expect(result.stdout).toContain("  [ ] metric-legacy 0.1.0");
		expect(result.stdout).toContain("packages in no group\n  vlm-interface  0.1.0");
	});

	it("works on a registry alone, with no project", () => {
		const dir = tempDir();
		const result = hpm(["list", "--json", "-r", path.join(EXAMPLE, "registry")], { cwd: dir });
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).project).toBeNull();
	});

	it("says where to look when there is no registry", () => {
		const dir = tempDir();
		writeFileSync(path.join(dir, "pyproject.toml"), '[project]\nname = "p"\nversion = "0"\n');
		const result = hpm(["list"], { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			`error: no registry at ${path.join(dir, "registry")}\nhint: create an empty one with \`hpm init --registry registry\`, or pass --registry DIR\n`,
		);
	});
});

describe("hpm list, synced or pending", () => {
	it("a group's state is its own: an unselected group offering another group's pending option is synced", () => {
		const dir = copyExample();
		writeFileSync(
			path.join(dir, "registry/groups/extra.yaml"),
			'name: "extra"\nstrategy: "1-of-N"\noptions:\n  - name: "metric-bleu"\n',
		);
		writeFileSync(
			path.join(dir, "registry/groups/extra2.yaml"),
			'name: "extra2"\nstrategy: "1-of-N"\noptions:\n  - name: "metric-rouge"\n',
		);
		const groups = (
			JSON.parse(hpm(["list", "--json"], { cwd: dir }).stdout) as {
				groups: { name: string; synced: boolean }[];
			}
		).groups;
		const synced = Object.fromEntries(groups.map((g) => [g.name, g.synced]));
		// metrics selects metric-bleu and nothing is synced yet: metrics is pending, extra and extra2 are not
		expect(synced).toEqual({ extra: true, extra2: true, inference: false, metrics: false });
	});
});

describe("hpm show", () => {
	it("shows a package by any spelling of its name, with sources per mode and its groups", () => {
		const dir = copyExample();
		const result = hpm(["show", "VLM_Adapter.Qwen", "--json"], { cwd: dir });
		expect(result.code).toBe(0);
		const data = JSON.parse(result.stdout);
		expect(data).toMatchObject({
			kind: "package",
			name: "vlm-adapter-qwen",
			version: "0.1.0",
			groups: ["inference"],
			selected: true,
			locked: null,
			sources: {
				prod: { type: "local", path: "../../packages/vlm_adapter_qwen", editable: false },
				dev: { type: "local", path: "../../packages/vlm_adapter_qwen", editable: true },
			},
		});
		expect(data.sources.prod.resolved).toBe(path.join(dir, "packages/vlm_adapter_qwen"));
	});

	it("shows a group with its options", () => {
		const result = hpm(["show", "metrics"], { cwd: copyExample() });
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^metrics {2}M-of-N {2}group\nEvaluation metrics\n/);
		expect(result.stdout).toContain("  * metric-bleu   0.1.0");
	});

	it("suggests a close name when nothing matches", () => {
		const result = hpm(["show", "metric-blue"], { cwd: copyExample() });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('no group or package named "metric-blue"');
		expect(result.stderr).toContain('did you mean "metric-bleu"?');
	});
});

describe("hpm search", () => {
	it("ranks exact name, then prefix, then substring, then description; ignores case and separators", () => {
		const dir = copyExample();
		const result = hpm(["search", "VLM_Adapter", "--json"], { cwd: dir });
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).results).toEqual([
			{ kind: "package", name: "vlm-adapter-qwen", description: "VLM adapter for Qwen" },
			{ kind: "package", name: "vlm-adapter-deepseek", description: "VLM adapter for DeepSeek" },
			{ kind: "package", name: "vlm-interface", description: "The abstract VLM adapter interface" },
		]);
		const ranked = JSON.parse(hpm(["search", "interface", "--json"], { cwd: dir }).stdout).results;
		expect(ranked.map((r: { kind: string; name: string }) => `${r.kind}:${r.name}`)).toEqual([
			"package:vlm-interface",
			"group:inference",
			"package:metric-legacy",
		]);
	});
});

describe("hpm group add / remove", () => {
	it("switches a 1-of-N choice, says so, and changes only that line", () => {
		const dir = copyExample();
		const result = hpm(["group", "add", "inference", "--option", "VLM-Adapter-DeepSeek"], {
			cwd: dir,
		});
		expect(result.code).toBe(0);
		expect(result.stdout).toBe(
			"inference: switched from vlm-adapter-qwen to vlm-adapter-deepseek\nrun `hpm sync` to apply it to the environment\n",
		);
		expect(read(path.join(dir, "pyproject.toml"))).toBe(
			PYPROJECT.replace('inference = "vlm-adapter-qwen"', 'inference = "vlm-adapter-deepseek"'),
		);
	});

	it("adds to an M-of-N group and removes from it again", () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		expect(
			hpm(["group", "add", "metrics", "-o", "metric-rouge", "-o", "metric_legacy"], { cwd: dir }).stdout,
		).toContain("metrics: added metric-rouge, metric-legacy (now metric-bleu, metric-rouge, metric-legacy)");
		expect(read(file)).toBe(
			PYPROJECT.replace('metrics = ["metric-bleu"]', 'metrics = ["metric-bleu", "metric-rouge", "metric-legacy"]'),
		);
		expect(hpm(["group", "remove", "metrics", "--option", "metric-bleu"], { cwd: dir }).code).toBe(0);
		expect(read(file)).toBe(
			PYPROJECT.replace('metrics = ["metric-bleu"]', 'metrics = ["metric-rouge", "metric-legacy"]'),
		);
		expect(hpm(["group", "remove", "metrics"], { cwd: dir }).stdout).toContain(
			"metrics: removed metric-rouge, metric-legacy",
		);
		expect(read(file)).toBe(PYPROJECT.replace('metrics = ["metric-bleu"]\n', ""));
	});

	it("refuses more than one option for a 1-of-N group (exit 2, file untouched)", () => {
		const dir = copyExample();
		const before = snapshot(dir);
		const result = hpm(["group", "add", "inference", "-o", "vlm-adapter-qwen", "-o", "vlm-adapter-deepseek"], {
			cwd: dir,
		});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('group "inference" is 1-of-N: give exactly one --option (got 2)');
		expect(snapshot(dir)).toEqual(before);
	});

	it("lists the valid choices for an unknown group or option", () => {
		const dir = copyExample();
		const before = snapshot(dir);
		const group = hpm(["group", "add", "inferenc", "-o", "x"], { cwd: dir });
		expect(group.code).toBe(2);
		expect(group.stderr).toBe(
			'error: unknown group "inferenc" (did you mean "inference"?)\nhint: groups: inference, metrics\n',
		);
		const option = hpm(["group", "add", "metrics", "-o", "metric-meteor"], { cwd: dir });
		expect(option.code).toBe(2);
		expect(option.stderr).toContain("hint: choose from: metric-bleu, metric-rouge, metric-legacy");
		expect(snapshot(dir)).toEqual(before);
	});

	it("without --option and without a TTY: the group's declared default, else exit 2 listing the options", () => {
		const dir = copyExample();
		expect(hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], { cwd: dir }).code).toBe(0);
		const chosen = hpm(["group", "add", "inference"], { cwd: dir });
		expect(chosen.code).toBe(0);
		expect(chosen.stderr).toContain('using the default of group "inference": vlm-adapter-qwen');
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toContain('inference = "vlm-adapter-qwen"');
		// a group without a default cannot be guessed: nothing waits for an answer that cannot come
		const file = path.join(dir, "registry/groups/inference.yaml");
		writeFileSync(file, readFileSync(file, "utf8").replace(/^default:.*\n/m, ""));
		const result = hpm(["group", "add", "inference"], { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			'error: choose one option for group "inference" with --option NAME\nhint: options: vlm-adapter-qwen, vlm-adapter-deepseek\n',
		);
	});

	it("reports errors as JSON with --json", () => {
		const result = hpm(["group", "add", "nope", "-o", "x", "--json"], { cwd: copyExample() });
		expect(result.code).toBe(2);
		expect(JSON.parse(result.stdout)).toEqual({
			error: {
				code: "unknown-group",
				message: 'unknown group "nope"',
				hint: "groups: inference, metrics",
			},
		});
	});
});

describe("hpm group add on real-world pyproject.toml files", () => {
	const files = ["pyproject", "pyproject-derived"].flatMap((dir) =>
		readdirSync(path.join(CORPUS, dir)).map((name) => path.join(CORPUS, dir, name)),
	);

	it.each(files.map((file) => [path.basename(file), file]))("%s keeps every other byte", (_name, file) => {
		const dir = tempDir();
		const target = path.join(dir, "pyproject.toml");
		copyFileSync(file, target);
		chmodSync(target, 0o644);
		const original = readFileSync(file, "latin1");
		const eol = original.includes("\r\n") ? "\r\n" : "\n";
		const registry = ["-r", path.join(EXAMPLE, "registry")];

		const add = hpm(["group", "add", "inference", "-o", "vlm-adapter-qwen", ...registry], {
			cwd: dir,
		});
		const data = parse(original.replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, "")) as {
			project?: unknown;
			tool?: { uv?: { workspace?: unknown } };
		};
		if (data.project === undefined && data.tool?.uv?.workspace !== undefined) {
			// a virtual workspace root: no choice can be synced there, so none is recorded (the
			// edit itself is covered file by file in test/project/toml-edit-corpus.test.ts)
			expect(add.code).toBe(2);
			expect(add.stderr).toContain("this is a virtual uv workspace root");
			expect(readFileSync(target, "latin1")).toBe(original);
			return;
		}
		expect(add.stderr).toBe("");
		expect(add.code).toBe(0);
		// Then the file is the original plus one inserted table (toml_edit puts it after the last
		// [tool.*] table); a missing final newline stays missing
		const after = readFileSync(target, "latin1");
		const insert = changedLines(ended(original, eol), ended(after, eol));
		expect(insert.removed).toEqual([]);
		const cr = eol === "\r\n" ? "\r" : "";
		expect(insert.added.filter((line) => line.trim() !== "")).toEqual([
			`[tool.hpm.groups]${cr}`,
			`inference = "vlm-adapter-qwen"${cr}`,
		]);
		expect(insert.added.length).toBeLessThanOrEqual(3);
		expect(after.endsWith("\n")).toBe(original.endsWith("\n"));

		const change = hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek", ...registry], {
			cwd: dir,
		});
		expect(change.stdout).toContain("switched from vlm-adapter-qwen to vlm-adapter-deepseek");
		expect(readFileSync(target, "latin1")).toBe(
			after.replace('inference = "vlm-adapter-qwen"', 'inference = "vlm-adapter-deepseek"'),
		);
	});
});
