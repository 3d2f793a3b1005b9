import path from "node:path";
import { describe, expect, it } from "vitest";
import { readProject } from "../../source/core/project/project.js";
import { loadRegistryStrict } from "../../source/core/registry/load.js";
import { search } from "../../source/core/plan/search.js";
import { addToGroup, removeFromGroup, resolveSelection } from "../../source/core/plan/selection.js";
import { EXAMPLE } from "../helpers/run.js";

const registry = loadRegistryStrict(path.join(EXAMPLE, "registry"));
const project = readProject(path.join(EXAMPLE, "pyproject.toml"));

describe("the example registry model", () => {
	it("resolves local paths against the manifest's folder and normalizes names", () => {
		const qwen = registry.packages.get("vlm-adapter-qwen");
		expect(qwen?.sources.get("dev")).toMatchObject({
			type: "local",
			rawPath: "../../packages/vlm_adapter_qwen",
			path: path.join(EXAMPLE, "packages/vlm_adapter_qwen"),
			editable: true,
		});
		expect(registry.groups.get("inference")?.options).toEqual(["vlm-adapter-qwen", "vlm-adapter-deepseek"]);
	});

	it("reads the project's selection", () => {
		const { selection, problems } = resolveSelection(registry, project);
		expect(problems).toEqual([]);
		expect(Object.fromEntries(selection)).toEqual({
			inference: ["vlm-adapter-qwen"],
			metrics: ["metric-bleu"],
		});
	});
});

describe("group edits (pure)", () => {
	it("1-of-N replaces and says what it replaced", () => {
		const change = addToGroup(registry, project, "Inference", ["vlm_adapter_deepseek"]);
		expect(change).toEqual({
			edit: { path: ["tool", "hpm", "groups", "inference"], value: "vlm-adapter-deepseek" },
			message: "inference: switched from vlm-adapter-qwen to vlm-adapter-deepseek",
			changed: true,
		});
	});
	it("1-of-N with the same choice changes nothing", () => {
		expect(addToGroup(registry, project, "inference", ["VLM.Adapter.Qwen"]).changed).toBe(false);
	});
	it("M-of-N adds without duplicates", () => {
		const change = addToGroup(registry, project, "metrics", ["metric-rouge", "Metric_Bleu", "metric-rouge"]);
		expect(change.edit.value).toEqual(["metric-bleu", "metric-rouge"]);
	});
	it("removing the last M-of-N option drops the key", () => {
		expect(removeFromGroup(registry, project, "metrics", "metric-bleu").edit.value).toBeUndefined();
	});
});

describe("search ranking", () => {
	it("puts an exact name before prefixes, substrings and descriptions", () => {
		expect(search(registry, "metric-bleu").map((r) => r.name)).toEqual(["metric-bleu"]);
		expect(search(registry, "METRIC").map((r) => r.name)).toEqual([
			"metrics",
			"metric-bleu",
			"metric-rouge",
			"metric-legacy",
		]);
		expect(search(registry, "qwen").map((r) => r.name)).toEqual(["vlm-adapter-qwen"]);
		expect(search(registry, "  ")).toEqual([]);
	});
});
