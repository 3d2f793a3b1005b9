import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { HpmError } from "../../source/core/base/errors.js";
import { makePlan, type ProjectState } from "../../source/core/plan/plan.js";
import { addBatches, requirementLine } from "../../source/core/plan/uv-record.js";
import { loadRegistry } from "../../source/core/registry/load.js";
import type { Registry, Source } from "../../source/core/registry/model.js";
import { snapshot, tempDir } from "../helpers/run.js";

const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,12}$/);
const nastyString = fc.oneof(
	name,
	fc.string(),
	fc.constantFrom("../x", "/etc/passwd", "-rf", "--upload-pack=x", "ext::sh -c id", "a\nb", "", "\u0430bc", "*", "~"),
);
const source = fc.oneof(
	fc.record(
		{ type: fc.constant("local"), path: nastyString, editable: fc.oneof(fc.boolean(), nastyString) },
		{ requiredKeys: ["type"] },
	),
	fc.record(
		{
			type: fc.constant("git"),
			url: nastyString,
			tag: nastyString,
			branch: nastyString,
			rev: nastyString,
			subdirectory: nastyString,
		},
		{ requiredKeys: ["type"] },
	),
	fc.anything(),
);
const manifest = fc.record(
	{
		name: nastyString,
		version: fc.oneof(nastyString, fc.double()),
		description: fc.anything(),
		sources: fc.dictionary(fc.oneof(name, nastyString), source, { maxKeys: 3 }),
	},
	{ requiredKeys: [] },
);
const group = (options: fc.Arbitrary<string>) =>
	fc.record(
		{
			name: nastyString,
			strategy: fc.oneof(fc.constantFrom("1-of-N", "M-of-N"), nastyString),
			description: nastyString,
			options: fc.array(fc.record({ name: options }), { maxLength: 4 }),
		},
		{ requiredKeys: [] },
	);

describe("property: the loader never crashes and never writes", () => {
	it("random manifests and groups load into a registry or into problems, nothing else", () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(name, fc.oneof(manifest, fc.anything())), { maxLength: 4 }),
				fc.array(fc.tuple(name, group(fc.oneof(name, nastyString))), { maxLength: 3 }),
				fc.array(fc.tuple(name, fc.string()), { maxLength: 2 }),
				(packages, groups, raw) => {
					const root = tempDir("hpm-prop-");
					mkdirSync(path.join(root, "packages"));
					mkdirSync(path.join(root, "groups"));
					for (const [file, value] of packages)
						writeFileSync(path.join(root, "packages", `${file}.yaml`), stringify(value) ?? "");
					for (const [file, value] of groups)
						writeFileSync(path.join(root, "groups", `${file}.yaml`), stringify(value) ?? "");
					for (const [file, text] of raw) writeFileSync(path.join(root, "groups", `${file}.yml`), text);
					const before = snapshot(root);
					try {
						const { registry, problems } = loadRegistry(root);
						for (const problem of problems) {
							expect(problem.location?.file.startsWith(root)).toBe(true);
							expect(problem.message.length).toBeGreaterThan(0);
						}
						// whatever loaded is valid: every option names a loaded package
						for (const g of registry.groups.values())
							for (const option of g.options) expect(registry.packages.has(option)).toBe(true);
					} catch (error) {
						expect(error).toBeInstanceOf(HpmError);
					}
					expect(snapshot(root)).toEqual(before);
				},
			),
			{ numRuns: 300 },
		);
	});
});

describe("property: the planner never crashes, never removes what it does not own, and never emits an option", () => {
	const root = "/work/project";
	const registryArb = fc
		.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/), { minLength: 1, maxLength: 8 })
		.chain((keys) =>
			fc.record({
				keys: fc.constant(keys),
				sources: fc.array(
					fc.oneof(
						fc.record({
							type: fc.constant("local" as const),
							path: fc.constantFrom("/work/project/packages/a", "/work/other/b", "/work/project"),
							rawPath: fc.constant("x"),
							editable: fc.boolean(),
						}),
						fc.record({
							type: fc.constant("git" as const),
							url: fc.constantFrom("https://x.org/r.git", "git@host:org/r.git"),
							ref: fc.option(
								fc.record({
									kind: fc.constantFrom("tag" as const, "branch" as const, "rev" as const),
									value: fc.constantFrom("v1", "main"),
								}),
								{ nil: undefined },
							),
							subdirectory: fc.option(fc.constantFrom("sub/dir"), { nil: undefined }),
						}),
					),
					{ minLength: keys.length, maxLength: keys.length },
				),
				groupCount: fc.integer({ min: 1, max: 3 }),
			}),
		);

	it("random registries, selections and project states", () => {
		fc.assert(
			fc.property(
				registryArb,
				fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 10 }),
				fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 6 }),
				fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 6 }),
				({ keys, sources, groupCount }, picks, deps, owned) => {
					const packages = new Map(
						keys.map(
							(key, i) =>
								[
									key,
									{
										name: key,
										key,
										version: "1",
										description: "",
										sources: new Map<string, Source>([
											[
												"prod",
												sources[i] ??
													sources[0] ?? {
														type: "git",
														url: "https://x.org/r.git",
														ref: undefined,
														subdirectory: undefined,
													},
											],
										]),
										provides: [],
										location: { file: "f" },
									},
								] as const,
						),
					);
					const groups = new Map(
						Array.from(
							{ length: groupCount },
							(_, g) =>
								[
									`g${g}`,
									{
										name: `g${g}`,
										key: `g${g}`,
										strategy: g % 2 ? ("M-of-N" as const) : ("1-of-N" as const),
										description: "",
										options: keys.filter((_, i) => i % groupCount === g),
										location: { file: "g" },
										defaults: [],
										required: false,
										constraints: [],
									},
								] as const,
						),
					);
					const registry: Registry = { root: "/r", roots: ["/r"], shadowed: [], groups, packages, indexes: new Map() };
					const selection = new Map<string, string[]>();
					for (const pick of picks) {
						const key = keys[pick % keys.length] ?? "";
						const g = [...groups.values()].find((x) => x.options.includes(key));
						if (g) selection.set(g.key, [...new Set([...(selection.get(g.key) ?? []), key])]);
					}
					const depKeys = deps.map((d) => keys[d % keys.length] ?? "").concat(["user-own"]);
					const state: ProjectState = {
						root,
						dependencies: new Map(depKeys.map((k) => [k, k])),
						sources: new Map(),
						managed: owned.map((o) => keys[o % keys.length] ?? ""),
					};
					const plan = makePlan(registry, selection, "prod", state);
					const added = new Set(plan.add.map((a) => a.key));
					for (const r of plan.remove) {
						expect(state.managed).toContain(r.key); // only what hpm added
						expect(state.dependencies.has(r.key)).toBe(true);
						expect(added.has(r.key)).toBe(false);
					}
					expect(plan.remove.map((r) => r.key)).not.toContain("user-own");
					for (const entry of [...plan.add, ...plan.switch]) {
						const line = requirementLine(entry, root);
						expect(line).not.toMatch(/\n/);
						expect(
							line.startsWith("-")
								? /^-e (\.\.?\/|\/)/.test(line) || line === "-e ."
								: /^(\.\.?\/|\/|\.$|[a-z0-9-]+ @ git\+(https|ssh):\/\/)/.test(line),
						).toBe(true);
					}
					// every addition is in exactly one `uv add`; a call with --tag/--branch holds only git URLs
					const batches = addBatches([...plan.add, ...plan.switch], root);
					expect(batches.flatMap((b) => b.lines)).toHaveLength(plan.add.length + plan.switch.length);
					for (const batch of batches.filter((b) => b.ref)) {
						expect(batch.ref?.kind).not.toBe("rev");
						for (const line of batch.lines) {
							expect(line).toMatch(/^[a-z0-9-]+ @ git\+(https|ssh):\/\//);
							expect(line.replace(/#.*/, "")).not.toMatch(/\/[^/]*@[^/]*$/);
						}
					}
					for (const key of plan.managed)
						expect([...selection.values()].flat().includes(key) || state.managed.includes(key)).toBe(true);
				},
			),
			{ numRuns: 500 },
		);
	});
});
