import { existsSync } from "node:fs";
import path from "node:path";
import { HpmError, type Problem } from "./errors.js";
import { JOURNAL_FILE } from "./project/journal-file.js";
import { locateProject, type Project, readProject } from "./project/project.js";
import { loadRegistryCached } from "./registry/cache.js";
import type { Registry } from "./registry/model.js";
import { HPM_VERSION } from "./version.js";

/** Where to look for the project and the registry: `--project` / `--registry`, or the defaults. */
export type Locator = {
	readonly registry?: string | undefined;
	readonly project?: string | undefined;
};

export type Context = {
	readonly cwd: string;
	readonly project: Project | undefined;
	readonly registryRoot: string;
	/** The registry was named (--registry or [tool.hpm] registry), not guessed. */
	readonly registryNamed: boolean;
};

/**
 * Finds the project (upward from the working folder, or --project) and the registry
 * (--registry, else [tool.hpm] registry, else registry/ beside pyproject.toml, else ./registry).
 */
export function resolveContext(locator: Locator, cwd = process.cwd()): Context {
	const file = locateProject(locator.project, cwd);
	const project = file ? readProject(file) : undefined;
	const registryRoot =
		locator.registry !== undefined
			? path.resolve(cwd, locator.registry)
			: (project?.registryPath ?? path.join(project?.root ?? cwd, "registry"));
	const registryNamed = locator.registry !== undefined || project?.registryPath !== undefined;
	return { cwd, project, registryRoot, registryNamed };
}

/** The project's folder without reading pyproject.toml, or undefined outside any project. */
export function locateRoot(locator: Locator, cwd: string): string | undefined {
	const file = locateProject(locator.project, cwd);
	return file === undefined ? undefined : path.dirname(file);
}

/**
 * What a command that repairs nothing says when a killed hpm left a change unfinished (its
 * journal), or undefined. Costs one `stat` when there is no journal.
 */
export async function unfinishedChange(locator: Locator, cwd: string): Promise<string | undefined> {
	const root = locateRoot(locator, cwd);
	if (root === undefined || !existsSync(path.join(root, JOURNAL_FILE))) return undefined;
	return (await import("./project/journal.js")).journalNotice(root);
}

/**
 * The registry through the index cache: everything that loads, and the problems of what does not.
 * A broken file blocks only what uses it (the caller decides); the rest of the registry works.
 */
export async function loadContextRegistry(
	context: Context,
): Promise<{ readonly registry: Registry; readonly problems: readonly Problem[] }> {
	// outside any project, with no registry named, the missing project is the thing to say
	if (!context.project && !context.registryNamed && !existsSync(context.registryRoot)) throw noProject(context.cwd);
	const { registry, problems } = await loadRegistryCached(context.registryRoot, HPM_VERSION);
	return { registry, problems };
}

/** One line for commands that show what loads: how many registry files were left out, and where to look. */
export function leftOutWarning(problems: readonly Problem[]): string | undefined {
	if (problems.length === 0) return undefined;
	const files = new Set(problems.map((p) => p.location?.file ?? "?"));
	const count = `${files.size} registry file${files.size === 1 ? "" : "s"}`;
	return `${count} could not be loaded and ${files.size === 1 ? "was" : "were"} left out (${problems.length} problem${problems.length === 1 ? "" : "s"}; \`hpm registry lint\` lists them)`;
}

export function requireProject(context: Context): Project {
	if (context.project) return context.project;
	throw noProject(context.cwd);
}

/** The project's folder, found without parsing pyproject.toml (to lock it before reading it). */
export function requireRoot(locator: Locator, cwd: string): string {
	const root = locateRoot(locator, cwd);
	if (root !== undefined) return root;
	throw noProject(cwd);
}

function noProject(cwd: string): HpmError {
	return new HpmError("project-not-found", `no pyproject.toml in ${cwd} or any folder above it`, {
		hint: "run `hpm init` to make this folder an hpm project (or run hpm inside one, or pass --project DIR)",
	});
}
