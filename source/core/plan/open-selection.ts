import type { Problem } from "../base/errors.js";
import type { Project } from "../project/project.js";
import type { LayerRoot } from "../registry/location.js";
import type { Registry } from "../registry/model.js";
import type { FetchPolicy } from "../registry/remote.js";
import { type Context, type Locator, loadContextRegistry, requireProject, resolveContext } from "./context.js";
import { resolveSelection, type Selection } from "./selection.js";

/** Where to open the selection: a context already resolved (inside the project lock), or where to find one. */
export type Where = Context | { readonly locator: Locator; readonly cwd: string };

export type OpenOptions = {
	/** `optional`: outside any project the selection is empty (a registry alone can be shown or searched). */
	readonly project?: "required" | "optional";
	readonly policy?: FetchPolicy;
	readonly signal?: AbortSignal | undefined;
};

/** The project, its registry and its validated choice: what nearly every command starts from. */
export type OpenSelection<P extends Project | undefined = Project> = {
	readonly context: Context;
	readonly project: P;
	readonly registry: Registry;
	/** Problems of registry files that did not load: they block only what uses them (the caller decides). */
	readonly registryProblems: readonly Problem[];
	/** The commit each git layer was read at, in layer order. */
	readonly commits: readonly string[];
	readonly roots: readonly LayerRoot[];
	/** What of `[tool.hpm.groups]` the registry has (empty outside a project). */
	readonly selection: Selection;
	/** What of `[tool.hpm.groups]` the registry does not have, each at its line. */
	readonly selectionProblems: readonly Problem[];
};

/**
 * The one preamble: context → project → registry → selection. A missing project is said before
 * the registry is read; the registry's own problems are passed on to the selection, so a choice
 * whose file is broken says why.
 */
export async function openSelection(
	where: Where,
	options?: OpenOptions & { readonly project?: "required" },
): Promise<OpenSelection>;
export async function openSelection(
	where: Where,
	options: OpenOptions & { readonly project: "optional" },
): Promise<OpenSelection<Project | undefined>>;
export async function openSelection(
	where: Where,
	options: OpenOptions = {},
): Promise<OpenSelection<Project | undefined>> {
	const context = "layers" in where ? where : resolveContext(where.locator, where.cwd);
	const project = options.project === "optional" ? context.project : requireProject(context);
	const loaded = await loadContextRegistry(context, {
		...(options.policy ? { policy: options.policy } : {}),
		signal: options.signal,
	});
	const { selection, problems } = project
		? resolveSelection(loaded.registry, project, loaded.problems)
		: { selection: new Map<string, readonly string[]>(), problems: [] };
	return {
		context,
		project,
		registry: loaded.registry,
		registryProblems: loaded.problems,
		commits: loaded.commits,
		roots: loaded.roots,
		selection,
		selectionProblems: problems,
	};
}
