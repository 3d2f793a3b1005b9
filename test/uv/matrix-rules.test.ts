import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { addConflict, type ConflictRule } from "../../source/core/operations/registry/conflict-rules.js";
import { copyExample, hpm, tempDir } from "../helpers/run.js";
import { uvEnv, uvSpy } from "../helpers/uv.js";

const rule = (option: string, target: string): ConflictRule => ({
	file: "groups/g.yaml",
	group: "g",
	option,
	target,
	reason: "uv says no",
	line: `conflicts: ["${target}"]  # found by hpm: uv says no`,
});

describe("what the matrix proved, kept as registry rules", () => {
	it("--print-rules shows the conflict uv proved as a conflicts: line; --write-rules writes it (one line, nothing else changes); a later check refuses the pair from the rules before uv runs", () => {
		const dir = copyExample();
		const env = { ...uvEnv(), HPM_CACHE_DIR: tempDir("hpm-rules-cache-") };
		const file = path.join(dir, "registry/groups/inference.yaml");
		const before = readFileSync(file, "utf8");

		const printed = hpm(["check", "--matrix", "--print-rules"], { cwd: dir, env });
		expect(printed.code, printed.stderr).toBe(1);
		expect(printed.stdout).toContain(`${file}, option vlm-adapter-qwen:`);
		expect(printed.stdout).toMatch(
			/^ {4}conflicts: \["metrics=metric-legacy"\] {2}# found by hpm: inference=vlm-adapter-qwen conflicts with metrics=metric-legacy: metric-legacy needs vlm-interface<0.1/m,
		);
		// printing writes nothing
		expect(readFileSync(file, "utf8")).toBe(before);

		const json = hpm(["check", "--matrix", "--write-rules", "--json"], { cwd: dir, env });
		const rules = (JSON.parse(json.stdout) as { rules: { file: string; conflicts: string; written: boolean }[] }).rules;
		expect(rules).toEqual([
			expect.objectContaining({ file, option: "vlm-adapter-qwen", conflicts: "metrics=metric-legacy", written: true }),
		]);
		const after = readFileSync(file, "utf8").split("\n");
		const added = after.findIndex((line) => line.includes("found by hpm"));
		expect(after[added]).toMatch(/^ {4}conflicts: \["metrics=metric-legacy"\] {2}# found by hpm: /);
		expect(after[added - 1]).toBe('  - name: "vlm-adapter-qwen"');
		expect([...after.slice(0, added), ...after.slice(added + 1)].join("\n")).toBe(before);
		expect(hpm(["registry", "lint"], { cwd: dir, env }).code).toBe(0);

		// the matrix now plans around the rule; a check of a project choosing both fails from the rules, uv never locks
		const again = hpm(["check", "--matrix", "--write-rules"], { cwd: dir, env });
		expect(again.code, again.stdout).toBe(0);
		expect(again.stdout).toMatch(
			/inference=vlm-adapter-qwen \+ metrics=metric-legacy\s+declared\s+a rule: groups\/inference\.yaml:9/,
		);
		expect(again.stdout).toContain("no new registry rules");
		expect(hpm(["group", "add", "metrics", "--option", "metric-legacy"], { cwd: dir, env }).code).toBe(0);
		const spy = uvSpy();
		const check = hpm(["check", "--json"], { cwd: dir, env: { ...env, ...spy.env } });
		expect(check.code).toBe(1);
		const problems = (JSON.parse(check.stdout) as { problems: { code: string; choices?: string[] }[] }).problems;
		expect(problems).toContainEqual(
			expect.objectContaining({
				code: "constraint-conflicts",
				choices: ["inference=vlm-adapter-qwen", "metrics=metric-legacy"],
			}),
		);
		expect(spy.calls().filter((args) => args[0] === "lock")).toEqual([]);
	}, 180_000);

	it("an option that states conflicts already gets one more item, in a flow or a block list; the rest of the file stays", () => {
		const flow =
			'name: "g"\nstrategy: "1-of-N"\noptions:\n  - name: "a"\n    conflicts: ["h=x"]   # by hand\n  - name: "b"\n';
		expect(addConflict(flow, rule("a", "h=y"), "g.yaml")).toBe(
			'name: "g"\nstrategy: "1-of-N"\noptions:\n  - name: "a"\n    conflicts: ["h=x", "h=y"]   # by hand\n  - name: "b"\n',
		);
		const block = 'options:\n  - name: "a"\n    conflicts:\n      - "h=x"\n  - name: "b"\n';
		expect(addConflict(block, rule("a", "h=y"), "g.yaml")).toBe(
			'options:\n  - name: "a"\n    conflicts:\n      - "h=x"\n      - "h=y"  # found by hpm: uv says no\n  - name: "b"\n',
		);
		const last = 'options:\n  - name: "a"\n  - name: "b"   # the last one\n';
		expect(addConflict(last, rule("b", "h=y"), "g.yaml")).toBe(
			'options:\n  - name: "a"\n  - name: "b"   # the last one\n    conflicts: ["h=y"]  # found by hpm: uv says no\n',
		);
		expect(() => addConflict('options:\n  - {name: "a"}\n', rule("a", "h=y"), "g.yaml")).toThrow(
			/could not add a rule to g\.yaml safely/,
		);
	});
});
