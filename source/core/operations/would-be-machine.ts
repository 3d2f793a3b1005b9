/**
 * A per-machine group's option in check's would-be project (`check --combination`, `check
 * --matrix`: the group is one more dimension): written as sync writes it, its family as the
 * dependency group `hpm-<group>-<option>` with group-scoped `[tool.uv.sources]` entries (and the
 * family's marker), not as a dependency of the project, so what resolves is what a machine on
 * that option installs. A combination holds one option of the group: the others' entries a synced
 * project has are left out of it.
 */
import { normalizeName } from "../base/names.js";
import { dependencyGroupName } from "../plan/machine-groups.js";
import type { Plan, PlanEntry } from "../plan/plan.js";
import type { Registry } from "../registry/model.js";

/** An entry of a per-machine group: its dependency group and the group's key. */
export type MachineEntry = { readonly dependencyGroup: string; readonly group: string };

/** Package key → its per-machine group's entry, for the plan's entries chosen in such a group. */
export function machineEntries(registry: Registry, plan: Plan): Map<string, MachineEntry> {
	const found = new Map<string, MachineEntry>();
	for (const entry of plan.selected)
		for (const name of entry.groups) {
			const group = registry.groups.get(normalizeName(name));
			if (group?.machine)
				found.set(entry.key, { dependencyGroup: dependencyGroupName(group.key, entry.key), group: group.key });
		}
	return found;
}

type Data = Record<string, unknown>;
const table = (parent: Data, key: string): Data => {
	const value = parent[key];
	if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Data;
	const created: Data = {};
	parent[key] = created;
	return created;
};

/** Writes `entry` of a per-machine group into the would-be project's data, in place. */
export function writeMachineEntry(data: Data, entry: PlanEntry, machine: MachineEntry): void {
	const { source } = entry;
	if (source.type !== "index") return; // refused before: an option of a per-machine group is on an index
	const members = source.family ?? [{ name: entry.key, line: source.requirement.trim() }];
	const groups = table(data, "dependency-groups");
	const uv = table(table(data, "tool"), "uv");
	const prefix = dependencyGroupName(machine.group, "");
	for (const name of Object.keys(groups)) if (name.startsWith(prefix)) delete groups[name];
	const ours = (item: unknown) =>
		typeof item === "object" && item !== null && String((item as Data).group ?? "").startsWith(prefix);
	if (Array.isArray(uv.conflicts)) uv.conflicts = uv.conflicts.filter((set) => !(Array.isArray(set) && set.some(ours)));
	groups[machine.dependencyGroup] = members.map((member) => member.line);
	const sources = table(uv, "sources");
	for (const member of members) {
		for (const name of Object.keys(sources)) if (normalizeName(name) === member.name) delete sources[name];
		if (entry.index)
			sources[member.name] = [
				{
					index: entry.index.name,
					group: machine.dependencyGroup,
					...(source.marker ? { marker: source.marker } : {}),
				},
			];
	}
}
