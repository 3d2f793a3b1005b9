import path from "node:path";
import type { Location, Problem } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import { duplicate } from "./file-names.js";
import { toGroup } from "./group-file.js";
import { issuesToProblems } from "./issues.js";
import type { LayerRoot } from "./location.js";
import type { Constraint, Group, Package, Shadow } from "./model.js";
import { fileStem, listYaml, readYaml } from "./read-yaml.js";
import { checkReferences } from "./references.js";
import { salvageGroup } from "./salvage.js";
import { groupFileSchema } from "./schema.js";

export type LoadedGroups = {
	readonly groups: ReadonlyMap<string, Group>;
	/** Every group file whose name could be read, loaded or not: normalized name → file. */
	readonly groupFiles: ReadonlyMap<string, string>;
	/** What is worth fixing but blocks nothing (a group without options): reported by lint only. */
	readonly lintOnly: readonly Problem[];
};

/**
 * Reads each layer's `groups/*.yaml` (a name an earlier layer defines is that layer's: a later
 * definition is hidden), then checks every rule's `group=option` against all of them.
 */
export function loadGroups(
	layers: readonly LayerRoot[],
	packages: ReadonlyMap<string, Package>,
	broken: ReadonlySet<string>,
	problems: Problem[],
	shadowed: Shadow[],
	overlay: ReadonlyMap<string, string>,
): LoadedGroups {
	const groups = new Map<string, Group>();
	const groupNames = new Map<string, Location>();
	const groupFiles = new Map<string, string>();
	// every group file by its stem, loaded or not: a rule naming a broken group waits for its fix
	const groupStems = new Set<string>();
	const lintOnly: Problem[] = [];
	// every rule of every group file, loaded or not, so that each reference is checked in this pass
	const allRules: { readonly group: string; readonly constraint: Constraint }[] = [];
	const groupLayer = new Map<string, { layer: number; at: Location }>();
	for (const [index, layer] of layers.entries()) {
		for (const file of listYaml(path.join(layer.root, "groups"), problems, overlay)) {
			const stem = fileStem(file);
			const earlier = groupLayer.get(stem);
			if (earlier && earlier.layer < index) {
				shadowed.push({ kind: "group", key: stem, used: earlier.at, hidden: { file } });
				continue;
			}
			groupStems.add(stem);
			const yaml = readYaml(file, problems, layer.root, overlay);
			if (!yaml) {
				groupLayer.set(stem, { layer: index, at: { file } });
				continue;
			}
			const before = problems.length;
			const parsed = groupFileSchema.safeParse(yaml.value);
			if (!parsed.success) problems.push(...issuesToProblems("group", yaml, parsed.error.issues));
			const parts = parsed.success ? { data: parsed.data, whole: true } : salvageGroup(yaml.value, parsed.error.issues);
			const key = parts.data.name === "" ? undefined : normalizeName(parts.data.name);
			const first = key === undefined ? undefined : groupLayer.get(key);
			if (key !== undefined && first && first.layer < index) {
				problems.length = before;
				shadowed.push({ kind: "group", key, used: first.at, hidden: yaml.locate(["name"]) });
				continue;
			}
			const group = toGroup(yaml, parts.data, packages, broken, problems, lintOnly, allRules);
			if (parts.data.name !== "" && invalidNameReason(parts.data.name) === undefined) {
				const nameKey = normalizeName(parts.data.name);
				if (!groupFiles.has(nameKey)) groupFiles.set(nameKey, file);
				const same = groupNames.get(nameKey);
				if (same) problems.push(duplicate("group", parts.data.name, yaml.locate(["name"]), same));
				else groupNames.set(nameKey, yaml.locate(["name"]));
				if (!groupLayer.has(nameKey)) groupLayer.set(nameKey, { layer: index, at: yaml.locate(["name"]) });
			}
			if (!groupLayer.has(stem)) groupLayer.set(stem, { layer: index, at: yaml.locate(["name"]) });
			if (!group || !parts.whole || problems.length > before) continue;
			groups.set(group.key, group);
		}
	}
	checkReferences(groups, allRules, new Set([...groupFiles.keys(), ...groupStems]), broken, problems, lintOnly);
	return { groups, groupFiles, lintOnly };
}
