import { describe, expect, it } from "vitest";
import { makePlan, type PlanEntry, sameRecord } from "../../source/core/plan/plan.js";
import { addBatches } from "../../source/core/plan/uv-record.js";
import { indexCredentialsEnv, sameIndexUrl, uvIndexUrl } from "../../source/core/uv/index-url.js";
import type { IndexDefinition, Registry } from "../../source/core/registry/model.js";
import {
	addKeepsRecorded,
	invalidRequirementReason,
	normalizeVersion,
	parseRequirement,
	sameRequirement,
} from "../../source/core/registry/requirement.js";
import { invalidIndexUrlReason } from "../../source/core/registry/validate.js";
import { redactSecrets } from "../../source/core/base/secrets.js";

describe("index requirements", () => {
	it("reads name, extras and specifiers, normalized as uv writes them", () => {
		expect(parseRequirement("ALPHA.pkg[Extra] >= 0.1, < 0.2")).toEqual({
			name: "alpha-pkg",
			extras: ["extra"],
			clauses: ["<0.2", ">=0.1"],
		});
		expect(parseRequirement("alpha-pkg (>=0.1,<0.2)")).toEqual(parseRequirement("alpha-pkg>=0.1,<0.2"));
	});

	it("normalizes versions as PEP 440 does (as uv records them)", () => {
		expect(normalizeVersion("v0.1")).toBe("0.1");
		expect(normalizeVersion("0.1.0alpha1")).toBe("0.1.0a1");
		expect(normalizeVersion("1.0-post2")).toBe("1.0.post2");
		expect(normalizeVersion("1.0.dev")).toBe("1.0.dev0");
		expect(normalizeVersion("01.02")).toBe("1.2");
		expect(normalizeVersion("0.1.*")).toBe("0.1.*");
		expect(normalizeVersion("1.0RC1")).toBe("1.0rc1");
	});

	it("refuses what hpm never passes to uv, each with the fix", () => {
		expect(invalidRequirementReason("alpha-pkg>=1", "alpha_pkg")).toBeUndefined();
		expect(invalidRequirementReason("beta>=1", "alpha")).toBe(
			'names "beta", not this package "alpha"; write it as "alpha>=1"',
		);
		expect(invalidRequirementReason("alpha @ https://x/a.whl", "alpha")).toMatch(/must not name a URL/);
		expect(invalidRequirementReason("alpha; python_version < '3'", "alpha")).toMatch(/environment markers/);
		expect(invalidRequirementReason("-e alpha", "alpha")).toMatch(/must not start with "-"/);
		expect(invalidRequirementReason("alpha>=1\n--index-url x", "alpha")).toMatch(/control characters/);
		expect(invalidRequirementReason("alpha>=1 # c", "alpha")).toMatch(/"#"/);
		expect(invalidRequirementReason("alpha=>1", "alpha")).toMatch(/version specifier hpm cannot read/);
	});

	it("reads uv's rewriting of a requirement as the same, and a changed specifier as different", () => {
		expect(sameRequirement("alpha-pkg>=0.1,<0.2", "Alpha_Pkg < 0.2, >= v0.1")).toBe(true);
		expect(sameRequirement("alpha-pkg>=0.1.5,<0.2", "alpha-pkg>=0.1,<0.2")).toBe(false);
		expect(sameRequirement("alpha-pkg[x]>=0.1", "alpha-pkg>=0.1")).toBe(false);
		// uv adds a lower bound to a requirement without a specifier
		expect(sameRequirement("alpha-pkg>=1.0.0", "alpha-pkg")).toBe(true);
		expect(sameRequirement("alpha-pkg>=0.1,<0.2", "alpha-pkg")).toBe(false);
		expect(sameRequirement(undefined, "alpha-pkg")).toBe(false);
	});
});

describe("index URLs", () => {
	it("accepts http(s), file:/// and absolute paths; refuses the rest with the reason", () => {
		for (const ok of [
			"https://pypi.internal/simple",
			"http://127.0.0.1:8080/simple/",
			"file:///srv/simple",
			"/srv/simple",
		])
			expect(invalidIndexUrlReason(ok), ok).toBeUndefined();
		expect(invalidIndexUrlReason("-x")).toMatch(/must not start with "-"/);
		expect(invalidIndexUrlReason("https://x/simple\n--extra")).toMatch(/control characters/);
		expect(invalidIndexUrlReason("simple")).toMatch(/an absolute path/);
		expect(invalidIndexUrlReason("HTTP://X/simple")).toMatch(/an absolute path/);
		expect(invalidIndexUrlReason("file://host/simple")).toMatch(/three slashes/);
		expect(invalidIndexUrlReason("https://x/simple#frag")).toMatch(/"#"/);
	});

	it("never shows a password", () => {
		expect(redactSecrets("https://user:secret@x/simple")).toBe("https://***:***@x/simple");
		expect(redactSecrets("https://token@x/simple")).toBe("https://***@x/simple");
		expect(invalidIndexUrlReason("https://u:secret@x/simple two")).not.toContain("secret");
	});

	it("predicts the URL uv records, and compares a recorded one", () => {
		expect(uvIndexUrl("file:///tmp/x/simple")).toBe("/tmp/x/simple");
		expect(uvIndexUrl("file:///tmp/sp%20ace/simple")).toBe("/tmp/sp ace/simple");
		expect(uvIndexUrl("/tmp/x/simple/")).toBe("/tmp/x/simple");
		expect(uvIndexUrl("http://user:pw@LOCALHOST:8080/simple")).toBe("http://localhost:8080/simple");
		expect(sameIndexUrl("/tmp/x/simple", "file:///tmp/x/simple/")).toBe(true);
		expect(sameIndexUrl("/tmp/y/simple", "file:///tmp/x/simple")).toBe(false);
		expect(sameIndexUrl(undefined, "/tmp/x")).toBe(false);
	});

	it("passes credentials to uv as UV_INDEX_<NAME>_USERNAME/PASSWORD", () => {
		expect(indexCredentialsEnv([{ name: "my-index", url: "https://me:p%40ss@x/simple" }])).toEqual({
			UV_INDEX_MY_INDEX_USERNAME: "me",
			UV_INDEX_MY_INDEX_PASSWORD: "p@ss",
		});
		expect(indexCredentialsEnv([{ name: "a", url: "/srv/simple" }])).toEqual({});
	});
});

const internal: IndexDefinition = {
	name: "internal",
	key: "internal",
	url: "file:///srv/simple",
	explicit: false,
	location: { file: "indexes/internal.yaml", line: 1 },
};
const entry = (name: string, index: string | undefined, requirement = `${name}>=1`): PlanEntry => ({
	key: name,
	name,
	groups: ["g"],
	source: { type: "index", requirement, index },
	...(index ? { index: { ...internal, name: index, key: index } } : {}),
});

describe("batching index requirements", () => {
	it("one uv add per declared index with --index; default-index requirements join the plain call", () => {
		const batches = addBatches(
			[
				entry("a", "internal"),
				entry("b", undefined),
				{ key: "c", name: "c", groups: [], source: { type: "local", path: "/p/c", rawPath: "c", editable: false } },
				entry("d", "internal"),
				entry("e", "mirror"),
			],
			"/p",
		);
		expect(batches).toEqual([
			{ ref: undefined, lines: ["b>=1", "./c"] },
			{
				ref: undefined,
				index: { name: "internal", url: "file:///srv/simple", explicit: false },
				lines: ["a>=1", "d>=1"],
			},
			{ ref: undefined, index: { name: "mirror", url: "file:///srv/simple", explicit: false }, lines: ["e>=1"] },
		]);
	});

	it("never batches a source whose index is not declared", () => {
		const { index: _, ...undeclared } = entry("a", "internal");
		expect(() => addBatches([undeclared], "/p")).toThrow(/not declared/);
	});
});

describe("planning index sources", () => {
	const registry = (requirement: string, index: string | undefined): Registry => ({
		root: "/r",
		roots: ["/r"],
		shadowed: [],
		groups: new Map([
			[
				"g",
				{
					name: "g",
					key: "g",
					strategy: "1-of-N",
					description: "",
					options: ["alpha"],
					location: { file: "g" },
					defaults: [],
					required: false,
					constraints: [],
				},
			],
		]),
		packages: new Map([
			[
				"alpha",
				{
					name: "alpha",
					key: "alpha",
					version: "1",
					description: "",
					provides: [],
					location: { file: "alpha.yaml" },
					sources: new Map([["prod", { type: "index", requirement, index }]]),
				},
			],
		]),
		indexes: new Map([["internal", internal]]),
	});
	const state = (dependency: string, sources: Record<string, unknown>, url = "/srv/simple") => ({
		root: "/p",
		dependencies: new Map([["alpha", dependency]]),
		sources: new Map(Object.entries(sources)),
		managed: ["alpha"],
		indexes: new Map([["internal", { url, explicit: false }]]),
	});
	const selection = new Map([["g", ["alpha"]]]);

	it("what uv recorded is unchanged; another specifier, index URL or source is a switch", () => {
		const plan = (req: string, index: string | undefined, s: ReturnType<typeof state>) =>
			makePlan(registry(req, index), selection, "prod", s);
		expect(plan("alpha>=1", "internal", state("alpha>=1", { alpha: { index: "internal" } })).unchanged).toHaveLength(1);
		expect(plan("alpha>=2", "internal", state("alpha>=1", { alpha: { index: "internal" } })).switch).toHaveLength(1);
		expect(
			plan("alpha>=1", "internal", state("alpha>=1", { alpha: { index: "internal" } }, "/elsewhere")).switch,
		).toHaveLength(1);
		expect(plan("alpha>=1", "internal", state("alpha>=1", { alpha: { path: "../a" } })).switch).toHaveLength(1);
		// to the default index: the old source entry must go first
		const toDefault = plan("alpha>=1", undefined, state("alpha>=1", { alpha: { index: "internal" } }));
		expect(toDefault.switch.map((e) => e.dropSource)).toEqual([true]);
		expect(plan("alpha>=1", undefined, state("alpha>=1", {})).unchanged).toHaveLength(1);
	});

	it("a source naming an index the registry does not have is a problem, never a plain requirement", () => {
		const plan = makePlan(registry("alpha>=1", "gone"), selection, "prod", state("alpha>=1", {}));
		expect(plan.problems.map((p) => p.code)).toEqual(["unknown-index"]);
		expect(plan.selected).toEqual([]);
		const entryOf = makePlan(registry("alpha>=1", "internal"), selection, "prod", state("x", {})).selected[0];
		expect(entryOf && sameRecord(state("alpha>=1", { alpha: { index: "internal" } }), entryOf)).toBe(true);
	});
});

describe("addKeepsRecorded", () => {
	it("is true when uv add alone would keep a recorded specifier or extras", () => {
		expect(addKeepsRecorded("alpha-pkg>=0.1,<0.2", "alpha-pkg")).toBe(true);
		expect(addKeepsRecorded("alpha-pkg[cli]>=1", "alpha-pkg>=1")).toBe(true);
		expect(addKeepsRecorded("alpha-pkg[cli,gpu]", "alpha-pkg[cli]")).toBe(true);
		expect(addKeepsRecorded("alpha-pkg>=0.1", "alpha-pkg>=0.2")).toBe(false);
		expect(addKeepsRecorded("alpha-pkg", "alpha-pkg>=0.2")).toBe(false);
		expect(addKeepsRecorded("alpha-pkg", "alpha-pkg[cli]")).toBe(false);
		expect(addKeepsRecorded(undefined, "alpha-pkg")).toBe(false);
		// what hpm cannot read is removed first rather than guessed at
		expect(addKeepsRecorded("alpha-pkg @ https://x/y.whl", "alpha-pkg")).toBe(true);
	});
});
