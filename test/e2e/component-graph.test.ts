import { mkdirSync, readFileSync, rmSync, writeFileSync, cpSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { copyExample, EXAMPLE, hpm, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

const edit = (dir: string, file: string, change: (text: string) => string) => {
	const full = path.join(dir, "registry", file);
	writeFileSync(full, change(readFileSync(full, "utf8")));
};

describe("interfaces", () => {
	it("show lists an interface's implementations and the groups offering them", () => {
		const dir = copyExample();
		const shown = hpm(["show", "vlm-interface", "--json"], { cwd: dir });
		expect(shown.code).toBe(0);
		expect(JSON.parse(shown.stdout)).toMatchObject({
			kind: "package",
			implementations: [
				{ name: "vlm-adapter-deepseek", groups: ["inference"] },
				{ name: "vlm-adapter-qwen", groups: ["inference"] },
			],
			interfaceOf: ["inference"],
		});
		const text = hpm(["show", "vlm-interface"], { cwd: dir }).stdout;
		expect(text).toMatch(
			/implemented by\n\s+vlm-adapter-deepseek\s+0\.1\.0\s+offered in inference\n\s+vlm-adapter-qwen/,
		);
		// an interface no package is named after is shown as one
		edit(dir, "packages/vlm-adapter-qwen.yaml", (t) =>
			t.replace('provides: ["vlm-interface"]', 'provides: ["vlm-interface", "chat-api"]'),
		);
		const pure = hpm(["show", "chat-api", "--json"], { cwd: dir });
		expect(JSON.parse(pure.stdout)).toMatchObject({
			kind: "interface",
			implementations: [{ name: "vlm-adapter-qwen" }],
		});
	});

	it("lint warns about an option that does not provide its group's interface, at the option's line", () => {
		const dir = copyExample();
		edit(dir, "packages/vlm-adapter-deepseek.yaml", (t) => t.replace('provides: ["vlm-interface"]\n', ""));
		const lint = hpm(["registry", "lint"], { cwd: dir });
		expect(lint.code, lint.stdout + lint.stderr).toBe(0);
		expect(lint.stdout).toMatch(
			/groups\/inference\.yaml:9:11: warning: option "vlm-adapter-deepseek" does not provide the group's interface "vlm-interface"/,
		);
		expect(hpm(["registry", "lint", "--strict"], { cwd: dir }).code).toBe(1);
		// a project choosing it is not blocked by a warning
		expect(hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], { cwd: dir }).code).toBe(0);
	});
});

describe("rules in the registry, checked before uv", () => {
	it("conflicts: check fails in group=option terms at the line that declares it, without running uv", () => {
		const dir = copyExample();
		hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], { cwd: dir });
		hpm(["group", "add", "metrics", "-o", "metric-legacy"], { cwd: dir });
		const check = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(check.code).toBe(1);
		expect(check.stdout).toContain(
			"registry/groups/inference.yaml:10:17: inference=vlm-adapter-deepseek conflicts with metrics=metric-legacy; choose one of them",
		);
		expect(check.stderr).not.toContain("uv lock");
		const json = JSON.parse(hpm(["check", "--json"], { cwd: dir, env: uvEnv() }).stdout);
		expect(json.problems).toEqual([
			expect.objectContaining({
				code: "constraint-conflicts",
				file: path.join(dir, "registry/groups/inference.yaml"),
				line: 10,
			}),
		]);
		// sync refuses the same, and changes nothing
		const before = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).not.toBe(0);
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(before);
	});

	it("requires, min and max", () => {
		const dir = copyExample();
		// metric-rouge requires metrics=metric-bleu
		const pyproject = path.join(dir, "pyproject.toml");
		writeFileSync(
			pyproject,
			readFileSync(pyproject, "utf8").replace('metrics = ["metric-bleu"]', 'metrics = ["metric-rouge"]'),
		);
		let check = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(check.code).toBe(1);
		expect(check.stdout).toContain(
			"metrics.yaml:9:16: metrics=metric-rouge requires metrics=metric-bleu, which is not chosen (metrics has metric-rouge)",
		);
		// min: 1
		writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace('metrics = ["metric-rouge"]', "metrics = []"));
		check = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(check.stdout).toContain('metrics.yaml:5:6: group "metrics" needs at least 1 option (min: 1); 0 chosen');
		// max
		edit(dir, "groups/metrics.yaml", (t) => t.replace("min: 1 ", "max: 1 "));
		writeFileSync(
			pyproject,
			readFileSync(pyproject, "utf8").replace("metrics = []", 'metrics = ["metric-bleu", "metric-rouge"]'),
		);
		check = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(check.stdout).toContain('group "metrics" allows at most 1 option (max: 1); 2 chosen');
	});

	it("rules that cannot be right are found by the loader, each at its line", () => {
		const dir = copyExample();
		edit(dir, "groups/metrics.yaml", (t) =>
			t
				.replace('default: ["metric-bleu"]', 'default: ["metric-meteor"]')
				.replace('requires: ["metrics=metric-bleu"]', 'requires: ["scores=metric-bleu", "metric-bleu"]'),
		);
		edit(dir, "groups/inference.yaml", (t) =>
			t
				.replace('conflicts: ["metrics=metric-legacy"]', 'conflicts: ["metrics=metric-old"]')
				.replace("required: true", "required: true\nmin: 1"),
		);
		const lint = hpm(["registry", "lint"], { cwd: dir });
		expect(lint.code).toBe(1);
		const lines = lint.stdout.split("\n");
		const has = (pattern: RegExp) =>
			expect(
				lines.some((line) => pattern.test(line)),
				lint.stdout,
			).toBe(true);
		has(/metrics\.yaml:4:11: default "metric-meteor" is not an option of group "metrics"/);
		has(/metrics\.yaml:9:\d+: requires "metric-bleu": write it as group=option/);
		has(/metrics\.yaml:9:\d+: requires "scores=metric-bleu": there is no group "scores"/);
		has(/inference\.yaml:7:6: min applies to an M-of-N group/);
		// a rule naming a broken group waits for its fix; once metrics loads, the dead rule is a warning
		edit(dir, "groups/metrics.yaml", (t) =>
			t
				.replace('default: ["metric-meteor"]', 'default: ["metric-bleu"]')
				.replace('requires: ["scores=metric-bleu", "metric-bleu"]', "requires: []"),
		);
		const again = hpm(["registry", "lint"], { cwd: dir });
		expect(again.stdout).toMatch(
			/inference\.yaml:11:\d+: warning: conflicts "metrics=metric-old": group "metrics" has no option "metric-old"; the rule never applies/,
		);
	});
});

describe("defaults", () => {
	it("hpm init starts a new [tool.hpm] from the registry's defaults", () => {
		const dir = tempDir();
		const project = path.join(dir, "new-project");
		mkdirSync(project);
		cpSync(path.join(EXAMPLE, "registry"), path.join(project, "registry"), { recursive: true });
		cpSync(path.join(EXAMPLE, "packages"), path.join(project, "packages"), { recursive: true });
		const init = hpm(["init"], { cwd: project, env: uvEnv() });
		expect(init.code, init.stderr).toBe(0);
		expect(init.stdout).toContain("chose the registry's defaults: inference=vlm-adapter-qwen, metrics=metric-bleu");
		const data = parse(readFileSync(path.join(project, "pyproject.toml"), "utf8")) as {
			tool: { hpm: { groups: Record<string, unknown> } };
		};
		expect(data.tool.hpm.groups).toEqual({ inference: "vlm-adapter-qwen", metrics: ["metric-bleu"] });
		// a second init changes nothing
		const before = readFileSync(path.join(project, "pyproject.toml"), "utf8");
		expect(hpm(["init"], { cwd: project, env: uvEnv() }).code).toBe(0);
		expect(readFileSync(path.join(project, "pyproject.toml"), "utf8")).toBe(before);
		expect(hpm(["check"], { cwd: project, env: uvEnv() }).code).toBe(0);
	});
});

describe("hpm graph", () => {
	it("text: interface -> implementations, groups with their rules and the choice", () => {
		const dir = copyExample();
		const graph = hpm(["graph"], { cwd: dir });
		expect(graph.code).toBe(0);
		expect(graph.stdout).toBe(
			[
				"vlm-interface (interface)",
				"├── vlm-adapter-deepseek  in inference",
				"└── vlm-adapter-qwen  in inference",
				"inference (1-of-N, interface vlm-interface, default vlm-adapter-qwen, required)",
				"├── (*) vlm-adapter-qwen",
				"└── ( ) vlm-adapter-deepseek  conflicts metrics=metric-legacy",
				"metrics (M-of-N, default metric-bleu, min 1)",
				"├── [x] metric-bleu",
				"├── [ ] metric-rouge  requires metrics=metric-bleu",
				"└── [ ] metric-legacy",
				"(no group): vlm-interface",
				"",
			].join("\n"),
		);
	});

	it("json, dot and mermaid describe the same graph; an unknown format is refused", () => {
		const dir = copyExample();
		const json = JSON.parse(hpm(["graph", "--format", "json"], { cwd: dir }).stdout);
		expect(json.interfaces).toEqual([
			{ name: "vlm-interface", implementations: ["vlm-adapter-deepseek", "vlm-adapter-qwen"] },
		]);
		expect(JSON.parse(hpm(["graph", "--json"], { cwd: dir }).stdout)).toEqual(json);
		const dot = hpm(["graph", "--format", "dot"], { cwd: dir }).stdout;
		expect(dot.startsWith("digraph hpm {\n")).toBe(true);
		expect(dot.trimEnd().endsWith("}")).toBe(true);
		// every node an edge names is declared
		const declared = new Set([...dot.matchAll(/^\s+(\w+) \[label=/gm)].map((m) => m[1]));
		for (const [, from, to] of dot.matchAll(/^\s+(\w+) -> (\w+)/gm)) {
			expect(declared.has(from), from).toBe(true);
			expect(declared.has(to), to).toBe(true);
		}
		expect(dot).toContain('p_vlm_adapter_deepseek -> p_metric_legacy [label="conflicts", color=red, dir=both];');
		const mermaid = hpm(["graph", "--format", "mermaid"], { cwd: dir }).stdout;
		expect(mermaid.split("\n")[0]).toBe("graph LR");
		expect(mermaid).toContain("g_inference ==> p_vlm_adapter_qwen");
		const bad = hpm(["graph", "--format", "svgg"], { cwd: dir });
		expect(bad.code).toBe(2);
		expect(bad.stderr).toContain("--format must be one of text, json, dot, mermaid");
	});
});

describe("hpm why and why-not", () => {
	it("why: the chain in uv.lock from the project, and the choice that starts it", () => {
		const dir = copyExample();
		rmSync(path.join(dir, "uv.lock"), { force: true });
		expect(hpm(["why", "vlm-interface"], { cwd: dir }).stdout).toContain("there is no uv.lock yet");
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const why = hpm(["why", "vlm-interface"], { cwd: dir });
		expect(why.code).toBe(0);
		expect(why.stdout).toBe(
			"vlm-interface 0.1.0\n  hpm-demo → vlm-adapter-qwen → vlm-interface  (chosen: inference=vlm-adapter-qwen)\n",
		);
		expect(JSON.parse(hpm(["why", "Metric_Bleu", "--json"], { cwd: dir }).stdout)).toMatchObject({
			package: "metric-bleu",
			locked: "0.1.0",
			chains: [{ via: "metrics=metric-bleu", path: ["hpm-demo", "metric-bleu"] }],
		});
		expect(hpm(["why", "metric-rouge"], { cwd: dir }).stdout).toContain("choosing metrics=metric-rouge would bring it");
		const none = hpm(["why", "left-pad"], { cwd: dir });
		expect(none.code).toBe(2);
		expect(none.stderr).toContain('"left-pad" is not in uv.lock, and no group offers it');
	});

	it("why-not: each rule a choice would break, with its line; exit 1 when any", () => {
		const dir = copyExample();
		const free = hpm(["why-not", "inference=vlm-adapter-deepseek"], { cwd: dir });
		expect(free.code).toBe(0);
		expect(free.stdout).toContain("nothing in the registry's rules forbids it");
		hpm(["group", "add", "metrics", "-o", "metric-legacy"], { cwd: dir });
		const blocked = hpm(["why-not", "inference=vlm-adapter-deepseek"], { cwd: dir });
		expect(blocked.code).toBe(1);
		expect(blocked.stdout).toContain(
			"inference=vlm-adapter-deepseek conflicts with metrics=metric-legacy  " +
				path.join(dir, "registry/groups/inference.yaml:10:17"),
		);
		// the reverse direction is found too: legacy while deepseek is chosen
		hpm(["group", "remove", "metrics", "-o", "metric-legacy"], { cwd: dir });
		hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], { cwd: dir });
		expect(hpm(["why-not", "metrics=metric-legacy"], { cwd: dir }).stdout).toContain(
			"inference=vlm-adapter-deepseek conflicts with metrics=metric-legacy",
		);
		expect(hpm(["why-not", "metrics"], { cwd: dir }).code).toBe(2);
		expect(hpm(["why-not", "metrics=nope"], { cwd: dir }).stderr).toContain('group "metrics" has no option "nope"');
	});
});
