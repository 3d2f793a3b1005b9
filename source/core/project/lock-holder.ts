import { hostname } from "node:os";
import { isCode } from "../base/errors.js";
import { readRegularFile } from "../os/read-file.js";
import { identify, isSameProcess } from "../os/process.js";

/** Who holds a lock, as its lock file records it. */
export type LockOwner = {
	readonly pid: number;
	readonly host: string;
	readonly command: string;
	readonly started: string;
	/** When the owner process started (see os/process.ts), so a reused pid is not mistaken for it. */
	readonly start?: string;
};

/** This process as the holder of a lock it takes now for `command`. */
export function thisProcess(command: string): LockOwner {
	const me = identify(process.pid);
	return {
		pid: process.pid,
		host: hostname(),
		command,
		started: new Date().toISOString(),
		...(me ? { start: me.start } : {}),
	};
}

/** The holder a lock file names, or undefined when it names none (empty, half-written, not hpm's). */
export function readOwner(file: string): LockOwner | undefined {
	let data: Partial<LockOwner>;
	try {
		data = JSON.parse(readRegularFile(file, 4096).toString("utf8")) as Partial<LockOwner>;
	} catch {
		return undefined; // gone, not a regular file, or half-written
	}
	return typeof data.pid === "number" && Number.isInteger(data.pid) && data.pid > 0 && typeof data.host === "string"
		? {
				pid: data.pid,
				host: data.host,
				command: String(data.command ?? "?"),
				started: String(data.started ?? "?"),
				...(typeof data.start === "string" ? { start: data.start } : {}),
			}
		: undefined;
}

/** A lock is stale when its owner is on this machine and no longer alive (or its pid is someone else's now). */
export function isStale(owner: LockOwner): boolean {
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
