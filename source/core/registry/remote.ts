import { gitCredentialEnv, redactSecrets } from "../base/secrets.js";
import { type ChildProcess, spawn } from "node:child_process";
import {
	chmodSync,
	existsSync,
	lstatSync,
	mkdirSync,
	readdirSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync,
} from "node:fs";
import path from "node:path";
import { HpmError } from "../base/errors.js";
import { URL_FILE } from "../base/display-path.js";
import { randomHex } from "../os/random.js";
import { sha256 } from "../os/sha256.js";
import { cacheFolder, makeCacheFolder, prepareCacheEntry } from "../os/cache-trust.js";
import { lockAt } from "../project/lock.js";
import { displaySafe } from "../base/text.js";
import { deathGuard, gitDeadlines } from "../uv/driver.js";
import { onLines } from "../os/lines.js";
import { type GitLayer, isCommitId } from "./location.js";

/**
 * Registries from git. One bare clone per URL in hpm's cache (`registries/<id>/repo.git`), and
 * each commit a project reads extracted once into `registries/<id>/trees/<commit>` (never changed
 * after: a commit's files are the commit's). git is asked over the network only when told to
 * (`registry update`) or when the commit or ref hpm needs is not in the clone yet; everything
 * else is read offline.
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

/** The commit `layer`'s ref names now, after asking the remote (`hpm registry update`). */
export async function newestCommit(layer: GitLayer, options: Omit<RemoteOptions, "policy">): Promise<RemoteTree> {
	return remoteTree(layer, undefined, { ...options, policy: "always" });
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

type Clone = {
	hasCommit(commit: string): Promise<boolean>;
	onBranchOrTag(commit: string): Promise<boolean>;
	resolve(ref: string | undefined): Promise<string | undefined>;
	fetch(layer: GitLayer, pin: string | undefined, options: RemoteOptions): Promise<void>;
	tree(layer: GitLayer, commit: string): Promise<string>;
};

/** The folder of one URL's clone and trees. */
export function cloneFolder(url: string): string {
	return path.join(cacheFolder(), "registries", sha256(url).slice(0, 24));
}

async function openClone(url: string): Promise<Clone> {
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
	if (!existsSync(path.join(base, URL_FILE)))
		writeFileSync(path.join(base, URL_FILE), `git+${redactSecrets(url)}\n`, { mode: 0o600 });
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

// git processes of this run: however hpm ends (a signal, an error), none is left fetching into the
// clone after it, where the next run's fetch would race it
const running = new Set<ChildProcess>();
let hooked = false;
function stopAtExit(): void {
	if (hooked) return;
	hooked = true;
	process.on("exit", () => {
		for (const child of running) stopGroup(child);
	});
}

function stopGroup(child: ChildProcess): void {
	try {
		if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
	} catch {
		child.kill("SIGTERM"); // the group is gone: the process itself, if it is still there
	}
}

type GitRun = { readonly code: number; readonly stdout: string; readonly lines: readonly string[] };

/**
 * Runs git without a prompt (never waiting for a password) and with hpm's deadlines for a host
 * that stalls (settings of the person's own win); a failure with `check` is an HpmError that
 * names what was being done and git's last lines.
 */
async function git(
	args: readonly string[],
	options: {
		what: string;
		check?: boolean;
		/** A failure is about hpm's cache folder, not the network. */
		cache?: boolean;
		env?: NodeJS.ProcessEnv;
		progress?: ((line: string) => void) | undefined;
		signal?: AbortSignal | undefined;
	},
): Promise<GitRun> {
	const deadlines = await gitDeadlines();
	// a fetch dies with hpm, even a SIGKILLed one (git was found by the commands before it)
	const guard = args.includes("fetch") ? deathGuard() : [];
	return new Promise((resolve, reject) => {
		const child = spawn(guard[0] ?? "git", [...guard.slice(1), ...(guard.length > 0 ? ["git"] : []), ...args], {
			env: { ...deadlines, ...process.env, GIT_TERMINAL_PROMPT: "0", ...options.env },
			stdio: ["ignore", "pipe", "pipe"],
			// its own process group, so that stopping it stops its helpers too (git-remote-http, ssh)
			detached: true,
		});
		running.add(child);
		stopAtExit();
		let stdout = "";
		const lines: string[] = [];
		child.stdout.setEncoding("utf8");
		child.stdout.on("data", (chunk: string) => {
			stdout += chunk;
		});
		onLines(child.stderr, (line) => {
			const text = redactSecrets(displaySafe(line.trim()));
			if (text === "") return;
			lines.push(text);
			if (lines.length > 40) lines.shift();
			options.progress?.(text);
		});
		const abort = () => stopGroup(child);
		options.signal?.addEventListener("abort", abort, { once: true });
		child.on("error", (error: NodeJS.ErrnoException) => {
			options.signal?.removeEventListener("abort", abort);
			reject(
				new HpmError(
					"git-missing",
					error.code === "ENOENT" ? "git is not installed (hpm needs it for a registry from git)" : error.message,
					{ hint: "install git and run the command again" },
				),
			);
		});
		child.on("close", (code, signal) => {
			running.delete(child);
			options.signal?.removeEventListener("abort", abort);
			if (options.signal?.aborted) {
				reject(new HpmError("interrupted", `interrupted while trying to ${options.what}`, { exitCode: 130 }));
				return;
			}
			const exit = code ?? (signal ? 128 : 1);
			if (exit !== 0 && options.check !== false) {
				const said = lines.filter(
					(line) => !/^(remote: )?(Counting|Compressing|Receiving|Resolving|Enumerating)/.test(line),
				);
				const errors = said.filter((line) => /^(fatal|error):/.test(line));
				const detail = errors.length > 0 ? errors : said;
				reject(
					new GitFailed(
						`cannot ${options.what}: ${detail.slice(-3).join("; ") || `git exited ${exit}`}`,
						options.cache
							? "check that hpm's cache folder has room and can be written (HPM_CACHE_DIR, else ~/.cache/hpm)"
							: "check the URL and your network or credentials (git never asks for a password here)",
						said,
					),
				);
				return;
			}
			resolve({ code: exit, stdout, lines });
		});
	});
}

/** git exited non-zero: what it said (redacted, progress left out) is kept as data for the caller to act on. */
class GitFailed extends HpmError {
	readonly lines: readonly string[];

	constructor(message: string, hint: string, lines: readonly string[]) {
		super("git-failed", message, { hint });
		this.lines = lines;
	}
}
