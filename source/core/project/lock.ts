import { closeSync, existsSync, lstatSync, openSync, type Stats, unlinkSync, writeSync } from "node:fs";
import { readRegularFile } from "../os/read-file.js";
import { hostname } from "node:os";
import path from "node:path";
import { HpmError, isCode } from "../base/errors.js";
import { identify, isSameProcess } from "../os/process.js";
import { hashOf, projectFiles } from "./files.js";
import { journalPath, recoverJournal } from "./journal.js";
import { leftoverBackups, removeLeftovers, removeStaged } from "./leftovers.js";

export const LOCK_FILE = ".hpm.lock";

export type LockOwner = {
	readonly pid: number;
	readonly host: string;
	readonly command: string;
	readonly started: string;
	/** When the owner process started (see os/process.ts), so a reused pid is not mistaken for it. */
	readonly start?: string;
};

export type ProjectLock = { release(): void };

const DEFAULT_TIMEOUT_MS = 60_000;
// An empty or unreadable lock file is an owner between creating and filling it, unless it is this old
// (either way: a clock that jumped makes a future time as suspect as an old one).
const HALF_WRITTEN_MS = 2_000;

/** `HPM_LOCK_TIMEOUT_MS`, checked: a wait without a deadline is never what anyone meant. */
export function lockTimeout(env: NodeJS.ProcessEnv = process.env): number {
	const raw = env.HPM_LOCK_TIMEOUT_MS;
	if (raw === undefined || raw === "") return DEFAULT_TIMEOUT_MS;
	const value = Number(raw);
	if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
		throw new HpmError("invalid-setting", `HPM_LOCK_TIMEOUT_MS must be a whole number of milliseconds, got "${raw}"`, {
			hint: "unset it (the default is 60000) or set it to a number such as 30000",
		});
	}
	return value;
}

/**
 * Takes the project lock (`.hpm.lock` beside pyproject.toml, holding the owner's pid), like git's
 * index.lock. A lock whose owner process is gone is stale and taken over. While another live hpm
 * holds it, this waits up to `timeoutMs`, telling the user once, then gives up with a clear error.
 * Every path through here has that deadline, and `signal` (Ctrl-C) ends the wait at once.
 */
export async function lockProject(root: string, command: string, options: LockOptions = {}): Promise<ProjectLock> {
	return lockFile(path.join(root, LOCK_FILE), command, "in this project", options);
}

type LockOptions = { timeoutMs?: number; onWait?: (owner: LockOwner) => void; signal?: AbortSignal | undefined };

/** The lock file `file`, taken as `lockProject` describes; `where` names what it guards, for messages. */
export async function lockAt(file: string, command: string, where: string, options: LockOptions): Promise<ProjectLock> {
	return lockFile(file, command, where, options);
}

async function lockFile(file: string, command: string, where: string, options: LockOptions): Promise<ProjectLock> {
	const deadline = Date.now() + (options.timeoutMs ?? lockTimeout());
	let told = false;
	for (;;) {
		if (options.signal?.aborted)
			throw new HpmError("interrupted", `interrupted while waiting for the lock ${file}`, { exitCode: 1 });
		const owner: LockOwner = {
			pid: process.pid,
			host: hostname(),
			command,
			started: new Date().toISOString(),
			...(identify(process.pid) ? { start: identify(process.pid)?.start } : {}),
		};
		try {
			const fd = openSync(file, "wx", 0o644);
			try {
				writeSync(fd, `${JSON.stringify(owner)}\n`);
			} finally {
				closeSync(fd);
			}
			return holdUntilExit(file);
		} catch (error) {
			if (!isCode(error, "EEXIST")) {
				throw new HpmError("lock-failed", `cannot create ${file}: ${(error as Error).message}`, {
					hint: `check that ${path.dirname(file)} is writable`,
				});
			}
		}
		assertLockFile(file);
		const current = readOwner(file);
		const stale = current === undefined ? Math.abs(ageMs(file)) > HALF_WRITTEN_MS : isStale(current);
		if (stale) {
			try {
				unlinkSync(file);
			} catch {
				// someone else removed it first
			}
			continue;
		}
		if (Date.now() >= deadline) {
			const who = current
				? `pid ${current.pid}: hpm ${current.command}, since ${current.started}`
				: "its owner is unknown";
			throw new HpmError("locked", `another hpm is running ${where} (${who})`, {
				hint: `wait for it to finish; if no hpm is running, delete ${file}`,
			});
		}
		if (!told && current) {
			told = true;
			options.onWait?.(current);
		}
		await sleep(current ? 100 : 50, options.signal);
	}
}

/** An odd lock (a folder, a link, a device) is an error with the fix, never a loop. */
function assertLockFile(file: string): void {
	let stats: Stats;
	try {
		stats = lstatSync(file);
	} catch {
		return; // gone again: the loop retries
	}
	if (!stats.isFile()) {
		throw new HpmError("lock-odd", `${file} is not hpm's lock file (it is ${kindOf(stats)})`, {
			hint: `remove it (rm -r "${file}") and run the command again`,
		});
	}
}

function kindOf(stats: Stats): string {
	if (stats.isDirectory()) return "a folder";
	if (stats.isSymbolicLink()) return "a symbolic link";
	if (stats.isFIFO()) return "a named pipe";
	if (stats.isSocket()) return "a socket";
	return "a device";
}

function ageMs(file: string): number {
	try {
		return Date.now() - lstatSync(file).mtimeMs;
	} catch {
		return 0;
	}
}

function readOwner(file: string): LockOwner | undefined {
	try {
		const text = readRegularFile(file, 4096).toString("utf8");
		const data = JSON.parse(text) as Partial<LockOwner>;
		return typeof data.pid === "number" && Number.isInteger(data.pid) && data.pid > 0 && typeof data.host === "string"
			? {
					pid: data.pid,
					host: data.host,
					command: String(data.command ?? "?"),
					started: String(data.started ?? "?"),
					...(typeof data.start === "string" ? { start: data.start } : {}),
				}
			: undefined;
	} catch {
		return undefined;
	}
}

/** A lock is stale when its owner is on this machine and no longer alive (or its pid is someone else's now). */
function isStale(owner: LockOwner): boolean {
	if (owner.host !== hostname()) return false;
	if (owner.start !== undefined && identify(owner.pid) !== undefined)
		return !isSameProcess({ pid: owner.pid, start: owner.start });
	try {
		process.kill(owner.pid, 0);
		return false;
	} catch (error) {
		return isCode(error, "ESRCH");
	}
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(done, ms);
		function done() {
			clearTimeout(timer);
			signal?.removeEventListener("abort", done);
			resolve();
		}
		signal?.addEventListener("abort", done, { once: true });
	});
}

/** Locks this process holds; released when it exits, however it exits (a signal's handler calls exit). */
const held = new Set<ProjectLock>();
let exitHook = false;

function holdUntilExit(file: string): ProjectLock {
	let released = false;
	const lock: ProjectLock = {
		release: () => {
			if (released) return;
			released = true;
			held.delete(lock);
			try {
				if (readOwner(file)?.pid === process.pid) unlinkSync(file);
			} catch {
				// already gone
			}
		},
	};
	held.add(lock);
	if (!exitHook) {
		exitHook = true;
		process.on("exit", () => {
			for (const each of [...held]) each.release();
		});
	}
	return lock;
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
	const lock = await lockFile(path.join(registryRoot, REGISTRY_LOCK_FILE), command, "on this registry", {
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
