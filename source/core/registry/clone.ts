import { gitCredentialEnv, redactSecrets } from "../base/secrets.js";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { HpmError } from "../base/errors.js";
import { URL_FILE } from "../base/display-path.js";
import { writeFileAtomic } from "../os/fs-atomic.js";
import { randomHex } from "../os/random.js";
import { sha256 } from "../os/sha256.js";
import { cacheFolder, makeCacheFolder, prepareCacheEntry } from "../os/cache-trust.js";
import { lockAt } from "../project/lock-file.js";
import { GitFailed, git } from "./git-run.js";
import { type GitLayer, isCommitId } from "./location.js";

/**
 * hpm's clone of one registry URL: a bare repository in hpm's cache (`registries/<id>/repo.git`),
 * and each commit a project reads extracted once into `registries/<id>/trees/<commit>` (never
 * changed after: a commit's files are the commit's).
 */

/** What a fetch is told: where git's progress lines go, what stops it. */
export type FetchOptions = {
	readonly progress?: ((line: string) => void) | undefined;
	readonly signal?: AbortSignal | undefined;
};

export type Clone = {
	hasCommit(commit: string): Promise<boolean>;
	onBranchOrTag(commit: string): Promise<boolean>;
	resolve(ref: string | undefined): Promise<string | undefined>;
	fetch(layer: GitLayer, pin: string | undefined, options: FetchOptions): Promise<void>;
	tree(layer: GitLayer, commit: string): Promise<string>;
};

/** The folder of one URL's clone and trees. */
export function cloneFolder(url: string): string {
	return path.join(cacheFolder(), "registries", sha256(url).slice(0, 24));
}

export async function openClone(url: string): Promise<Clone> {
	const base = cloneFolder(url);
	const repo = path.join(base, "repo.git");
	// every folder from the cache folder down is this user's (os/cache-trust.ts): what another user
	// put in a shared cache folder is never read as the registry
	makeCacheFolder(path.join(base, "trees"));
	if (!prepareCacheEntry(repo, "folder") || !existsSync(path.join(repo, "HEAD"))) {
		const staged = `${repo}.${process.pid}.${randomHex(4)}.tmp`;
		try {
			const what = `prepare hpm's clone of ${redactSecrets(url)} in ${base}`;
			await git(["init", "--bare", "--quiet", staged], { what, cache: true });
			// private whatever the umask: a clone others could write would not be believed next time
			chmodSync(staged, 0o700);
			// a registry's files are read as files: a link in it is checked out as a file holding its target
			await git(["--git-dir", staged, "config", "core.symlinks", "false"], { what, cache: true });
			await git(["--git-dir", staged, "config", "gc.auto", "0"], { what, cache: true });
		} catch (error) {
			rmSync(staged, { recursive: true, force: true });
			throw error;
		}
		try {
			renameSync(staged, repo);
		} catch {
			// another hpm made it first
			rmSync(staged, { recursive: true, force: true });
		}
	}
	// what the clone is of, for messages naming its files (displayPath)
	// staged and renamed: another hpm reading it never sees half a line
	if (!existsSync(path.join(base, URL_FILE)))
		writeFileAtomic(path.join(base, URL_FILE), `git+${redactSecrets(url)}\n`, { newMode: 0o600 });
	const gitDir = ["--git-dir", repo];
	const hasCommit = async (commit: string) =>
		isCommitId(commit) &&
		(await git([...gitDir, "cat-file", "-e", `${commit}^{commit}`], { what: "", check: false })).code === 0;
	return {
		hasCommit,
		onBranchOrTag: async (commit) => (await refsContaining(repo, commit)).length > 0,
		async resolve(ref) {
			// a branch or tag by its short name, or in full (`refs/heads/main`), or a commit
			const names =
				ref === undefined
					? ["refs/hpm/head"]
					: /^refs\/(heads|tags)\//.test(ref)
						? [ref]
						: [`refs/heads/${ref}`, `refs/tags/${ref}`, ...(/^[0-9a-f]{7,64}$/.test(ref) ? [ref] : [])];
			for (const name of names) {
				const run = await git([...gitDir, "rev-parse", "--verify", "--quiet", `${name}^{commit}`], {
					what: "",
					check: false,
				});
				const commit = run.stdout.trim();
				if (run.code === 0 && isCommitId(commit)) return commit;
			}
			return undefined;
		},
		async fetch(layer, pin, options) {
			// one fetch at a time per clone: git's own ref locks would fail a second one
			const lock = await lockAt(path.join(base, "fetch.lock"), "fetch", "on this registry's clone", {
				signal: options.signal,
			});
			try {
				const specs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];
				const progress = options.progress ? ["--progress"] : [];
				// the URL's credentials go in git's environment, never on its command line (/proc shows that to everyone)
				const env = gitCredentialEnv([layer]);
				options.progress?.(`fetching the registry ${redactSecrets(layer.url)}`);
				const fetchAll = (head: boolean) =>
					git(
						[
							...gitDir,
							"fetch",
							"--prune",
							"--no-tags",
							...progress,
							"--",
							layer.url,
							...(head ? ["+HEAD:refs/hpm/head"] : []),
							...specs,
						],
						{
							what: `fetch the registry ${redactSecrets(layer.url)}`,
							env,
							progress: options.progress,
							signal: options.signal,
						},
					);
				// the default branch (HEAD) only when no ref is named; a remote whose HEAD leads nowhere
				// (a bare repository made on another default branch) still serves its branches and tags
				await fetchAll(layer.ref === undefined).catch(async (error: unknown) => {
					if (
						layer.ref !== undefined ||
						!(error instanceof GitFailed) ||
						!error.lines.some((l) => /remote ref HEAD/.test(l))
					)
						throw error;
					await fetchAll(false);
				});
				// a commit no branch or tag leads to: asked for by name, where the server allows it
				for (const wanted of [pin, layer.ref]) {
					if (wanted === undefined || !isCommitId(wanted) || (await hasCommit(wanted))) continue;
					await git([...gitDir, "fetch", "--no-tags", ...progress, "--", layer.url, wanted], {
						what: `fetch commit ${wanted} of ${redactSecrets(layer.url)}`,
						env,
						progress: options.progress,
						signal: options.signal,
						check: false,
					});
				}
			} finally {
				lock.release();
			}
		},
		async tree(layer, commit) {
			const tree = path.join(base, "trees", commit);
			if (!prepareCacheEntry(tree, "folder")) {
				removeAbandoned(path.join(base, "trees"));
				// extracted beside its place, then renamed: a tree that exists is complete
				const staged = `${tree}.${process.pid}.${randomHex(4)}.tmp`;
				const index = `${staged}.index`;
				try {
					mkdirSync(staged, { mode: 0o700 });
					const env = { GIT_INDEX_FILE: index };
					const work = [...gitDir, "--work-tree", staged];
					await git([...work, "read-tree", commit], { what: `read commit ${commit}`, env });
					await git([...work, "checkout-index", "--all", "--force"], { what: `extract commit ${commit}`, env });
					try {
						renameSync(staged, tree);
					} catch {
						if (!existsSync(tree)) throw new HpmError("registry-cache", `cannot write ${tree}`);
					}
				} finally {
					rmSync(staged, { recursive: true, force: true });
					rmSync(index, { force: true });
				}
			}
			const root = layer.subdirectory === undefined ? tree : path.join(tree, layer.subdirectory);
			if (!isFolder(root))
				throw new HpmError(
					"registry-not-found",
					`the registry ${redactSecrets(layer.written)} has no folder ${layer.subdirectory ?? ""} at commit ${commit}`,
					{ hint: "check #subdirectory= in the registry's URL" },
				);
			return root;
		},
	};
}

/** The branches and tags of the clone (as last fetched) whose history holds `commit`, at most one. */
async function refsContaining(repo: string, commit: string): Promise<string> {
	const run = await git(
		[
			"--git-dir",
			repo,
			"for-each-ref",
			"--count=1",
			"--format=%(refname)",
			"--contains",
			commit,
			"refs/heads",
			"refs/tags",
			"refs/hpm",
		],
		{ what: "", check: false },
	);
	return run.code === 0 ? run.stdout.trim() : "";
}

/** What a killed hpm left half-extracted (an hour old: no live run is still writing it). */
function removeAbandoned(folder: string): void {
	let names: string[];
	try {
		names = readdirSync(folder);
	} catch {
		return;
	}
	for (const name of names) {
		if (!/\.\d+\.[0-9a-f]{8}\.tmp(\.index)?$/.test(name)) continue;
		const file = path.join(folder, name);
		try {
			if (Date.now() - lstatSync(file).mtimeMs > 3_600_000) rmSync(file, { recursive: true, force: true });
		} catch {
			// gone already
		}
	}
}

function isFolder(target: string): boolean {
	try {
		return statSync(target).isDirectory();
	} catch {
		return false;
	}
}
