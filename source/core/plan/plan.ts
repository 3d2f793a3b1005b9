import path from "node:path";
import type { Problem } from "../base/errors.js";
import { normalizeName, requirementName } from "../base/names.js";
import { indexCredentialsEnv, sameIndexUrl } from "../uv/index-url.js";
import { gitCredentialEnv, splitCredentials } from "../base/secrets.js";
import type { GitRef, IndexDefinition, Package, Registry, Source } from "../registry/model.js";
import { addKeepsRecorded, sameRequirement } from "../registry/requirement.js";
import type { Selection } from "./selection.js";

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
};

/** One `[[tool.uv.index]]` table of the project. */
export type RecordedIndex = { readonly url: unknown; readonly explicit: boolean };

/** Nothing to do: no uv command to run and no change to the managed list. */
export function isEmptyPlan(plan: Plan, currentManaged: readonly string[]): boolean {
	return (
		plan.add.length === 0 &&
		plan.switch.length === 0 &&
		plan.remove.length === 0 &&
		sameList(plan.managed, [...currentManaged].sort())
	);
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
		const index =
			source.type === "index" && source.index !== undefined ? registry.indexes.get(source.index) : undefined;
		if (source.type === "index" && source.index !== undefined && !index) {
			problems.push({
				code: "unknown-index",
				choices: groups.map((g) => `${g}=${pkg.name}`),
				message: `${groups.map((g) => `${g}=${pkg.name}`).join(", ")}: sources.${mode}.index "${source.index}" names no index the registry declares`,
				location: source.location ?? pkg.location,
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
			// what `uv add` alone cannot make: a switch to the default index from a recorded source,
			// or a requirement that drops its specifier or extras
			const dropSource =
				source.type === "index" &&
				((!index && recorded !== undefined) || addKeepsRecorded(state.dependencies.get(key), source.requirement));
			switched.push({ ...entry, was: recordedSource(recorded), ...(dropSource ? { dropSource } : {}) });
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
	return {
		root: state.root,
		mode,
		add,
		switch: switched,
		remove,
		unchanged,
		selected,
		managed: [...managed].sort(),
		problems,
	};
}

/**
 * Whether the project already records `entry` as uv would: its `[tool.uv.sources]` entry, and for
 * an index source also its requirement in [project.dependencies] and the index's URL in
 * `[[tool.uv.index]]`.
 */
export function sameRecord(state: ProjectState, entry: PlanEntry): boolean {
	const recorded = state.sources.get(entry.key);
	const { source } = entry;
	if (source.type !== "index") return sameSource(recorded, source, state.root, state.members);
	if (!sameRequirement(state.dependencies.get(entry.key), source.requirement)) return false;
	if (!entry.index) return recorded === undefined;
	const table = state.indexes?.get(entry.index.name);
	return (
		sameSource(recorded, source, state.root, state.members, entry.index) && sameIndexUrl(table?.url, entry.index.url)
	);
}

/** Whether a `[tool.uv.sources]` entry already points where `source` does. */
export function sameSource(
	entry: unknown,
	source: Source,
	root: string,
	members: ReadonlySet<string> = new Set(),
	/** For an index source that names an index: its definition. */
	index?: IndexDefinition,
): boolean {
	// a requirement on the default index has no entry at all
	if (source.type === "index" && source.index === undefined) return entry === undefined;
	if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return false;
	const e = entry as Record<string, unknown>;
	// a workspace member is recorded by uv as `{ workspace = true }`, editable unless it says not
	if (e.workspace === true)
		return source.type === "local" && members.has(source.path) && (e.editable !== false) === source.editable;
	if (source.type === "local") {
		return (
			typeof e.path === "string" &&
			path.resolve(root, e.path) === source.path &&
			(e.editable === true) === source.editable
		);
	}
	if (source.type === "index") return index !== undefined && e.index === index.name && Object.keys(e).length === 1;
	if (typeof e.git !== "string" || gitUrl(e.git) !== gitUrl(source.url)) return false;
	// The ref's kind matters as much as its value: uv resolves `tag = "v1"` and `rev = "v1"` alike,
	// but records them differently, and a tag written as a rev would not read as the manifest does.
	for (const kind of ["tag", "branch", "rev"] as const)
		if ((e[kind] ?? undefined) !== (source.ref?.kind === kind ? source.ref.value : undefined)) return false;
	return (e.subdirectory ?? undefined) === source.subdirectory;
}

/**
 * The URL form uv writes: scp-like `git@host:org/repo` becomes `ssh://git@host/org/repo`, and
 * credentials are left out (uv never records them; hpm passes them in git's environment).
 */
export function gitUrl(url: string): string {
	const bare = splitCredentials(url.replace(/^git\+/, "")).url;
	const scp = /^([\w.-]+@[\w.-]+):(?!\/)(.*)$/.exec(bare);
	return scp ? `ssh://${scp[1]}/${scp[2]}` : bare;
}

/** One `uv add` call: the requirement lines it takes and the flags they share. */
export type AddBatch = {
	readonly ref: GitRef | undefined;
	/** `--index NAME=URL`: uv pins every requirement of the call to that index (measured with uv 0.13.9). */
	readonly index?: { readonly name: string; readonly url: string; readonly explicit: boolean };
	/** `--no-editable`: workspace members are editable unless uv is told otherwise. */
	readonly noEditable?: boolean;
	readonly lines: readonly string[];
};

/**
 * The `uv add` calls that record each source as uv's own flags would: uv records a ref written
 * inside a URL as `rev`, so a tag or a branch is passed as `--tag`/`--branch`, one call per value
 * (uv takes one per call, and refuses it next to a local path); a workspace member that is not
 * editable needs `--no-editable`; the requirements on one declared index share a call with
 * `--index NAME=URL`, which pins each of them to it. Local paths, refless URLs, revs and
 * requirements on the default index share the first call.
 */
export function addBatches(
	entries: readonly PlanEntry[],
	root: string,
	members: ReadonlySet<string> = new Set(),
): AddBatch[] {
	const plain: string[] = [];
	const fixed: string[] = [];
	const byRef = new Map<string, { ref: GitRef; lines: string[] }>();
	const byIndex = new Map<
		string,
		{ ref: undefined; index: { name: string; url: string; explicit: boolean }; lines: string[] }
	>();
	for (const entry of entries) {
		const { source } = entry;
		if (source.type === "index" && source.index !== undefined) {
			// never a requirement meant for a declared index without it: it would come from the default index
			if (!entry.index) throw new Error(`index "${source.index}" of ${entry.name} is not declared`);
			const batch = byIndex.get(entry.index.key) ?? {
				ref: undefined,
				index: { name: entry.index.name, url: entry.index.url, explicit: entry.index.explicit },
				lines: [],
			};
			batch.lines.push(requirementLine(entry, root));
			byIndex.set(entry.index.key, batch);
		} else if (source.type === "git" && source.ref && source.ref.kind !== "rev") {
			const id = `${source.ref.kind}\0${source.ref.value}`;
			const batch = byRef.get(id) ?? { ref: source.ref, lines: [] };
			batch.lines.push(requirementLine(entry, root, false));
			byRef.set(id, batch);
		} else if (source.type === "local" && !source.editable && members.has(source.path))
			fixed.push(requirementLine(entry, root));
		else plain.push(requirementLine(entry, root));
	}
	return [
		...(plain.length > 0 ? [{ ref: undefined, lines: plain }] : []),
		...(fixed.length > 0 ? [{ ref: undefined, noEditable: true, lines: fixed }] : []),
		...byRef.values(),
		...byIndex.values(),
	];
}

/**
 * One line of a requirements file for `uv add -r`: a path (`-e` when editable) relative to the
 * project root, or `name @ git+URL@ref#subdirectory=...` (without `@ref` when the call passes the
 * ref as a flag), or an index source's requirement. Everything was validated at load time, and a
 * path always starts with `../../..`, `../../..` or `/`, so no line can read as an option.
 */
export function requirementLine(entry: PlanEntry, root: string, withRef = true): string {
	const { source } = entry;
	if (source.type === "index") return source.requirement.trim();
	if (source.type === "local") {
		let where = path.relative(root, source.path).split(path.sep).join("/");
		if (!where.startsWith("../../..")) where = `./${where}`;
		if (where === "../../..") where = ".";
		return `${source.editable ? "-e " : ""}${where}`;
	}
	const ref = source.ref && withRef ? `@${source.ref.value}` : "";
	const sub = source.subdirectory ? `#subdirectory=${source.subdirectory}` : "";
	return `${entry.name} @ git+${gitUrl(source.url)}${ref}${sub}`;
}

/**
 * The `[tool.uv.sources]` entry uv would record for `source` (absolute paths, for a scratch copy);
 * undefined for a requirement on the default index, which has none.
 */
export function uvSourceEntry(source: Source, index?: IndexDefinition): Record<string, string | boolean> | undefined {
	if (source.type === "local") return { path: source.path, ...(source.editable ? { editable: true } : {}) };
	if (source.type === "index") return index ? { index: index.name } : undefined;
	return {
		git: gitUrl(source.url),
		...(source.ref ? { [source.ref.kind]: source.ref.value } : {}),
		...(source.subdirectory ? { subdirectory: source.subdirectory } : {}),
	};
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
	const git = plan.selected.flatMap((entry) =>
		entry.source.type === "git" ? [{ url: gitUrl(entry.source.url), auth: entry.source.auth }] : [],
	);
	return { ...indexCredentialsEnv(planIndexes(plan)), ...gitCredentialEnv(git) };
}

/**
 * The credentials of every source the registry names, in every mode: for a uv run over files hpm
 * did not plan (a rollback's restored pair may name any of them). Each reaches only its own URL.
 */
export function registryCredentialsEnv(registry: Registry): Record<string, string> {
	const selected: PlanEntry[] = [];
	for (const pkg of registry.packages.values())
		for (const source of pkg.sources.values()) {
			const index =
				source.type === "index" && source.index !== undefined ? registry.indexes.get(source.index) : undefined;
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
	return { root, dependencies, sources, managed, members, indexes };
}

function asTable(value: unknown): Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A `[tool.uv.sources]` entry as a short phrase: `path packages/x (editable)`, `git URL tag v1`. */
export function recordedSource(entry: unknown): string {
	if (typeof entry !== "object" || entry === null) return "a registry requirement";
	const fields = entry as Record<string, unknown>;
	if (typeof fields.path === "string") return `local ${fields.path}${fields.editable === true ? " (editable)" : ""}`;
	if (fields.workspace === true) return `workspace member${fields.editable === false ? " (not editable)" : ""}`;
	if (typeof fields.git === "string") {
		const ref = (["tag", "branch", "rev"] as const).find((kind) => typeof fields[kind] === "string");
		return `git ${fields.git}${ref ? ` ${ref} ${String(fields[ref])}` : ""}`;
	}
	if (typeof fields.index === "string") return `index ${fields.index}`;
	return "another source";
}
