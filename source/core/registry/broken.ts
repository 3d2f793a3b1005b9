import path from "node:path";
import type { Problem } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import type { Registry } from "./model.js";
import { namedIndex } from "./source-kinds.js";

/**
 * The problem that keeps a group or package out of the registry: the first problem located in
 * `<registry>/<kind>/<name>.yaml` (names compared PEP 503-normalized), if that file is broken.
 */
export function brokenFile(
	registry: Registry,
	problems: readonly Problem[],
	kind: "groups" | "packages",
	name: string,
): Problem | undefined {
	const folders = registry.roots.map((root) => path.join(root, kind));
	const key = normalizeName(name);
	return problems.find((problem) => {
		const file = problem.location?.file;
		if (!file || !folders.includes(path.dirname(file))) return false;
		return normalizeName(path.basename(file).replace(/\.ya?ml$/, "")) === key;
	});
}

/**
 * Whether a registry problem matters to a selection: it sits in the file of a selected group or
 * package, or in a file named after one (a second definition of a selected package is as much
 * its problem as its own file's), or in the file of an index a selected package's source names.
 */
export function concernsSelection(
	registry: Registry,
	selection: ReadonlyMap<string, readonly string[]>,
): (problem: Problem) => boolean {
	const files = new Set<string>();
	const keys = { groups: new Set<string>(), packages: new Set<string>(), indexes: new Set<string>() };
	for (const [groupKey, packageKeys] of selection) {
		keys.groups.add(groupKey);
		const group = registry.groups.get(groupKey);
		if (group) files.add(group.location.file);
		for (const key of packageKeys) {
			keys.packages.add(key);
			const pkg = registry.packages.get(key);
			if (pkg) files.add(pkg.location.file);
			for (const source of pkg?.sources.values() ?? []) {
				const index = namedIndex(source)?.name;
				if (index) keys.indexes.add(index);
			}
		}
	}
	return (problem) => {
		const file = problem.location?.file;
		if (!file) return false;
		if (files.has(file)) return true;
		const kind = path.basename(path.dirname(file));
		const stem = normalizeName(path.basename(file).replace(/\.ya?ml$/, ""));
		return registry.roots.includes(path.dirname(path.dirname(file))) &&
			(kind === "groups" || kind === "packages" || kind === "indexes")
			? keys[kind].has(stem)
			: false;
	};
}

/**
 * The problems that leave a group out of the registry, or an option out of its group (a group
 * file that does not load, a listed option whose manifest does not): what every combination of a
 * matrix would silently lack.
 */
export function groupProblems(registry: Registry, problems: readonly Problem[]): Problem[] {
	const folders = registry.roots.map((root) => path.join(root, "groups"));
	const unloaded = [...registry.groups.values()].flatMap((group) => group.unloaded ?? []);
	return problems.filter((problem) => {
		const file = problem.location?.file;
		if (file && folders.includes(path.dirname(file))) return true;
		return unloaded.some((name) => brokenFile(registry, [problem], "packages", name) !== undefined);
	});
}
