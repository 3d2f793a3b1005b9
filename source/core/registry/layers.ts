import { HpmError } from "../base/errors.js";
import type { Project } from "../project/project.js";
import { locateTomlKey } from "../project/toml-locate.js";
import { type GitLayer, isCommitId, type LayerRoot, type RegistryLayer } from "./location.js";
import type { FetchPolicy } from "./remote.js";

export type { LayerRoot } from "./location.js";

/** What resolving the layers needs of a command's context. */
type Context = {
	readonly layers: readonly RegistryLayer[];
	readonly project: Project | undefined;
	readonly pinned: boolean;
	readonly progress?: ((line: string) => void) | undefined;
	readonly warn?: ((message: string) => void) | undefined;
};

export type ResolvedLayers = {
	readonly roots: readonly LayerRoot[];
	/** The commit each git layer is read at, in layer order. */
	readonly commits: readonly string[];
};

/**
 * The folders of the context's layers: a folder layer as it is, a git layer at the commit the
 * project pins (`[tool.hpm] registry-rev`), else at its ref's commit in hpm's clone (fetched
 * first when the clone does not have it). With `unpinned`, the pins are not used
 * (`registry update` asks for the newest commits).
 */
export async function resolveLayers(
	context: Context,
	policy: FetchPolicy,
	signal?: AbortSignal,
	unpinned = false,
): Promise<ResolvedLayers> {
	const remotes = context.layers.filter((layer): layer is GitLayer => layer.kind === "git");
	if (remotes.length === 0)
		return { roots: context.layers.map((layer) => ({ root: layer.kind === "folder" ? layer.path : "" })), commits: [] };
	const pins = unpinned ? [] : projectPins(context, remotes.length);
	const id = memoKey(context, unpinned);
	const known = resolved.get(id);
	if (known && policy !== "always") return known;
	const { remoteTree } = await import("./remote.js");
	const roots: LayerRoot[] = [];
	const commits: string[] = [];
	for (const layer of context.layers) {
		if (layer.kind === "folder") {
			roots.push({ root: layer.path });
			continue;
		}
		const pin = pins[commits.length];
		const tree = await remoteTree(layer, pin, { policy, progress: context.progress, signal, warn: context.warn });
		roots.push({ root: tree.root, remote: layer.written });
		commits.push(tree.commit);
	}
	resolved.set(id, { roots, commits });
	return { roots, commits };
}

// A ref's commit is read once per run: every load of one run sees the same registry.
const resolved = new Map<string, ResolvedLayers>();
const memoKey = (context: Context, unpinned: boolean) =>
	JSON.stringify([context.layers, unpinned ? [] : context.pinned ? context.project?.registryRevs : []]);

/**
 * The layers' folders without waiting for git: for a screen that must answer at once (the UI's
 * preview), after this run has already read the registry.
 */
export function resolvedLayersNow(context: Context): readonly LayerRoot[] {
	if (context.layers.every((layer) => layer.kind === "folder"))
		return context.layers.map((layer) => ({ root: layer.kind === "folder" ? layer.path : "" }));
	const known = resolved.get(memoKey(context, false));
	if (known) return known.roots;
	throw new HpmError("registry-not-read", "the registry from git has not been read yet in this run", {
		hint: "run the command again",
	});
}

/** The pins that apply: the project's, checked against its git layers; none when `-r` named others. */
export function projectPins(context: Context, remotes: number): readonly string[] {
	const project = context.project;
	if (!context.pinned || project === undefined || !project.registryRevGiven) return [];
	const location = locateTomlKey(project.text, project.file, ["tool", "hpm"], "registry-rev");
	const bad = project.registryRevs.find((rev) => !isCommitId(rev));
	if (bad !== undefined)
		throw new HpmError("project-invalid", `registry-rev ${JSON.stringify(bad)} is not a full commit id`, {
			location,
			hint: "`hpm registry update` pins the newest commit (hpm writes registry-rev; do not edit it by hand)",
		});
	if (project.registryRevs.length !== remotes)
		throw new HpmError(
			"project-invalid",
			`registry-rev lists ${project.registryRevs.length} commit${project.registryRevs.length === 1 ? "" : "s"} but [tool.hpm] registry names ${remotes} git registr${remotes === 1 ? "y" : "ies"}`,
			{ location, hint: "`hpm registry update` pins each git registry's newest commit, one per registry in order" },
		);
	return project.registryRevs;
}
