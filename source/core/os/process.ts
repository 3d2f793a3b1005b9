import { readdirSync, readFileSync } from "node:fs";
import { isCode } from "../errors.js";

/**
 * A process as hpm records it: its pid plus when it started (clock ticks since boot, and the boot),
 * so a pid that the system has since given to someone else is never mistaken for it.
 */
export type ProcessIdentity = { readonly pid: number; readonly start: string };

function bootId(): string {
	try {
		return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
	} catch {
		return "";
	}
}

/** `pid`'s process group and start time from /proc (Linux), or undefined when it is gone or unknowable. */
function stat(pid: number): { pgrp: number; start: string } | undefined {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, "utf8");
		// the command name (field 2) may hold spaces and parentheses: fields start after the last ")"
		const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
		const pgrp = Number(fields[2]);
		const start = fields[19];
		if (!Number.isInteger(pgrp) || start === undefined) return undefined;
		return { pgrp, start };
	} catch {
		return undefined;
	}
}

/** Who `pid` is now, or undefined when it is gone or the system cannot say (no /proc). */
export function identify(pid: number | undefined): ProcessIdentity | undefined {
	if (pid === undefined) return undefined;
	const found = stat(pid);
	return found ? { pid, start: `${bootId()}:${found.start}` } : undefined;
}

/** Whether the recorded process is still the one running under its pid. */
export function isSameProcess(recorded: ProcessIdentity): boolean {
	return identify(recorded.pid)?.start === recorded.start;
}

/** Whether any process is left in group `pgid`. */
export function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (error) {
		return isCode(error, "EPERM");
	}
}

/** The pids in group `pgid` that started no earlier than `start` (from /proc; empty without it). */
export function groupMembers(pgid: number, since: ProcessIdentity): number[] {
	const [boot, ticks] = since.start.split(":");
	if (boot !== bootId()) return [];
	let entries: string[];
	try {
		entries = readdirSync("/proc");
	} catch {
		return [];
	}
	return entries
		.map(Number)
		.filter((pid) => Number.isInteger(pid) && pid > 0)
		.filter((pid) => {
			const found = stat(pid);
			return found !== undefined && found.pgrp === pgid && BigInt(found.start) >= BigInt(ticks ?? "0");
		});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops process group `pgid`: SIGTERM, then SIGKILL after `graceMs`, and waits until no member is
 * left (at most `deadlineMs`). Resolves with whether the group is gone.
 */
export async function stopGroup(pgid: number, graceMs = 3_000, deadlineMs = 10_000): Promise<boolean> {
	const send = (signal: NodeJS.Signals) => {
		try {
			process.kill(-pgid, signal);
		} catch {
			// gone already
		}
	};
	const started = Date.now();
	send("SIGTERM");
	let killed = false;
	while (groupAlive(pgid)) {
		const elapsed = Date.now() - started;
		if (elapsed > deadlineMs) return false;
		if (!killed && elapsed > graceMs) {
			killed = true;
			send("SIGKILL");
		}
		await sleep(20);
	}
	return true;
}

/**
 * Stops what is left of a uv that a killed hpm started, and only that: the group whose leader is
 * still the recorded process, or, with the leader gone (a shim that spawned uv and exited), the
 * members of its group that started after it. Any other process is left alone.
 */
export async function stopRecordedGroup(recorded: ProcessIdentity): Promise<void> {
	if (isSameProcess(recorded)) {
		await stopGroup(recorded.pid);
		return;
	}
	if (identify(recorded.pid) !== undefined) return; // the pid is someone else's now
	const members = groupMembers(recorded.pid, recorded);
	for (const pid of members) {
		try {
			process.kill(pid, "SIGKILL");
		} catch {
			// gone
		}
	}
	const deadline = Date.now() + 5_000;
	while (groupMembers(recorded.pid, recorded).length > 0 && Date.now() < deadline) await sleep(20);
}
