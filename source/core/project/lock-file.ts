import { closeSync, lstatSync, openSync, type Stats, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { HpmError, isCode } from "../base/errors.js";
import { isStale, type LockOwner, readOwner, thisProcess } from "./lock-holder.js";

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

export type LockOptions = { timeoutMs?: number; onWait?: (owner: LockOwner) => void; signal?: AbortSignal | undefined };

/**
 * Takes the lock file `file` (holding the owner's pid), like git's index.lock; `where` names what it
 * guards, for messages. A lock whose owner process is gone is stale and taken over. While another
 * live hpm holds it, this waits up to `timeoutMs`, telling the user once, then gives up with a clear
 * error. Every path through here has that deadline, and `signal` (Ctrl-C) ends the wait at once.
 */
export async function lockAt(file: string, command: string, where: string, options: LockOptions): Promise<ProjectLock> {
	const deadline = Date.now() + (options.timeoutMs ?? lockTimeout());
	let told = false;
	for (;;) {
		if (options.signal?.aborted)
			throw new HpmError("interrupted", `interrupted while waiting for the lock ${file}`, { exitCode: 1 });
		try {
			const fd = openSync(file, "wx", 0o644);
			try {
				writeSync(fd, `${JSON.stringify(thisProcess(command))}\n`);
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
		const stats = lstatSync(file, { throwIfNoEntry: false });
		if (stats === undefined) continue; // released again meanwhile: try again at once
		if (!stats.isFile()) throw oddLock(file, stats);
		const current = readOwner(file);
		const stale = current === undefined ? Math.abs(Date.now() - stats.mtimeMs) > HALF_WRITTEN_MS : isStale(current);
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
function oddLock(file: string, stats: Stats): HpmError {
	return new HpmError("lock-odd", `${file} is not hpm's lock file (it is ${kindOf(stats)})`, {
		hint: `remove it (rm -r "${file}") and run the command again`,
	});
}

function kindOf(stats: Stats): string {
	if (stats.isDirectory()) return "a folder";
	if (stats.isSymbolicLink()) return "a symbolic link";
	if (stats.isFIFO()) return "a named pipe";
	if (stats.isSocket()) return "a socket";
	return "a device";
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(done, ms);
		function done() {
			clearTimeout(timer);
			signal?.removeEventListener("abort", done);
			resolve();
		}
		signal?.addEventListener("abort", done);
	});
}

/** Locks this process holds; released when it exits, however it exits (a signal's handler calls exit). */
const held = new Set<ProjectLock>();

/** What this process's exit does: releases every lock it still holds. */
export function releaseHeldLocks(): void {
	for (const each of held) each.release();
}
process.on("exit", releaseHeldLocks);

function holdUntilExit(file: string): ProjectLock {
	let released = false;
	const lock: ProjectLock = {
		release: () => {
			if (released) return;
			released = true;
			held.delete(lock);
			if (readOwner(file)?.pid !== process.pid) return; // taken over meanwhile: theirs stays
			try {
				unlinkSync(file);
			} catch {
				// removed by someone meanwhile
			}
		},
	};
	held.add(lock);
	return lock;
}
