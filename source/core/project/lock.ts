import { existsSync } from "node:fs";
import path from "node:path";
import { hashOf, projectFiles } from "./files.js";
import { journalPath, recoverJournal } from "./journal.js";
import { leftoverBackups, removeLeftovers, removeStaged } from "./leftovers.js";
import { lockAt, type LockOptions, type ProjectLock } from "./lock-file.js";
import type { LockOwner } from "./lock-holder.js";

export const LOCK_FILE = ".hpm.lock";

/** Takes the project lock (`.hpm.lock` beside pyproject.toml), as `lockAt` describes. */
export async function lockProject(root: string, command: string, options: LockOptions = {}): Promise<ProjectLock> {
	return lockAt(path.join(root, LOCK_FILE), command, "in this project", options);
}

/** What a locked command tells its caller while it runs: a wait for another hpm, a recovery. */
export type LockHooks = {
	readonly onWait?: ((owner: LockOwner) => void) | undefined;
	/** A killed hpm's change was undone before this command started; the sentence says so. */
	readonly onRecovered?: ((message: string) => void) | undefined;
	/** Something a command that repairs nothing should say (an unfinished change, found and left alone). */
	readonly onNotice?: ((message: string) => void) | undefined;
	/** Ends a wait for the lock at once (Ctrl-C). */
	readonly signal?: AbortSignal | undefined;
};

/**
 * Takes the project lock, finishes what a killed hpm left behind (its journal), runs `body` and
 * releases the lock. Every read-modify-write of hpm, from the CLI or the UI, goes through here.
 */
export async function underProjectLock<T>(
	root: string,
	command: string,
	hooks: LockHooks,
	body: () => Promise<T> | T,
): Promise<T> {
	const lock = await acquire(root, command, hooks);
	try {
		return await body();
	} finally {
		lock.release();
	}
}

/** The same as `underProjectLock`, for an operation that reports a stream of events as it runs. */
export async function* underProjectLockStream<E, T>(
	root: string,
	command: string,
	hooks: LockHooks,
	body: () => AsyncGenerator<E, T>,
): AsyncGenerator<E, T> {
	const lock = await acquire(root, command, hooks);
	try {
		return yield* body();
	} finally {
		lock.release();
	}
}

/** The lock, with whatever a killed hpm left behind (its journal) already finished. */
async function acquire(root: string, command: string, hooks: LockHooks): Promise<ProjectLock> {
	const lock = await lockProject(root, command, { onWait: hooks.onWait, signal: hooks.signal });
	try {
		const files = existsSync(journalPath(root)) ? projectFiles(root) : undefined;
		// a journal that could not be used (another key, a cleared cache) leaves its backups unaccounted
		// for: they are kept, not removed as the leftovers of an hpm that died before its journal
		let unaccounted = false;
		if (files) {
			const recovered = await recoverJournal(
				root,
				{ pyproject: files.pyproject.target, lock: files.lock.target },
				hashOf,
			);
			unaccounted = recovered?.startsWith("set aside ") === true;
			if (recovered) hooks.onRecovered?.(recovered);
		}
		const kept = removeLeftovers(root, unaccounted);
		if (kept.length > 0) throw leftoverBackups(kept);
		return lock;
	} catch (error) {
		// a recovery that kept both versions still clears the dead hpm's half-written temporaries
		removeLeftovers(root);
		lock.release();
		throw error;
	}
}

/**
 * `body` under the project lock when there is a project (`root`), else as it is: the registry
 * commands also work on a registry outside any project.
 */
export function underProjectLockIfAny<T>(
	root: string | undefined,
	command: string,
	hooks: LockHooks,
	body: () => T | Promise<T>,
): Promise<T> {
	return root === undefined ? Promise.resolve().then(body) : underProjectLock(root, command, hooks, body);
}

/** The registry's lock file, beside its groups/ and packages/ (not the project's: a registry may be the project folder). */
export const REGISTRY_LOCK_FILE = ".hpm-registry.lock";

/**
 * `body` under the registry's own lock: every registry write (a manifest, a group file) reads and
 * writes under it, so two projects sharing a registry, or a registry command run outside any
 * project, never interleave. A dead writer's staged files are cleared first. Taken after the
 * project lock, never before it.
 */
export async function underRegistryLock<T>(
	registryRoot: string,
	command: string,
	hooks: LockHooks,
	body: () => Promise<T> | T,
): Promise<T> {
	const lock = await lockAt(path.join(registryRoot, REGISTRY_LOCK_FILE), command, "on this registry", {
		onWait: hooks.onWait,
		signal: hooks.signal,
	});
	try {
		removeStaged([path.join(registryRoot, "packages"), path.join(registryRoot, "groups")]);
		return await body();
	} finally {
		lock.release();
	}
}
