import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { HpmError, isCode } from "../errors.js";
import { recoverJournal } from "./journal.js";

export const LOCK_FILE = ".hpm.lock";

export type LockOwner = {
	readonly pid: number;
	readonly host: string;
	readonly command: string;
	readonly started: string;
};

export type ProjectLock = { release(): void };

/**
 * Takes the project lock (`.hpm.lock` beside pyproject.toml, holding the owner's pid), like git's
 * index.lock. A lock whose owner process is gone is stale and taken over. While another live hpm
 * holds it, this waits up to `timeoutMs`, telling the user once, then gives up with a clear error.
 */
export async function lockProject(
	root: string,
	command: string,
	options: { timeoutMs?: number; onWait?: (owner: LockOwner) => void } = {},
): Promise<ProjectLock> {
	const file = path.join(root, LOCK_FILE);
	const timeoutMs = options.timeoutMs ?? Number(process.env.HPM_LOCK_TIMEOUT_MS ?? 60_000);
	const deadline = Date.now() + timeoutMs;
	let told = false;
	for (;;) {
		const owner: LockOwner = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
		try {
			const fd = openSync(file, "wx");
			writeSync(fd, `${JSON.stringify(owner)}\n`);
			closeSync(fd);
			let released = false;
			const lock = {
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
			holdUntilExit(lock);
			return lock;
		} catch (error) {
			if (!isCode(error, "EEXIST")) {
				throw new HpmError("lock-failed", `cannot create ${file}: ${(error as Error).message}`, {
					hint: "check that the project folder is writable",
				});
			}
		}
		const current = readOwner(file);
		// An empty lock file is an owner between creating and filling it, unless it is old.
		const stale = current === undefined ? ageMs(file) > 2_000 : isStale(current);
		if (stale) {
			try {
				unlinkSync(file);
			} catch {
				// someone else removed it first
			}
			continue;
		}
		if (current === undefined) {
			await sleep(50);
			continue;
		}
		if (Date.now() >= deadline) {
			throw new HpmError(
				"locked",
				`another hpm is running in this project (pid ${current.pid}: hpm ${current.command}, since ${current.started})`,
				{
					hint: `wait for it to finish; if no hpm is running, delete ${file}`,
				},
			);
		}
		if (!told) {
			told = true;
			options.onWait?.(current);
		}
		await sleep(100);
	}
}

function ageMs(file: string): number {
	try {
		return Date.now() - statSync(file).mtimeMs;
	} catch {
		return 0;
	}
}

function readOwner(file: string): LockOwner | undefined {
	try {
		const data = JSON.parse(readFileSync(file, "utf8")) as Partial<LockOwner>;
		return typeof data.pid === "number" ? (data as LockOwner) : undefined;
	} catch {
		return undefined;
	}
}

/** A lock is stale when its owner is on this machine and no longer alive. */
function isStale(owner: LockOwner): boolean {
	if (owner.host !== hostname()) return false;
	try {
		process.kill(owner.pid, 0);
		return false;
	} catch (error) {
		return isCode(error, "ESRCH");
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Locks this process holds; released when it exits, however it exits (a signal's handler calls exit). */
const held = new Set<ProjectLock>();
let exitHook = false;

function holdUntilExit(lock: ProjectLock): void {
	held.add(lock);
	if (exitHook) return;
	exitHook = true;
	process.on("exit", () => {
		for (const each of [...held]) each.release();
	});
}

/** What a locked command tells its caller while it runs: a wait for another hpm, a recovery. */
export type LockHooks = {
	readonly onWait?: ((owner: LockOwner) => void) | undefined;
	/** A killed hpm's change was undone before this command started; the sentence says so. */
	readonly onRecovered?: ((message: string) => void) | undefined;
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

/** The lock, with whatever a killed hpm left behind (its journal) already undone. */
async function acquire(root: string, command: string, hooks: LockHooks): Promise<ProjectLock> {
	const lock = await lockProject(root, command, { onWait: hooks.onWait });
	try {
		const recovered = recoverJournal(root);
		if (recovered) hooks.onRecovered?.(recovered);
		return lock;
	} catch (error) {
		lock.release();
		throw error;
	}
}
