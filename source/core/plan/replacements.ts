/**
 * Providers that replace each other across the graph: a chosen option that `replaces:` a
 * distribution (headless OpenCV for `opencv-python`) keeps it out of the lock even when a
 * third-party package requires it. uv's `[tool.uv] exclude-dependencies` does that in a universal
 * lock (measured with uv 0.13.10; an `override-dependencies` entry with a marker that never holds
 * does not: the universal resolver still asks for a version of it). hpm owns exactly the entries
 * it wrote there, recorded in `[tool.hpm] excluded` as it records its dependencies in `managed`.
 */
import type { Location, Problem } from "../base/errors.js";
import { normalizeName, requirementName } from "../base/names.js";
import type { Registry } from "../registry/model.js";
import type { TomlEdit } from "../project/toml-edit.js";
import type { Selection } from "./selection.js";

/** A distribution the chosen options stand in for, and the group=option choices that replace it. */
export type Replacement = { readonly key: string; readonly by: readonly string[] };

/** Every distribution the chosen options replace, in the registry's order, each once. */
export function chosenReplacements(registry: Registry, selection: Selection): Replacement[] {
	const by = new Map<string, string[]>();
	for (const group of registry.groups.values())
		for (const option of selection.get(group.key) ?? []) {
			const pkg = registry.packages.get(option);
			for (const key of pkg?.replaces ?? []) by.set(key, [...(by.get(key) ?? []), `${group.name}=${pkg?.name}`]);
		}
	return [...by].map(([key, choices]) => ({ key, by: choices }));
}

/**
 * A choice that includes what another choice replaces: the lock would leave the chosen package out
 * (uv excludes it from the whole graph), so the two are a conflict said in group=option terms.
 */
export function replacementProblems(
	registry: Registry,
	selection: Selection,
	replacements: readonly Replacement[],
	/** The project's own dependencies (not hpm's): one that is replaced would silently leave the lock. */
	own: ReadonlyMap<string, string> = new Map(),
): Problem[] {
	const problems: Problem[] = [];
	for (const { key, by } of replacements) {
		const written = own.get(key);
		if (written !== undefined)
			problems.push({
				code: "constraint-conflicts",
				choices: [...by],
				message: `${by.join(", ")} replaces ${key}, which the project itself depends on (${written}); remove that dependency (\`uv remove ${key}\`) or choose another option`,
				...locationOf(registry, by),
			});
		for (const group of registry.groups.values()) {
			// a chosen option whose distributions (its requirement's, its family's) include the replaced one
			const option = (selection.get(group.key) ?? []).find((chosen) => installedBy(registry, chosen).includes(key));
			if (option === undefined) continue;
			const chosen = `${group.name}=${registry.packages.get(option)?.name ?? option}`;
			problems.push({
				code: "constraint-conflicts",
				choices: [...by, chosen],
				message: `${by.join(", ")} replaces ${chosen} (its manifest's \`replaces:\`); choose one of them`,
				...locationOf(registry, by),
			});
		}
	}
	return problems;
}

/** The normalized distributions option `key` installs: its own, its index requirement's, its family's. */
function installedBy(registry: Registry, key: string): string[] {
	const names = new Set([key]);
	for (const source of registry.packages.get(key)?.sources.values() ?? []) {
		if (source.type !== "index") continue;
		names.add(normalizeName(requirementName(source.requirement) ?? key));
		for (const member of source.family ?? []) names.add(member.name);
	}
	return [...names];
}

/**
 * The person's requirements outside `[project.dependencies]`, normalized name → how a message
 * shows it: `[project.optional-dependencies]` extras and `[dependency-groups]` (not those hpm owns).
 */
export function declaredElsewhere(data: Record<string, unknown>): Map<string, string> {
	const owned = asTable(asTable(data.tool).hpm)["uv-owned"];
	const ours = new Set(isStrings(owned) ? owned : []);
	const declared = new Map<string, string>();
	const read = (lists: Record<string, unknown>, where: string, skip: (name: string) => boolean) => {
		for (const [name, list] of Object.entries(lists))
			for (const item of skip(name) || !Array.isArray(list) ? [] : (list as unknown[])) {
				const dependency = typeof item === "string" ? requirementName(item) : undefined;
				if (dependency && !declared.has(normalizeName(dependency)))
					declared.set(normalizeName(dependency), `"${item as string}" in ${where} ${name}`);
			}
	};
	read(asTable(asTable(data.project)["optional-dependencies"]), "[project.optional-dependencies]", () => false);
	read(asTable(data["dependency-groups"]), "[dependency-groups]", (name) => ours.has(`dependency-groups.${name}`));
	return declared;
}

/** The project's own requirements (not hpm's), each as a message shows it: one a choice replaces would silently leave the lock. */
export function ownRequirements(state: {
	readonly dependencies: ReadonlyMap<string, string>;
	readonly managed: readonly string[];
	readonly declared?: ReadonlyMap<string, string> | undefined;
}): Map<string, string> {
	const own = new Map(state.declared ?? []);
	for (const [key, line] of state.dependencies) if (!state.managed.includes(key)) own.set(key, `"${line}"`);
	return own;
}

/** Where the first replacing option's manifest is, for a problem about it. */
function locationOf(registry: Registry, by: readonly string[]): { location?: Location } {
	const replacing = registry.packages.get(normalizeName(by[0]?.split("=")[1] ?? ""));
	return replacing ? { location: replacing.location } : {};
}

/** `[tool.uv] exclude-dependencies` as a list of strings, and the entries of it hpm owns. */
export type ExclusionRecord = {
	/** The list as written; undefined: no key. */
	readonly list: readonly string[] | undefined;
	/** `[tool.hpm] excluded`: normalized, sorted. */
	readonly owned: readonly string[];
	/** The key holds something else than a list of strings: uv refuses it, and hpm does not write over it. */
	readonly unusable?: true;
};

/**
 * The two writes of a change: `staged` before uv runs (hpm's new entries added, none removed, so
 * no intermediate lock asks for a distribution on its way out or back in), `final` once uv has
 * done its edits (the entries no longer wanted removed; a `uv sync` then re-locks).
 */
export type Exclusions = {
	readonly now: ExclusionRecord;
	readonly staged: ExclusionRecord;
	readonly final: ExclusionRecord;
};

/**
 * What hpm writes so that exactly `wanted` (normalized names) are excluded by its own entries.
 * Entries the person wrote stay as written, where written; an entry hpm recorded that the person
 * removed by hand is forgotten; a wanted name the person already excludes stays theirs.
 */
export function planExclusions(now: ExclusionRecord, wanted: readonly string[]): Exclusions {
	if (now.unusable) return { now, staged: now, final: now };
	const list = now.list ?? [];
	const present = new Set(list.map(normalizeName));
	const owned = now.owned.filter((key) => present.has(key));
	const adding = wanted.filter((key) => !present.has(key));
	const dropping = new Set(owned.filter((key) => !wanted.includes(key)));
	const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort();
	const stagedList = [...list, ...adding];
	const finalList = stagedList.filter((entry) => !dropping.has(normalizeName(entry)));
	const orNone = (entries: readonly string[], base: readonly string[] | undefined) =>
		entries.length === 0 && base === undefined ? undefined : entries;
	return {
		now,
		staged: { list: orNone(stagedList, now.list), owned: sorted([...owned, ...adding]) },
		final: {
			list: finalList.length === 0 && dropping.size > 0 ? undefined : orNone(finalList, now.list),
			owned: sorted([...owned, ...adding].filter((key) => !dropping.has(key))),
		},
	};
}

/** Whether two records differ (what a write would change). */
export function exclusionsDiffer(a: ExclusionRecord, b: ExclusionRecord): boolean {
	return (
		!sameList(a.list ?? [], b.list ?? []) ||
		(a.list === undefined) !== (b.list === undefined) ||
		!sameList(a.owned, b.owned)
	);
}

/** The pyproject.toml edits that write a record: `[tool.uv] exclude-dependencies` and `[tool.hpm] excluded`. */
export function exclusionEdits(record: ExclusionRecord): TomlEdit[] {
	return [
		{ path: ["tool", "uv", "exclude-dependencies"], value: record.list },
		{ path: ["tool", "hpm", "excluded"], value: record.owned.length > 0 ? record.owned : undefined },
	];
}

/** `[tool.uv] exclude-dependencies` and `[tool.hpm] excluded` as read from pyproject.toml's data. */
export function exclusionRecord(data: Record<string, unknown>): ExclusionRecord {
	const tool = asTable(data.tool);
	const list = asTable(tool.uv)["exclude-dependencies"];
	const owned = asTable(tool.hpm).excluded;
	return {
		list: isStrings(list) ? list : undefined,
		...(list !== undefined && !isStrings(list) ? { unusable: true as const } : {}),
		owned: isStrings(owned) ? [...new Set(owned.map(normalizeName))].sort() : [],
	};
}

const isStrings = (value: unknown): value is string[] =>
	Array.isArray(value) && value.every((item) => typeof item === "string");

function asTable(value: unknown): Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}
