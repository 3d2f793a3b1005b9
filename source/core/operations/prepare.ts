import path from "node:path";
import { type Context, loadContextRegistry, requireProject } from "../plan/context.js";
import type { Problem } from "../base/errors.js";
import { concernsSelection } from "../registry/broken.js";
import { constraintProblems } from "../registry/constraints.js";
import { normalizeName } from "../base/names.js";
import { makePlan, type Plan } from "../plan/plan.js";
import { stateOfProject } from "../plan/state.js";
import type { Project } from "../project/project.js";
import { virtualRootProblem, type Workspace } from "../project/workspace.js";
import { componentFolders } from "../registry/local-paths.js";
import { readPythonPackage } from "../registry/python-package.js";
import { localSource, namedIndex } from "../registry/source-kinds.js";
import type { Registry } from "../registry/model.js";
import { resolveSelection, type Selection } from "../plan/selection.js";
import { gitDeadlines } from "../os/git-env.js";
import { findUv, type Uv } from "../uv/driver.js";

export type Prepared = {
	readonly project: Project;
	readonly registry: Registry;
	readonly plan: Plan;
	/** Every static problem of the selection: its registry files, sources for the mode, local packages. */
	readonly problems: readonly Problem[];
	/** Problems of registry files the selection does not use: reported, never blocking. */
	readonly warnings: readonly Problem[];
	/** The uv workspace the project is part of, if any. */
	readonly workspace: Workspace | undefined;
};

/**
 * Plans from a loaded registry, collecting every static problem instead of stopping at one.
 * Check and sync pass the registry from the index cache; the UI passes a fresh load.
 */
export function prepare(
	context: Context,
	modeOverride: string | undefined,
	loaded: { registry: Registry; problems: readonly Problem[] },
	/** A selection to plan instead of the project's (`check --combination`, `check --matrix`). */
	selectionOverride?: Selection,
): Prepared {
	const project = requireProject(context);
	const registry = loaded.registry;
	const { selection, problems: selectionProblems } = selectionOverride
		? { selection: selectionOverride, problems: [] }
		: resolveSelection(registry, project, loaded.problems);
	// Only the selection's own files block; a broken file nobody chose is a warning here (and an
	// error in `registry lint`). Only the selected packages' folders are read.
	const concerns = concernsSelection(registry, selection);
	const registryProblems = loaded.problems.filter(concerns);
	const unchosen = unchosenGroups(registry, selection);
	// a broken file the selection names is said once, as the selection's problem (which points at
	// the same line), not again as a warning
	const said = new Set(selectionProblems.flatMap((p) => (p.location ? [locationKey(p.location)] : [])));
	const notBlocking = [
		...loaded.problems.filter(
			(p) => !registryProblems.includes(p) && !(p.location && said.has(locationKey(p.location))),
		),
		...unchosen,
	];
	const mode = modeOverride ?? project.mode;
	const state = stateOfProject(project);
	const plan = makePlan(registry, selection, mode, state);
	const problems: Problem[] = [
		...registryProblems,
		...selectionProblems,
		// the registry's rules about the choice, before anything asks uv
		...constraintProblems(registry, selection),
		...modeProblems(registry, selection, mode, plan).filter(
			notSaidByIndexFile(registry, selection, mode, registryProblems),
		),
		...[virtualRootProblem(project.root, project.file, state.workspace, componentFolders(registry))].filter(
			(p) => p !== undefined,
		),
	];
	const warnings = notBlocking;
	for (const entry of plan.selected) {
		const local = localSource(entry.source);
		if (!local) continue;
		const found = readPythonPackage(local.path);
		const pkg = registry.packages.get(entry.key);
		const location = pkg?.location;
		const choices = entry.groups.map((g) => `${g}=${entry.name}`);
		const option = choices.join(", ");
		const at = local.location ?? location;
		if (typeof found === "string") {
			problems.push({
				code: "local-path",
				choices,
				message: `${option}: sources.${mode}.path ${local.rawPath}: ${found}`,
				...(at ? { location: at } : {}),
			});
			continue;
		}
		if (found.name !== undefined && normalizeName(found.name) !== entry.key) {
			problems.push({
				code: "local-name",
				choices,
				message: `${option}: ${local.rawPath} holds package "${found.name}", not "${entry.name}"`,
				...(at ? { location: at } : {}),
			});
			continue;
		}
		if (found.version !== undefined && pkg && found.version !== pkg.version) {
			problems.push({
				code: "local-version",
				choices,
				message: `${option}: the manifest says version ${pkg.version} but ${found.file} has version ${found.version}`,
				...(location ? { location } : {}),
			});
		}
	}
	return { project, registry, plan, problems, warnings, workspace: state.workspace };
}

/**
 * Plans with the registry from the index cache while uv answers its version, so the two overlap
 * instead of adding up. A missing or old uv rejects `uv` only when awaited.
 */
export async function prepareWithUv(
	context: Context,
	modeOverride: string | undefined,
	selectionOverride?: Selection,
	signal?: AbortSignal,
): Promise<Prepared & { readonly uv: Promise<Uv>; readonly commits: readonly string[] }> {
	const uv = findUv();
	uv.catch(() => undefined);
	// the git settings uv will run with are read while the registry loads
	void gitDeadlines();
	// no project is the first thing to say (not a missing registry beside it)
	requireProject(context);
	const loaded = await loadContextRegistry(context, { signal });
	return { ...prepare(context, modeOverride, loaded, selectionOverride), uv, commits: loaded.commits };
}

/**
 * A selected source naming an index whose file is broken is not reported again by the plan: the
 * index file's own problem (which concerns the selection) says what to fix.
 */
function notSaidByIndexFile(
	registry: Registry,
	selection: Selection,
	mode: string,
	registryProblems: readonly Problem[],
): (problem: Problem) => boolean {
	const broken = new Set(
		registryProblems.flatMap((p) =>
			p.location && registry.roots.some((root) => path.dirname(p.location?.file ?? "") === path.join(root, "indexes"))
				? [normalizeName(path.basename(p.location.file).replace(/\.ya?ml$/, ""))]
				: [],
		),
	);
	const at = (location: Problem["location"]) => `${location?.file}:${location?.line}:${location?.column}`;
	const explained = new Set<string>();
	for (const keys of selection.values())
		for (const key of keys) {
			const source = registry.packages.get(key)?.sources.get(mode);
			const named = source && namedIndex(source);
			if (named && broken.has(named.name)) explained.add(at(named.location));
		}
	return (problem) => problem.code !== "unknown-index" || !explained.has(at(problem.location));
}

const locationKey = (location: NonNullable<Problem["location"]>): string =>
	`${location.file}:${location.line ?? ""}:${location.column ?? ""}`;

/** The modes the selected packages offer, in the order first seen. */
export function offeredModes(registry: Registry, selection: Selection): string[] {
	const modes = new Set<string>();
	for (const keys of selection.values())
		for (const key of keys) for (const mode of registry.packages.get(key)?.sources.keys() ?? []) modes.add(mode);
	return [...modes];
}

/** A selected package without a source for a mode, as `group=name` and the modes it has. */
export type ModeGap = { readonly group: string; readonly name: string; readonly has: readonly string[] };

/** The selected packages that have no source for `mode` (each once, under its first group). */
export function modeGaps(registry: Registry, selection: Selection, mode: string): ModeGap[] {
	const gaps = new Map<string, ModeGap>();
	for (const [groupKey, keys] of selection)
		for (const key of keys) {
			const pkg = registry.packages.get(key);
			if (!pkg || pkg.sources.has(mode) || gaps.has(key)) continue;
			const group = registry.groups.get(groupKey)?.name ?? groupKey;
			gaps.set(key, { group, name: pkg.name, has: [...pkg.sources.keys()] });
		}
	return [...gaps.values()];
}

/** A mode no selected package offers is one problem that lists the modes they do offer. */
function modeProblems(registry: Registry, selection: Selection, mode: string, plan: Plan): readonly Problem[] {
	const offered = offeredModes(registry, selection);
	if (offered.length === 0 || offered.includes(mode)) return plan.problems;
	return [
		{
			code: "unknown-mode",
			message: `mode "${mode}" is not a mode of the selected packages; they offer: ${offered.join(", ")}`,
		},
		...plan.problems.filter((p) => p.code !== "no-source-for-mode"),
	];
}

/**
 * A 1-of-N group stands for one virtual package: a project that uses the registry but chose none
 * of its options is probably missing a piece (a warning; `--strict` makes it a problem).
 */
function unchosenGroups(registry: Registry, selection: Selection): Problem[] {
	return (
		[...registry.groups.values()]
			// a per-machine group's choice is the machine's (.hpm/machine.toml), never the selection's
			.filter(
				(group) =>
					group.strategy === "1-of-N" && !group.required && !group.machine && !selection.get(group.key)?.length,
			)
			.map((group) => ({
				code: "no-choice",
				message:
					group.options.length === 0
						? `group "${group.name}" (1-of-N) has no choice and no options to choose from; add one with \`hpm registry add --group ${group.name}\``
						: `group "${group.name}" (1-of-N) has no choice; pick one with \`hpm group add ${group.name} --option NAME\` (options: ${group.options.map((key) => registry.packages.get(key)?.name ?? key).join(", ")})`,
				location: group.location,
			}))
	);
}

/**
 * A virtual workspace root (`[tool.uv.workspace]` without `[project]`) has no dependencies of its
 * own to record a selection in: hpm says so, and where to run instead.
 */
