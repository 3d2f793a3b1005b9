import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { isExecutable } from "./executable.js";

/**
 * How hpm starts the programs it waits on (uv, git): never through a shell, each in a process
 * group of its own, so that a Ctrl-C in the terminal reaches hpm first and hpm decides, and so that
 * stopping the program stops everything it started (build backends, git-remote-http, ssh). Stop a
 * group with `stopGroup` (process.ts); `signalGroup` only sends, for where nothing can wait.
 */

export type GroupChild = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Starts `program` with `args` in a new process group, stdin closed and stdout and stderr piped.
 * With `orphanGuard`, the program dies with hpm where the system offers it (`deathGuard`).
 */
export function spawnGroup(
	program: string,
	args: readonly string[],
	options: { readonly cwd?: string; readonly env: NodeJS.ProcessEnv; readonly orphanGuard: boolean },
): GroupChild {
	const guard = options.orphanGuard ? deathGuard() : [];
	return spawn(guard[0] ?? program, guard.length > 0 ? [...guard.slice(1), program, ...args] : [...args], {
		...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
		env: options.env,
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
}

let guardPrefix: readonly string[] | undefined;
/**
 * `setpriv --pdeathsig KILL --` (util-linux, exec'ing the program in place: same pid), or nothing:
 * the program dies with hpm. KILL, not TERM: a uv that ignores TERM (a wrapper's `trap '' TERM`
 * stays ignored across exec) must not outlive hpm to write over what a person edits next.
 */
export function deathGuard(): readonly string[] {
	guardPrefix ??= process.platform === "linux" && isExecutable(SETPRIV) ? [SETPRIV, "--pdeathsig", "KILL", "--"] : [];
	return guardPrefix;
}
const SETPRIV = "/usr/bin/setpriv";

/**
 * Sends `signal` to the process group `child` leads, or to the process alone when the group is
 * gone. It does not wait: for an exit handler, where nothing can (else `stopGroup`).
 */
export function signalGroup(
	child: { readonly pid?: number | undefined; kill(signal: NodeJS.Signals): boolean },
	signal: NodeJS.Signals,
): void {
	try {
		if (child.pid !== undefined) process.kill(-child.pid, signal);
	} catch {
		child.kill(signal); // the group is gone: the process itself, if it is still there
	}
}

// the groups of this run still going: however hpm ends (a signal, an error), each is told to stop
const running = new Set<GroupChild>();
let hooked = false;

/** Sends SIGTERM to `child`'s group if hpm exits before it closes. */
export function stopAtExit(child: GroupChild): void {
	running.add(child);
	child.once("close", () => running.delete(child));
	if (hooked) return;
	hooked = true;
	process.on("exit", () => {
		for (const each of running) signalGroup(each, "SIGTERM");
	});
}
