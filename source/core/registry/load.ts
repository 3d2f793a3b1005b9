import { machineOnlyProblems } from "./machine-only.js";
import { statSync } from "node:fs";
import { firstProblemError, HpmError, type Problem } from "../base/errors.js";
import { loadIndexes } from "./index-files.js";
import { issuesToProblems } from "./issues.js";
import { loadGroups } from "./layered-groups.js";
import { loadPackages } from "./layered-packages.js";
import type { LayerRoot } from "./location.js";
import type { Package, Registry, Shadow } from "./model.js";
import { toPackage } from "./package-file.js";
import { readYaml } from "./read-yaml.js";
import { packageFileSchema } from "./schema.js";

/**
 * The registry loader's entry: the files of every layer, read into a typed registry with every
 * problem found in one pass. Each kind of file is read by its own module (index-files,
 * layered-packages with package-file, layered-groups with group-file and references).
 */

export type LoadResult = {
	readonly registry: Registry;
	/** Every problem found, in file order; files with problems are left out of `registry`. */
	readonly problems: readonly Problem[];
};

/** Reads `root/indexes/*.yaml`, `root/groups/*.yaml` and `root/packages/*.yaml` into a typed registry, collecting every problem. */
export function loadRegistry(root: string): LoadResult {
	const { registry, problems } = loadRegistryParts(root);
	return { registry, problems };
}

/**
 * The registry, every problem, and what could be read of the packages left out (their valid
 * sources), so that `registry lint` checks those too: every problem is found in one pass, and a
 * fix never uncovers another one behind it (only a YAML syntax error hides the rest of its file).
 */
export function loadRegistryParts(
	/** One folder, or the layers in order (a name defined in an earlier layer hides later ones). */
	root: string | readonly LayerRoot[],
	/** Files as they would be written (absolute path → text): the loader reads these instead. */
	overlay: ReadonlyMap<string, string> = new Map(),
): LoadResult & {
	readonly leftOut: readonly Package[];
	/** Every group file whose name could be read, loaded or not: normalized name → file. */
	readonly groupFiles: ReadonlyMap<string, string>;
	/** What is worth fixing but blocks nothing (a group without options): reported by lint only. */
	readonly lintOnly: readonly Problem[];
} {
	const layers: readonly LayerRoot[] = typeof root === "string" ? [{ root }] : root;
	for (const layer of layers) {
		const rootStat = statSafe(layer.root);
		if (!rootStat?.isDirectory()) {
			throw new HpmError(
				"registry-not-found",
				rootStat ? `the registry path ${layer.root} is not a directory` : `no registry at ${layer.root}`,
				{
					hint: "create an empty one with `hpm init --registry registry`, or pass --registry DIR",
				},
			);
		}
	}
	const problems: Problem[] = [];
	const shadowed: Shadow[] = [];
	const indexes = loadIndexes(layers, problems, overlay, shadowed);
	const { packages, leftOut, broken } = loadPackages(layers, indexes, problems, shadowed, overlay);
	const { groups, groupFiles, lintOnly } = loadGroups(layers, packages, broken, problems, shadowed, overlay);
	problems.push(...machineOnlyProblems(groups, packages));
	const roots = layers.map((layer) => layer.root);
	return {
		registry: { root: roots[0] ?? "", roots, groups, packages, indexes: indexes.loaded, shadowed },
		problems,
		leftOut,
		groupFiles,
		lintOnly,
	};
}

/** Like loadRegistry, but any problem is an error that points at the first one. */
export function loadRegistryStrict(root: string): Registry {
	const { registry, problems } = loadRegistry(root);
	const error = firstProblemError(problems);
	if (error) throw error;
	return registry;
}

/**
 * Throws the first problem the loader finds in `planned` (absolute path → text, files about to be
 * written) read together with the rest of the registry at `root`: nothing is written that the
 * loader would then reject.
 */
export function refuseUnloadable(
	/** The folder written to, or every layer (the planned files in one of them). */
	root: string | readonly LayerRoot[],
	planned: ReadonlyMap<string, string>,
	hint?: (file: string) => string,
): void {
	const refused = loadRegistryParts(root, planned).problems.find((problem) =>
		planned.has(problem.location?.file ?? ""),
	);
	if (!refused) return;
	throw new HpmError("would-not-load", `${refused.message}; nothing was written`, {
		...(refused.location ? { location: refused.location } : {}),
		...(hint && refused.location ? { hint: hint(refused.location.file) } : {}),
	});
}

/** One package manifest on its own (for `hpm install --manifest`), or an error at its first problem. */
export function loadManifest(file: string): Package {
	const problems: Problem[] = [];
	const yaml = readYaml(file, problems);
	const parsed = yaml ? packageFileSchema.safeParse(yaml.value) : undefined;
	if (yaml && parsed && !parsed.success) problems.push(...issuesToProblems("package", yaml, parsed.error.issues));
	const pkg = yaml && parsed?.success ? toPackage(yaml, parsed.data, true, problems).package : undefined;
	const first = problems[0];
	if (first || !pkg) {
		throw new HpmError(first?.code ?? "manifest-invalid", first?.message ?? `${file} is not a package manifest`, {
			location: first?.location ?? { file },
			hint: "fix the manifest; nothing was installed",
		});
	}
	return pkg;
}

function statSafe(target: string) {
	try {
		return statSync(target);
	} catch {
		return undefined;
	}
}
