import { redactSecrets } from "../base/secrets.js";
import path from "node:path";
import { HpmError } from "../base/errors.js";
import { cloneFolder, openClone } from "./clone.js";
import { git } from "./git-run.js";
import { type GitLayer, isCommitId } from "./location.js";

/**
 * Registries from git, read from hpm's clone of each URL (clone.ts). git is asked over the
 * network only when told to (`registry update`) or when the commit or ref hpm needs is not in the
 * clone yet; everything else is read offline.
 */

/** When hpm may fetch: only for what the clone lacks, every time (`registry update`), or never. */
export type FetchPolicy = "if-missing" | "always" | "never";

export type RemoteOptions = {
	readonly policy: FetchPolicy;
	/** git's progress lines (only passed on a terminal). */
	readonly progress?: ((line: string) => void) | undefined;
	readonly signal?: AbortSignal | undefined;
	/** Told what a person should know and that stops nothing (a pin on no branch or tag). */
	readonly warn?: ((message: string) => void) | undefined;
};

export type RemoteTree = {
	/** The registry folder at that commit (the tree, or its `#subdirectory=`). */
	readonly root: string;
	readonly commit: string;
};

/**
 * The registry `layer` at `pin` (or at its ref's commit when there is no pin), fetched into the
 * cache first when the clone does not have it (or always, with policy "always").
 */
export async function remoteTree(
	layer: GitLayer,
	pin: string | undefined,
	options: RemoteOptions,
): Promise<RemoteTree> {
	try {
		return await readTree(layer, pin, options);
	} catch (error) {
		if (error instanceof HpmError || !(error instanceof Error) || !("code" in error)) throw error;
		if (error.code === "EUNTRUSTED")
			throw new HpmError(
				"registry-cache",
				`hpm's cache of the registry ${redactSecrets(layer.written)}: ${error.message}`,
				{
					hint: "hpm reads a registry only from folders that are yours and that nobody else can write",
				},
			);
		// the cache folder itself is the problem (not a folder, full, not writable)
		throw new HpmError(
			"registry-cache",
			`hpm's cache of the registry ${redactSecrets(layer.written)} cannot be written: ${error.message}`,
			{
				hint: "make hpm's cache folder writable (HPM_CACHE_DIR, else ~/.cache/hpm), or point HPM_CACHE_DIR at another folder",
			},
		);
	}
}

async function readTree(layer: GitLayer, pin: string | undefined, options: RemoteOptions): Promise<RemoteTree> {
	const clone = await openClone(layer.url);
	const fetch = async () => {
		await clone.fetch(layer, pin, options);
	};
	let commit: string | undefined;
	if (options.policy === "always") await fetch();
	if (pin !== undefined) {
		if (!(await clone.hasCommit(pin))) {
			if (options.policy === "never") throw missingCommit(layer, pin, undefined);
			if (options.policy !== "always")
				await fetch().catch((error: unknown) => {
					throw missingCommit(layer, pin, error);
				});
			if (!(await clone.hasCommit(pin))) throw missingCommit(layer, pin, undefined, true);
		}
		commit = pin;
		// a pin no branch or tag leads to (force-pushed away, never pushed, edited by hand) is said
		if (!(await clone.onBranchOrTag(pin)))
			options.warn?.(
				`registry-rev ${pin} of ${redactSecrets(layer.written)} is on no branch or tag of the registry (as of hpm's last fetch): its history may have been rewritten, or the commit never pushed; \`hpm registry update\` pins the newest commit of its ref`,
			);
	} else {
		commit = await clone.resolve(layer.ref);
		if (commit === undefined && options.policy === "if-missing") {
			await fetch();
			commit = await clone.resolve(layer.ref);
		}
		if (commit === undefined) {
			const what =
				layer.ref === undefined
					? "default branch (its HEAD leads to no branch)"
					: `branch, tag or commit "${layer.ref}"`;
			throw new HpmError("registry-ref", `the registry ${redactSecrets(layer.written)} has no ${what}`, {
				hint:
					layer.ref === undefined
						? "name a branch after @ in the registry's URL (git+...registry.git@main)"
						: "check the ref after @ in the registry's URL (git ls-remote URL lists them)",
			});
		}
	}
	return { root: await clone.tree(layer, commit), commit };
}

function missingCommit(layer: GitLayer, pin: string, cause: unknown, fetched = false): HpmError {
	const why =
		cause instanceof HpmError
			? `; fetching it failed: ${cause.message}`
			: fetched
				? "; the remote does not have it"
				: "";
	return new HpmError(
		"registry-commit",
		`the registry ${redactSecrets(layer.written)} at commit ${pin} is not in hpm's cache${why}`,
		{
			hint: fetched
				? "the commit in [tool.hpm] registry-rev is gone from the remote (its history was rewritten?): `hpm registry update --force` pins its newest commit"
				: "connect to the network once (hpm fetches it when it can), or `hpm registry update` to pin the newest commit",
		},
	);
}

/**
 * How moving a pin from `from` to `to` goes in the registry's history (hpm's clone of `url`, just
 * fetched): forward (`from` is an ancestor of `to`), backward (`to` is an ancestor of `from`),
 * rewritten (neither: a force-push), or gone (`from` is not in the registry at all).
 */
export async function pinMove(
	url: string,
	from: string,
	to: string,
): Promise<"forward" | "backward" | "rewritten" | "gone"> {
	const repo = path.join(cloneFolder(url), "repo.git");
	const isAncestor = async (a: string, b: string) =>
		(await git(["--git-dir", repo, "merge-base", "--is-ancestor", a, b], { what: "", check: false })).code === 0;
	const known =
		isCommitId(from) &&
		(await git(["--git-dir", repo, "cat-file", "-e", `${from}^{commit}`], { what: "", check: false })).code === 0;
	if (!known) return "gone";
	if (await isAncestor(from, to)) return "forward";
	if (await isAncestor(to, from)) return "backward";
	return "rewritten";
}
