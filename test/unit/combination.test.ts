import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { relativePylock, relativeRequirements } from "../../source/core/operations/export.js";
import { combinationEdits, formatCombination, parseCombination } from "../../source/core/plan/combination.js";
import { readProject } from "../../source/core/project/project.js";
import { memoryGroup, memoryRegistry } from "../helpers/memory-registry.js";
import { tempDir } from "../helpers/run.js";

const registry = memoryRegistry([
	memoryGroup("inference", "1-of-N", ["qwen", "deepseek"], { required: false }),
	memoryGroup("metrics", "M-of-N", ["bleu", "rouge"]),
]);

function project(groups: string) {
	const file = path.join(tempDir("hpm-combination-"), "pyproject.toml");
	writeFileSync(file, `[project]\nname = "p"\nversion = "0"\n\n[tool.hpm.groups]\n${groups}`);
	return readProject(file);
}

describe("a combination (check, sync and export --combination)", () => {
	it("the combination that chooses nothing is written `none` and reads back as no choice", () => {
		const none = parseCombination(registry, "none");
		expect(none.size).toBe(0);
		expect(formatCombination(registry, none)).toBe("none");
	});

	it('an empty --combination (an unset $HPM_COMBINATION in CI) is refused, not read as "choose nothing"', () => {
		for (const text of ["", "  "])
			expect(() => parseCombination(registry, text)).toThrow(
				expect.objectContaining({
					code: "usage",
					message: `--combination "${text}" names no choice; to choose nothing write --combination none`,
				}),
			);
	});

	it("an option named twice is refused, and an unknown option is said as it was written", () => {
		expect(() => parseCombination(registry, "metrics=bleu+bleu")).toThrow(
			expect.objectContaining({ code: "usage", message: "--combination names metrics=bleu twice" }),
		);
		expect(() => parseCombination(registry, "metrics=BLEU+bleu")).toThrow(
			expect.objectContaining({ message: "--combination names metrics=bleu twice" }),
		);
		expect(() => parseCombination(registry, "inference=../../etc")).toThrow(
			expect.objectContaining({ message: '--combination: group "inference" has no option "../../etc"' }),
		);
	});

	it("sync --combination: the groups it names are written, every other entry of [tool.hpm.groups] goes", () => {
		const own = project('inference = "qwen"\nmetrics = ["bleu"]\nold-group = "x"\n');
		expect(combinationEdits(registry, own, parseCombination(registry, "metrics=rouge+bleu"))).toEqual([
			{ path: ["tool", "hpm", "groups", "inference"], value: undefined },
			{ path: ["tool", "hpm", "groups", "old-group"], value: undefined },
			{ path: ["tool", "hpm", "groups", "metrics"], value: ["rouge", "bleu"] },
		]);
		// the same choice, in another order: nothing to write
		const same = project('inference = "deepseek"\nmetrics = ["rouge", "bleu"]\n');
		expect(
			combinationEdits(registry, same, parseCombination(registry, "metrics=bleu+rouge,inference=deepseek")),
		).toEqual([]);
	});
});

describe("export: paths from the scratch copy, as uv writes them in place", () => {
	const scratch = "/tmp/hpm-export-1-abc";
	const real = (p: string) => {
		const at = path.resolve(scratch, p);
		return at === scratch || at.startsWith(`${scratch}/`) ? path.join("/work/app", path.relative(scratch, at)) : at;
	};

	it("a requirements file's local lines become relative to the project; index lines and comments stay", () => {
		const text = [
			"file:///work/app/packages/a",
			"    # via p",
			"-e ../../work/libs/b",
			"c @ file:///work/app/wheels/c-1.0-py3-none-any.whl \\",
			"    --hash=sha256:00",
			"d==1.0 \\",
			"    --hash=sha256:11",
			".",
		].join("\n");
		expect(relativeRequirements(text, real, "/work/app").split("\n")).toEqual([
			"./packages/a",
			"    # via p",
			"-e ../libs/b",
			"c @ ./wheels/c-1.0-py3-none-any.whl \\",
			"    --hash=sha256:00",
			"d==1.0 \\",
			"    --hash=sha256:11",
			".",
		]);
	});

	it("a pylock.toml's paths become relative to the folder it is written to", () => {
		const text = 'directory = { path = "/work/app/packages/a", editable = false }\nwheels = [{ path = "sub/w.whl" }]\n';
		expect(relativePylock(text, real, "/work/app/image")).toBe(
			'directory = { path = "../packages/a", editable = false }\nwheels = [{ path = "../sub/w.whl" }]\n',
		);
	});
});
