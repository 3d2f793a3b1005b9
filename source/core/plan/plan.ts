import type { Problem } from "../base/errors.js";
import { normalizeName, requirementName } from "../base/names.js";
import { indexCredentialsEnv, sameIndexUrl } from "../uv/index-url.js";
import { gitCredentialEnv } from "../base/secrets.js";
import type { IndexDefinition, Package, Registry, Source } from "../registry/model.js";
import { namedIndex } from "../registry/source-kinds.js";
import { addKeepsRecorded, sameRequirement } from "../registry/requirement.js";
import type { Selection } from "./selection.js";
import {
	chosenReplacements,
	exclusionRecord,
	type ExclusionRecord,
	type Exclusions,
	exclusionsDiffer,
	planExclusions,
	type Replacement,
	replacementProblems,
	declaredElsewhere,
	ownRequirements,
} from "./replacements.js";
import { gitUrl, describeRecordedSource, sameSource } from "./uv-record.js";

// operations/check.ts and operations/sync.ts read these here (they moved to uv-record.ts)

export type PlanEntry = {
	readonly key: string;
	readonly name: string;
	/** The group(s) that selected it, for messages such as `inference=vlm-adapter-qwen`. */
	readonly groups: readonly string[];
	readonly source: Source;
	/** For a switch: the source the project has now, as `[tool.uv.sources]` records it (`path packages/x`). */
	readonly was?: string;
	/** For an index source that names an index: its definition. */
	readonly index?: IndexDefinition | undefined;
	/**
	 * For a switch `uv add` alone cannot make: the project's record must go first (`uv add` of a
	 * plain requirement keeps a `[tool.uv.sources]` entry, and a recorded specifier or extras the
	 * new requirement does not have; measured with uv 0.13.9).
	 */
	readonly dropSource?: boolean;
};

export type Plan = {
	/** The project's folder: local paths in messages are relative to it. */
	readonly root: string;
	readonly mode: string;
	/** Selected, not yet a dependency. */
	readonly add: readonly PlanEntry[];
	/** A dependency hpm added whose source differs for this mode (e.g. prod git → dev path). */
	readonly switch: readonly PlanEntry[];
	/** Dependencies hpm added that are no longer selected. Never a dependency the user added. */
	readonly remove: readonly { readonly key: string; readonly name: string }[];
	/** Selected and already a dependency with the right source (or one the user owns). */
	readonly unchanged: readonly { readonly key: string; readonly name: string }[];
	/** Every selected package with its source: what the project depends on through hpm after the plan. */
	readonly selected: readonly PlanEntry[];
	/** The `[tool.hpm] managed` list after the plan. */
	readonly managed: readonly string[];
	/** What the chosen options replace (`replaces:`), and who replaces it. */
	readonly replacements?: readonly Replacement[];
	/** `[tool.uv] exclude-dependencies` now, while uv runs, and after (hpm's own entries only). */
	readonly exclusions?: Exclusions;
	readonly problems: readonly Problem[];
};

/** What the project currently has, read from pyproject.toml. */
export type ProjectState = {
	readonly root: string;
	/** Normalized names in [project.dependencies] → the requirement as written. */
	readonly dependencies: ReadonlyMap<string, string>;
	/** Normalized names → the `[tool.uv.sources]` entry. */
	readonly sources: ReadonlyMap<string, unknown>;
	readonly managed: readonly string[];
	/** Folders of the uv workspace's members, when the project is in one: uv records them `{ workspace = true }`. */
	readonly members?: ReadonlySet<string> | undefined;
	/** `[[tool.uv.index]]` by name as written → its url and whether it is explicit. */
	readonly indexes?: ReadonlyMap<string, RecordedIndex> | undefined;
	/** `[tool.uv] exclude-dependencies` and the entries of it hpm wrote (`[tool.hpm] excluded`). */
	readonly exclusions?: ExclusionRecord | undefined;
	readonly declared?: ReadonlyMap<string, string> | undefined; // extras, dependency groups (declaredElsewhere)
};

/** One `[[tool.uv.index]]` table of the project. */
export type RecordedIndex = { readonly url: unknown; readonly explicit: boolean };

/** Nothing to do: no uv command to run and no change to the managed list or hpm's exclusions. */
export function isEmptyPlan(plan: Plan, currentManaged: readonly string[]): boolean {
	return (
		plan.add.length === 0 &&
		plan.switch.length === 0 &&
		plan.remove.length === 0 &&
		sameList(plan.managed, [...currentManaged].sort()) &&
		!exclusionsChange(plan)
	);
}

/** Whether the plan changes `[tool.uv] exclude-dependencies` or hpm's record of its entries. */
export function exclusionsChange(plan: Pick<Plan, "exclusions">): boolean {
	const exclusions = plan.exclusions;
	return exclusions !== undefined && exclusionsDiffer(exclusions.now, exclusions.final);
}

/** A pure function from (registry, selection, mode, current project) to what sync must do. */
export function makePlan(registry: Registry, selection: Selection, mode: string, state: ProjectState): Plan {
	const problems: Problem[] = [];
	const wanted = new Map<string, { pkg: Package; groups: string[] }>();
	for (const group of registry.groups.values()) {
		for (const key of selection.get(group.key) ?? []) {
			const pkg = registry.packages.get(key);
			if (!pkg) continue;
			const entry = wanted.get(key) ?? { pkg, groups: [] };
			entry.groups.push(group.name);
			wanted.set(key, entry);
		}
	}

	const managed = new Set(state.managed.filter((key) => state.dependencies.has(key)));
	const add: PlanEntry[] = [];
	const switched: PlanEntry[] = [];
	const unchanged: { key: string; name: string }[] = [];
	const selected: PlanEntry[] = [];
	for (const [key, { pkg, groups }] of wanted) {
		const source = pkg.sources.get(mode);
		if (!source) {
			problems.push({
				code: "no-source-for-mode",
				choices: groups.map((g) => `${g}=${pkg.name}`),
				message: `${groups.map((g) => `${g}=${pkg.name}`).join(", ")}: package "${pkg.name}" has no source for mode "${mode}" (it has: ${[...pkg.sources.keys()].join(", ")})`,
				location: pkg.location,
			});
			continue;
		}
		const named = namedIndex(source);
		const index = named && registry.indexes.get(named.name);
		if (named && !index) {
			problems.push({
				code: "unknown-index",
				message: `${groups.map((g) => `${g}=${pkg.name}`).join(", ")}: sources.${mode}.index "${named.name}" names no index the registry declares`,
				location: named.location ?? pkg.location,
			});
			continue;
		}
		const entry: PlanEntry = { key, name: pkg.name, groups, source, ...(index ? { index } : {}) };
		selected.push(entry);
		if (!state.dependencies.has(key)) {
			add.push(entry);
			managed.add(key);
		} else if (managed.has(key) && !sameRecord(state, entry)) {
			const recorded = state.sources.get(key);
			const dropSource = addCannotSwitch(source, index, recorded, state.dependencies.get(key));
			switched.push({ ...entry, was: describeRecordedSource(recorded), ...(dropSource ? { dropSource } : {}) });
		} else {
			unchanged.push({ key, name: pkg.name });
		}
	}
	const remove: { key: string; name: string }[] = [];
	for (const key of [...managed]) {
		if (wanted.has(key)) continue;
		remove.push({ key, name: registry.packages.get(key)?.name ?? requirementName(state.dependencies.get(key)) ?? key });
		managed.delete(key);
	}
	const replacements = chosenReplacements(registry, selection);
	problems.push(...replacementProblems(registry, selection, replacements, ownRequirements(state)));
	const exclusions = planExclusions(
		state.exclusions ?? { list: undefined, owned: [] },
		replacements.map((r) => r.key),
	);
	return {
		root: state.root,
		mode,
		add,
		switch: switched,
		remove,
		unchanged,
		selected,
		managed: [...managed].sort(),
		replacements,
		exclusions,
		problems,
	};
}

/**
 * What `uv add` alone cannot make over the project's record: for an index source, a switch to the
 * default index from a recorded source, or a requirement that drops its specifier or extras.
 */
function addCannotSwitch(
	source: Source,
	index: IndexDefinition | undefined,
	recorded: unknown,
	dependency: string | undefined,
): boolean {
	switch (source.type) {
		case "index":
			return (!index && recorded !== undefined) || addKeepsRecorded(dependency, source.requirement);
		case "local":
		case "git":
			return false;
	}
}

/**
 * Whether the project already records `entry` as uv would: its `[tool.uv.sources]` entry, and for
 * an index source also its requirement in [project.dependencies] and the index's URL in
 * `[[tool.uv.index]]`.
 */
export function sameRecord(state: ProjectState, entry: PlanEntry): boolean {
	const recorded = state.sources.get(entry.key);
	const { source } = entry;
	switch (source.type) {
		case "local":
		case "git":
			return sameSource(recorded, source, state.root, state.members);
		case "index": {
			if (!sameRequirement(state.dependencies.get(entry.key), source.requirement)) return false;
			if (!entry.index) return recorded === undefined;
			const table = state.indexes?.get(entry.index.name);
			return (
				sameSource(recorded, source, state.root, state.members, entry.index) &&
				sameIndexUrl(table?.url, entry.index.url)
			);
		}
	}
}

/** The declared indexes the plan's selected packages come from, each once. */
export function planIndexes(plan: Pick<Plan, "selected">): IndexDefinition[] {
	const indexes = new Map<string, IndexDefinition>();
	for (const entry of plan.selected) if (entry.index) indexes.set(entry.index.key, entry.index);
	return [...indexes.values()];
}

/**
 * The credentials of the plan's sources for uv's environment (uv records none of them): its
 * indexes' as `UV_INDEX_<NAME>_USERNAME`/`_PASSWORD`, its git URLs' as git settings for the git uv runs.
 */
export function planCredentialsEnv(plan: Pick<Plan, "selected">): Record<string, string> {
	const git = plan.selected.flatMap(({ source }) => gitCredentials(source));
	return { ...indexCredentialsEnv(planIndexes(plan)), ...gitCredentialEnv(git) };
}

/** The git URL whose credentials git needs for a source (an index's come with the index). */
function gitCredentials(source: Source): { url: string; auth: string | undefined }[] {
	switch (source.type) {
		case "git":
			return [{ url: gitUrl(source.url), auth: source.auth }];
		case "local":
		case "index":
			return [];
	}
}

/**
 * The credentials of every source the registry names, in every mode: for a uv run over files hpm
 * did not plan (a rollback's restored pair may name any of them). Each reaches only its own URL.
 */
export function registryCredentialsEnv(registry: Registry): Record<string, string> {
	const selected: PlanEntry[] = [];
	for (const pkg of registry.packages.values())
		for (const source of pkg.sources.values()) {
			const named = namedIndex(source);
			const index = named && registry.indexes.get(named.name);
			selected.push({ key: pkg.key, name: pkg.name, groups: [], source, ...(index ? { index } : {}) });
		}
	return planCredentialsEnv({ selected });
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function projectState(
	root: string,
	data: Record<string, unknown>,
	managed: readonly string[],
	members?: ReadonlySet<string>,
): ProjectState {
	const project = asTable(data.project);
	const dependencies = new Map<string, string>();
	for (const requirement of Array.isArray(project.dependencies) ? project.dependencies : []) {
		if (typeof requirement !== "string") continue;
		const name = requirementName(requirement);
		if (name) dependencies.set(normalizeName(name), requirement);
	}
	const sources = new Map<string, unknown>();
	const uv = asTable(asTable(data.tool).uv);
	for (const [name, entry] of Object.entries(asTable(uv.sources))) sources.set(normalizeName(name), entry);
	const indexes = new Map<string, RecordedIndex>();
	for (const table of Array.isArray(uv.index) ? uv.index : []) {
		const { name, url, explicit } = asTable(table);
		if (typeof name === "string" && !indexes.has(name)) indexes.set(name, { url, explicit: explicit === true });
	}
	const [exclusions, declared] = [exclusionRecord(data), declaredElsewhere(data)];
	return { root, dependencies, sources, managed, members, indexes, exclusions, declared };
}

function asTable(value: unknown): Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
