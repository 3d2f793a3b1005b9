import { type ChildProcessByStdio, spawn } from "node:child_process";
import { constants } from "node:os";
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

/**
 * Starts `program` with `args` in a process group of its own that outlives hpm (a browser that
 * shows a file), never through a shell, with no stdin, stdout or stderr: false when it could not start.
 */
export function startDetached(program: string, args: readonly string[]): Promise<boolean> {
	return new Promise((resolve) => {
		const child = spawn(program, [...args], { stdio: "ignore", detached: true });
		child.once("error", () => resolve(false));
		child.once("spawn", () => {
			child.unref();
			resolve(true);
		});
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
function signalGroup(
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

/** What a program said and how it ended, for `captureOnce`. */
export type Captured = {
	readonly stdout: string;
	readonly stderr: string;
	/** Its exit code; null when a signal ended it or it never started. */
	readonly code: number | null;
	/** The signal that ended it, if one did. */
	readonly signal: NodeJS.Signals | null;
	/** Why it never started (ENOENT: no such program, EACCES: not one that can be run). */
	readonly startError: NodeJS.ErrnoException | undefined;
	/**
	 * hpm ended it: its time ran out, `signal` was aborted, or it printed more than `OUTPUT_LIMIT`
	 * bytes on a stream (`output`: what was collected is cut short, not an answer to trust).
	 */
	readonly stopped: "timeout" | "abort" | "output" | undefined;
};

/** The most `captureOnce` collects of one stream: a program printing endlessly is stopped there. */
export const OUTPUT_LIMIT = 1024 * 1024;

/** Why a captured run gave no answer, in words, or undefined when it ran to its end. */
export function stoppedSentence(stopped: Captured["stopped"], timeout: number): string | undefined {
	switch (stopped) {
		case "timeout":
			return `no answer within ${timeout / 1000} s`;
		case "abort":
			return "stopped";
		case "output":
			return `printed more than ${OUTPUT_LIMIT / 1024 / 1024} MiB; stopped, its output not used`;
		case undefined:
			return undefined;
	}
}

/**
 * Runs `program` once in a process group of its own (`spawnGroup`) and collects what it prints.
 * Its group is killed when `timeout` ms pass, when `signal` aborts, and told to stop if hpm exits
 * first. For the short questions hpm asks a program (uv its version, git a setting), not for runs
 * whose lines hpm streams. It never rejects: a program that cannot start is `startError`.
 */
export function captureOnce(
	program: string,
	args: readonly string[],
	options: {
		readonly timeout: number;
		readonly env: NodeJS.ProcessEnv;
		readonly signal?: AbortSignal | undefined;
		readonly orphanGuard?: boolean;
		/** The most collected of each stream (default `OUTPUT_LIMIT`). */
		readonly limit?: number;
	},
): Promise<Captured> {
	return new Promise((resolve) => {
		const child = spawnGroup(program, args, { env: options.env, orphanGuard: options.orphanGuard ?? false });
		stopAtExit(child);
		const limit = options.limit ?? OUTPUT_LIMIT;
		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		let stopped: Captured["stopped"];
		const stop = (why: NonNullable<Captured["stopped"]>) => {
			stopped ??= why;
			signalGroup(child, "SIGKILL");
		};
		// at most `limit` bytes of each stream are kept; past it the program is stopped
		const collect = (into: Buffer[]) => {
			let size = 0;
			return (chunk: Buffer) => {
				if (size >= limit) return;
				into.push(size + chunk.length > limit ? chunk.subarray(0, limit - size) : chunk);
				size += chunk.length;
				if (size >= limit) stop("output");
			};
		};
		child.stdout.on("data", collect(stdout));
		child.stderr.on("data", collect(stderr));
		const timer = setTimeout(() => stop("timeout"), options.timeout);
		const abort = () => stop("abort");
		let settled = false;
		const settle = (result: Pick<Captured, "code" | "signal" | "startError">) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			options.signal?.removeEventListener("abort", abort);
			resolve({
				...result,
				stdout: Buffer.concat(stdout).toString("utf8"),
				stderr: Buffer.concat(stderr).toString("utf8"),
				stopped,
			});
		};
		child.on("error", (error: NodeJS.ErrnoException) => {
			if (child.pid === undefined) settle({ code: null, signal: null, startError: error });
		});
		child.on("close", (code, signal) => settle({ code, signal, startError: undefined }));
		if (options.signal?.aborted) abort();
		else options.signal?.addEventListener("abort", abort, { once: true });
	});
}

/**
 * Runs a program in the foreground for a person (`hpm run`): the terminal's stdio, the same process
 * group (so the terminal's Ctrl-C reaches it directly, as uv run does), killed with hpm where the
 * system offers it. When `signal` aborts, the signal `which` names is passed on to it (SIGINT is
 * not: the terminal sent it to the program already). Resolves with its exit code, 128+N when a
 * signal ended it.
 */
export function runForeground(
	program: string,
	args: readonly string[],
	options: {
		readonly cwd: string;
		readonly env: NodeJS.ProcessEnv;
		readonly signal?: AbortSignal | undefined;
		readonly which?: () => NodeJS.Signals | undefined;
	},
): Promise<{ readonly code: number; readonly startError?: NodeJS.ErrnoException }> {
	const guard = deathGuard();
	const child = spawn(guard[0] ?? program, guard.length > 0 ? [...guard.slice(1), program, ...args] : [...args], {
		cwd: options.cwd,
		env: options.env,
		stdio: "inherit",
	});
	const forward = () => {
		const name = options.which?.() ?? "SIGTERM";
		if (name !== "SIGINT") child.kill(name);
	};
	options.signal?.addEventListener("abort", forward, { once: true });
	return new Promise((resolve) => {
		child.once("error", (error: NodeJS.ErrnoException) => resolve({ code: 127, startError: error }));
		child.once("close", (code, signal) => {
			options.signal?.removeEventListener("abort", forward);
			resolve({ code: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0) });
		});
	});
}
