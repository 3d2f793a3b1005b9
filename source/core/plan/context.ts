import { redactSecrets } from "../base/secrets.js";
import { existsSync } from "node:fs";
import path from "node:path";
import { formatProblem, HpmError, type Problem } from "../base/errors.js";
import { JOURNAL_FILE } from "../project/journal-file.js";
import { locateProject, type Project, readProject } from "../project/project.js";
import { locateTomlKey } from "../project/toml-locate.js";
import { loadRegistryCached } from "../registry/cache.js";
import { type LayerRoot, parseRegistryLayer, type RegistryLayer } from "../registry/location.js";
import type { Registry } from "../registry/model.js";
import { HPM_VERSION } from "../base/version.js";
import { type FetchPolicy } from "../registry/remote.js";
import { resolveLayers } from "../registry/layers.js";

/** Where to look for the project and the registry: `--project` / `--registry`, or the defaults. */
export type Locator = {
	/** One `-r`, or several (layers, first wins). */
	readonly registry?: string | readonly string[] | undefined;
	readonly project?: string | undefined;
	/** Where git's progress goes while a registry is fetched (a terminal's stderr), if anywhere. */
	readonly progress?: ((line: string) => void) | undefined;
	/** Where a warning that stops nothing goes (a registry pin on no branch or tag), if anywhere. */
	readonly warn?: ((message: string) => void) | undefined;
};

export type Context = {
	readonly cwd: string;
	readonly project: Project | undefined;
	/** The registry's layers, in order: what a name is looked up in, first wins. */
	readonly layers: readonly RegistryLayer[];
	/** The first folder layer: where `registry add` writes. Undefined when every layer is from git. */
	readonly registryRoot: string | undefined;
	/** The registry was named (--registry or [tool.hpm] registry), not guessed. */
	readonly registryNamed: boolean;
	/** The layers are the project's own (`[tool.hpm] registry`): its `registry-rev` pins apply. */
	readonly pinned: boolean;
	readonly progress?: ((line: string) => void) | undefined;
	readonly warn?: ((message: string) => void) | undefined;
};

/**
 * Finds the project (upward from the working folder, or --project) and the registry
 * (--registry, else [tool.hpm] registry, else registry/ beside pyproject.toml, else ./registry).
 */
export function resolveContext(locator: Locator, cwd = process.cwd()): Context {
	const file = locateProject(locator.project, cwd);
	const project = file ? readProject(file) : undefined;
	const given =
		locator.registry === undefined ? [] : typeof locator.registry === "string" ? [locator.registry] : locator.registry;
	const fromFlag = given.length > 0;
	const specs = fromFlag ? given : project?.registrySpecs;
	const base = fromFlag ? cwd : (project?.root ?? cwd);
	const layers =
		specs === undefined
			? [{ kind: "folder" as const, path: path.join(project?.root ?? cwd, "registry"), written: "registry" }]
			: specs.map((spec) => layerOf(spec, base, fromFlag ? undefined : project));
	refuseRepeatedLayer(layers, fromFlag ? undefined : project);
	const registryRoot = layers.find((layer) => layer.kind === "folder")?.path;
	const registryNamed = specs !== undefined;
	return {
		cwd,
		project,
		layers,
		registryRoot,
		registryNamed,
		pinned: !fromFlag,
		progress: locator.progress,
		warn: locator.warn,
	};
}

/** One registry named twice (the same folder, or the same repository, ref and subdirectory) is a mistake: the second would only hide itself. */
function refuseRepeatedLayer(layers: readonly RegistryLayer[], project: Project | undefined): void {
	const seen = new Map<string, RegistryLayer>();
	for (const layer of layers) {
		const key = layerKey(layer);
		const earlier = seen.get(key);
		if (earlier === undefined) {
			seen.set(key, layer);
			continue;
		}
		throw new HpmError(
			"registry-invalid",
			redactSecrets(
				`the registry ${JSON.stringify(layer.written)} is named twice (also as ${JSON.stringify(earlier.written)})`,
			),
			{
				...(project ? { location: locateTomlKey(project.text, project.file, ["tool", "hpm"], "registry") } : {}),
				hint: "name each registry layer once",
			},
		);
	}
}

/** What makes two layers the same registry: one folder, or one repository at one ref and subdirectory. */
function layerKey(layer: RegistryLayer): string {
	switch (layer.kind) {
		case "folder":
			return `folder:${layer.path}`;
		case "git":
			return `git:${layer.url}@${layer.ref ?? ""}#${layer.subdirectory ?? ""}`;
	}
}

function layerOf(spec: string, base: string, project: Project | undefined): RegistryLayer {
	const layer = parseRegistryLayer(spec, base);
	if (typeof layer !== "string") return layer;
	throw new HpmError("registry-invalid", redactSecrets(`registry ${JSON.stringify(spec)}: ${layer}`), {
		...(project ? { location: locateTomlKey(project.text, project.file, ["tool", "hpm"], "registry") } : {}),
		hint: "write a folder, or git+https://host/repo.git@ref#subdirectory=path (git+ssh:// and git+file:// too)",
	});
}

/**
 * The folder `registry add` and `registry group add` write to: the first folder layer. A registry
 * from git is read-only to hpm (its files are a commit's): the error says how to edit it.
 */
export function writableRegistry(context: Context): string {
	if (context.registryRoot !== undefined) return context.registryRoot;
	const remote = context.layers[0];
	throw new HpmError(
		"registry-read-only",
		`the registry ${remote ? redactSecrets(remote.written) : ""} comes from git, and hpm does not write into its cache`,
		{
			hint: 'clone it (git clone URL team-registry), pass the checkout with -r team-registry, then commit and push the change; or put a folder layer first: [tool.hpm] registry = ["registry", "git+..."]',
		},
	);
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
	return (await import("../project/journal.js")).journalNotice(root);
}

/**
 * The registry through the index cache: everything that loads, and the problems of what does not.
 * A broken file blocks only what uses it (the caller decides); the rest of the registry works.
 */
export async function loadContextRegistry(
	context: Context,
	options: { readonly policy?: FetchPolicy; readonly signal?: AbortSignal | undefined } = {},
): Promise<LoadedRegistry> {
	// outside any project, with no registry named, the missing project is the thing to say
	if (!context.project && !context.registryNamed && !existsSync(context.registryRoot ?? ""))
		throw noProject(context.cwd);
	const resolved = await resolveLayers(context, options.policy ?? "if-missing", options.signal);
	const { registry, problems } = await loadRegistryCached(resolved.roots, HPM_VERSION);
	return { registry, problems, commits: resolved.commits, roots: resolved.roots };
}

export type LoadedRegistry = {
	readonly registry: Registry;
	readonly problems: readonly Problem[];
	/** The commit each git layer was read at, in layer order (what sync records as registry-rev). */
	readonly commits: readonly string[];
	/** Where each layer's files are, in order (a git layer's in hpm's cache). */
	readonly roots: readonly LayerRoot[];
};

/** The registry in one line: its folder, or each layer in order (a git one at the commit read). */
export function registryLabel(context: Context, commits: readonly string[]): string {
	let remote = 0;
	return context.layers
		.map((layer): string => {
			switch (layer.kind) {
				case "folder":
					return layer.path;
				case "git": {
					const commit = commits[remote++];
					return `${redactSecrets(layer.written)}${commit ? ` at ${commit.slice(0, 12)}` : ""}`;
				}
			}
		})
		.join(", then ");
}

/** One line for commands that show what loads: how many registry files were left out, and where to look. */
export function leftOutWarning(problems: readonly Problem[]): string | undefined {
	if (problems.length === 0) return undefined;
	// each file once, with its first problem: which file, and why
	const first = new Map<string, Problem>();
	for (const problem of problems) {
		const file = problem.location?.file ?? "";
		if (!first.has(file)) first.set(file, problem);
	}
	const files = first.size;
	const count = `${files} registry file${files === 1 ? "" : "s"}`;
	const named = [...first.values()].slice(0, MAX_NAMED_FILES).map((problem) => formatProblem(problem));
	const more = files > MAX_NAMED_FILES ? `; and ${files - MAX_NAMED_FILES} more` : "";
	const lint = `${problems.length} problem${problems.length === 1 ? "" : "s"} in all; \`hpm registry lint\` lists them`;
	return `${count} could not be loaded and ${files === 1 ? "was" : "were"} left out: ${named.join("; ")}${more} (${lint})`;
}

/** How many broken files a warning names before it only counts the rest. */
const MAX_NAMED_FILES = 3;

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
