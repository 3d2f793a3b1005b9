import type { Group, Package, Registry } from "../../source/core/registry/model.js";

/** A group of `options` (package keys), in memory, as the loader makes one. */
export function memoryGroup(
	name: string,
	strategy: "1-of-N" | "M-of-N",
	options: readonly string[],
	more: Partial<Group> = {},
): Group {
	return {
		name,
		key: name,
		strategy,
		description: "",
		options,
		location: { file: name },
		defaults: [],
		required: strategy === "1-of-N",
		constraints: [],
		...more,
	};
}

/** A registry in memory holding `groups` and a package for each of their options. */
export function memoryRegistry(groups: readonly Group[]): Registry {
	const packages = new Map<string, Package>();
	for (const group of groups)
		for (const key of group.options)
			packages.set(key, {
				name: key,
				key,
				version: "1",
				description: "",
				sources: new Map(),
				provides: [],
				location: { file: key },
			});
	return {
		root: "/r",
		roots: ["/r"],
		shadowed: [],
		groups: new Map(groups.map((group) => [group.key, group])),
		packages,
		indexes: new Map(),
	};
}
