import path from "node:path";
import { HpmError } from "./errors.js";
import { locateProject, type Project, readProject } from "./project/project.js";
import { firstProblemError } from "./errors.js";
import { loadRegistryCached } from "./registry/cache.js";
import { HPM_VERSION } from "./version.js";
import type { Registry } from "./registry/model.js";

/** Flags every command accepts. */
export type CommonFlags = {
	readonly registry?: string | undefined;
	readonly project?: string | undefined;
	readonly json: boolean;
};

export type Context = {
	readonly cwd: string;
	readonly project: Project | undefined;
	readonly registryRoot: string;
};

/**
 * Finds the project (upward from the working folder, or --project) and the registry
 * (--registry, else [tool.hpm] registry, else registry/ beside pyproject.toml, else ./registry).
 */
export function resolveContext(flags: CommonFlags, cwd = process.cwd()): Context {
	const file = locateProject(flags.project, cwd);
	const project = file ? readProject(file) : undefined;
	const registryRoot =
		flags.registry !== undefined
			? path.resolve(cwd, flags.registry)
			: (project?.registryPath ?? path.join(project?.root ?? cwd, "registry"));
	return { cwd, project, registryRoot };
}

/** The registry, through the index cache; any problem is an error pointing at the first one. */
export async function loadContextRegistry(context: Context): Promise<Registry> {
	const { registry, problems } = await loadRegistryCached(context.registryRoot, HPM_VERSION);
	const error = firstProblemError(problems);
	if (error) throw error;
	return registry;
}

export function requireProject(context: Context): Project {
	if (context.project) return context.project;
	throw new HpmError("project-not-found", `no pyproject.toml in ${context.cwd} or any folder above it`, {
		hint: "run hpm inside a Python project (create one with `uv init`), or pass --project DIR",
	});
}
