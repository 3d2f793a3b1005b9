/**
 * Per-machine groups (`machine: true`): what hpm writes so that ONE committed pyproject.toml and
 * ONE universal uv.lock cover every option, whichever a machine uses (measured with uv 0.13.10):
 * each option's family as a dependency group `hpm-<group>-<option>`, the groups of one machine group
 * as one `[tool.uv] conflicts` set, a `[tool.uv.sources]` entry per distribution with a `group`
 * (and the family's `marker`) per option on a declared index, and that index's explicit table.
 * Which option a machine installs is `uv sync --group hpm-<group>-<option>`.
 */
import type { Problem } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import type { MachineChoice } from "../project/machine-choice.js";
import type { TomlData } from "../project/toml-edit.js";
import type { FamilyMember, Registry } from "../registry/model.js";
import { markedLine, parseRequirement } from "../registry/requirement.js";

/** The dependency group that holds one option's family. */
export const dependencyGroupName = (group: string, option: string): string => `hpm-${group}-${option}`;

/** The `[tool.uv]` entries hpm owns for the project's per-machine groups. */
export type MachineRecord = {
	/** `[dependency-groups]` name → its requirement lines (canonical, from the parsed form). */
	readonly dependencyGroups: ReadonlyMap<string, readonly string[]>;
	/** `[tool.uv.sources]` distribution → one entry per option on a declared index. */
	readonly sources: ReadonlyMap<string, readonly { readonly [key: string]: TomlData }[]>;
	/** One `[tool.uv] conflicts` set per machine group (of two options or more). */
	readonly conflicts: readonly (readonly { readonly group: string }[])[];
	/** `[[tool.uv.index]]` tables, explicit: only what is pinned to them comes from them. */
	readonly indexes: readonly { readonly name: string; readonly url: string; readonly explicit: true }[];
};

/** The record of `groupKeys` (the project's `[tool.hpm] machine-groups`) in `mode`, and what stops it. */
export function machineRecord(
	registry: Registry,
	groupKeys: readonly string[],
	mode: string,
): { readonly record: MachineRecord; readonly problems: Problem[] } {
	const dependencyGroups = new Map<string, string[]>();
	const sources = new Map<string, { [key: string]: TomlData }[]>();
	const conflicts: { group: string }[][] = [];
	const indexes = new Map<string, { name: string; url: string; explicit: true }>();
	const problems: Problem[] = [];
	for (const key of groupKeys) {
		const group = registry.groups.get(normalizeName(key));
		if (!group?.machine) {
			problems.push({
				code: "unknown-group",
				message: `[tool.hpm] machine-groups names "${key}", which is no per-machine group of the registry (machine: true)`,
				groups: [key],
			});
			continue;
		}
		const set: { group: string }[] = [];
		for (const option of group.options) {
			const pkg = registry.packages.get(option);
			const source = pkg?.sources.get(mode);
			if (!pkg || source?.type !== "index") {
				problems.push({
					code: "unknown-option",
					choices: [`${group.name}=${option}`],
					message: `${group.name}=${option} has no index source for mode ${mode}: an option of a per-machine group is a requirement (and its family) on an index`,
					...(pkg ? { location: pkg.location } : {}),
				});
				continue;
			}
			const name = dependencyGroupName(group.key, option);
			set.push({ group: name });
			const members = source.family ?? alone(source.requirement);
			dependencyGroups.set(
				name,
				members.map((member) => member.line),
			);
			const index = source.index === undefined ? undefined : registry.indexes.get(source.index);
			if (!index) continue;
			indexes.set(index.key, { name: index.name, url: index.url, explicit: true });
			for (const member of members) {
				const entry = { index: index.name, group: name, ...(source.marker ? { marker: source.marker } : {}) };
				sources.set(member.name, [...(sources.get(member.name) ?? []), entry]);
			}
		}
		if (set.length > 1) conflicts.push(set);
	}
	return { record: { dependencyGroups, sources, conflicts, indexes: [...indexes.values()] }, problems };
}

/** An option without `family:`: its one requirement, named and written from the parsed form (checked at load). */
function alone(requirement: string): FamilyMember[] {
	const parsed = parseRequirement(requirement);
	return typeof parsed === "string" ? [] : [{ name: parsed.name, line: markedLine(parsed, undefined) }];
}

/**
 * Each machine group's option on this machine: forced (`--machine-choice`, HPM_MACHINE_CHOICE),
 * else `.hpm/machine.toml`, else the group's default; a group with none installs no option.
 */
export function machineChoices(
	registry: Registry,
	groupKeys: readonly string[],
	local: ReadonlyMap<string, MachineChoice>,
	forced: ReadonlyMap<string, string>,
): { readonly chosen: ReadonlyMap<string, string>; readonly problems: Problem[] } {
	const chosen = new Map<string, string>();
	const problems: Problem[] = [];
	for (const key of groupKeys) {
		const group = registry.groups.get(normalizeName(key));
		if (!group) continue;
		const option = forced.get(group.key) ?? local.get(group.key)?.option ?? group.defaults[0];
		if (option === undefined) continue;
		if (!group.options.includes(option)) {
			problems.push({
				code: "unknown-option",
				groups: [group.name],
				message: `this machine's choice "${option}" is not an option of group "${group.name}" (choose from: ${group.options.join(", ")})`,
			});
			continue;
		}
		chosen.set(group.key, option);
	}
	for (const key of forced.keys())
		if (!groupKeys.includes(key))
			problems.push({
				code: "unknown-group",
				groups: [key],
				message: `a forced machine choice names "${key}", which is not a per-machine group of this project`,
			});
	return { chosen, problems };
}

/** `--group hpm-<group>-<option>` for each chosen option: what `uv sync` and `uv run` are given. */
export function groupArgs(chosen: ReadonlyMap<string, string>): string[] {
	return [...chosen].flatMap(([group, option]) => ["--group", dependencyGroupName(group, option)]);
}
