import { existsSync, readdirSync, readFileSync } from "node:fs";
import { isCode } from "../base/errors.js";

/**
 * A process as hpm records it: its pid plus when it started (clock ticks since boot, and the boot),
 * so a pid that the system has since given to someone else is never mistaken for it; for a uv run
 * also the token in its environment, which every process it starts inherits.
 */
export type ProcessIdentity = { readonly pid: number; readonly start: string; readonly token?: string | undefined };

/** The environment variable that carries a run's token (a uv or git that hpm started). */
export const RUN_ID = "HPM_RUN_ID";

/** Whether process `pid` carries `token` in its environment (from /proc; false without it). */
function carries(pid: number, token: string): boolean {
	try {
		return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`${RUN_ID}=${token}`);
	} catch {
		return false;
	}
}

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

/**
 * The processes of a recorded uv run that are still alive: those in its group that carry its token
 * (a pid or group number the system gave to someone else never does). Empty without /proc.
 */
function runProcesses(run: ProcessIdentity): number[] {
	const token = run.token;
	if (token === undefined) return [];
	let entries: string[];
	try {
		entries = readdirSync("/proc");
	} catch {
		return [];
	}
	return (
		entries
			.map(Number)
			.filter((pid) => Number.isInteger(pid) && pid > 0)
			// by the token alone: a process that detached into a group of its own is still this run's
			.filter((pid) => pid !== process.pid && stat(pid) !== undefined && carries(pid, token))
	);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let procKnown: boolean | undefined;
/** Whether this system has a Linux-style /proc (asked once, when first needed). */
const hasProc = (): boolean => (procKnown ??= existsSync("/proc/self/stat"));

/**
 * Stops run `run` (a uv or git hpm started: its group, by the token its processes carry): SIGTERM,
 * then SIGKILL after `graceMs`, and waits until none is left (at most `deadlineMs`). Without /proc
 * it falls back to signalling the process group, which is safe while its leader, hpm's own child,
 * is not yet reaped.
 * Resolves with whether everything is gone.
 */
export async function stopGroup(run: ProcessIdentity, graceMs = 3_000, deadlineMs = 10_000): Promise<boolean> {
	const useToken = hasProc() && run.token !== undefined;
	const left = () => (useToken ? runProcesses(run) : groupAlive(run.pid) ? [-run.pid] : []);
	const send = (pids: readonly number[], signal: NodeJS.Signals) => {
		for (const pid of pids) {
			try {
				process.kill(pid, signal);
			} catch {
				// gone already
			}
		}
	};
	const started = Date.now();
	send(left(), "SIGTERM");
	let killed = false;
	for (let pids = left(); pids.length > 0; pids = left()) {
		const elapsed = Date.now() - started;
		if (elapsed > deadlineMs) return false;
		if (!killed && elapsed > graceMs) {
			killed = true;
			send(pids, "SIGKILL");
		}
		await sleep(20);
	}
	return true;
}

/**
 * Stops what is left of a uv that a killed hpm started, and only that: every process of its group
 * that carries its token (the leader, or with the leader gone, what a shim left running); SIGTERM
 * first, SIGKILL after a grace period. Any other process is left alone, whatever its pid or group.
 */
export async function stopRecordedGroup(recorded: ProcessIdentity): Promise<void> {
	if (recorded.token === undefined || !hasProc()) return; // nothing proves any process is ours
	await stopGroup(recorded);
}
