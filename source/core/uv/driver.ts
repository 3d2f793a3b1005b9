import { binaryIdentity, cachedVersion, rememberVersion } from "./probe-cache.js";
import { constants as osConstants } from "node:os";
import { captureOnce, spawnGroup } from "../os/child.js";
import { gitDeadlines } from "../os/git-env.js";
import { onLines } from "../os/lines.js";
import { type ExitCode, HpmError, isCode } from "../base/errors.js";
import type { UvEvent } from "./events.js";
import { groupAlive, RUN_ID, stopGroup } from "../os/process.js";
import { randomHex } from "../os/random.js";
import { redactSecrets } from "../base/secrets.js";
import { displaySafe } from "../base/text.js";
import { compareVersions, MIN_UV_VERSION } from "./version.js";

export type Uv = { readonly bin: string; readonly version: string };

const UPGRADE_HINT = "upgrade uv: `uv self update`, or `python3 -m pip install --upgrade 'uv>=0.9.26'`";
const INSTALL_HINT =
	"install uv: `python3 -m pip install 'uv>=0.9.26'` (or see https://docs.astral.sh/uv/getting-started/installation/), then make sure `uv` is on PATH";

/** Environment for every uv run: plain, unwrapped lines that hpm can stream and parse. */
export function uvEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return { ...process.env, UV_NO_WRAP: "1", UV_NO_PROGRESS: "1", NO_COLOR: "1", ...extra };
}

type CaptureError = NodeJS.ErrnoException & {
	stderr?: string;
	interrupted?: NodeJS.Signals | undefined;
	signal?: NodeJS.Signals | null;
	killed?: boolean;
};

async function capture(bin: string, args: readonly string[]): Promise<{ error: CaptureError | null; stdout: string }> {
	// a signal hpm receives while it waits is the child's end too: uv runs in a process group of
	// its own, which the terminal's SIGINT does not reach, and a shell between hpm and uv (a
	// wrapper, pyenv's shim) would otherwise hold hpm for the whole time limit
	const interruption = new AbortController();
	let interrupted: NodeJS.Signals | undefined;
	const listeners = PROBE_SIGNALS.map(
		(signal) =>
			[
				signal,
				() => {
					interrupted ??= signal;
					interruption.abort();
				},
			] as const,
	);
	for (const [signal, listener] of listeners) process.on(signal, listener);
	// no orphan guard: a program that is missing or cannot be run must say so (ENOENT, EACCES)
	const run = await captureOnce(bin, args, { env: uvEnv(), timeout: 30_000, signal: interruption.signal });
	for (const [signal, listener] of listeners) process.off(signal, listener);
	if (run.startError) return { error: Object.assign(run.startError, { stderr: "", interrupted }), stdout: run.stdout };
	if (run.code === 0) return { error: null, stdout: run.stdout };
	const error: CaptureError = Object.assign(new Error(`Command failed: ${[bin, ...args].join(" ")}\n${run.stderr}`), {
		stderr: run.stderr,
		interrupted,
		signal: run.signal,
		killed: run.stopped !== undefined,
	});
	return { error, stdout: run.stdout };
}

const PROBE_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const;

let found: { readonly key: string; readonly uv: Promise<Uv> } | undefined;

/**
 * Finds `uv` on PATH and checks that it is new enough; asked once per run (a command may need it
 * in two places), again only when HPM_UV or PATH changed.
 */
export function findUv(): Promise<Uv> {
	const key = `${process.env.HPM_UV ?? ""}\0${process.env.PATH ?? ""}`;
	if (found?.key !== key) {
		const uv = probeUv();
		const entry = { key, uv };
		found = entry;
		// a failure is not remembered: uv installed while the UI runs is found on the next try. An
		// interruption is: a signal reached the whole process group (the UI's Ctrl-C is a key, not a
		// signal), and a second caller of this run must not start a new probe that nobody stops
		uv.catch((error: unknown) => {
			if (found === entry && !(error instanceof HpmError && error.code === "interrupted")) found = undefined;
		});
	}
	return found.uv;
}

async function probeUv(): Promise<Uv> {
	// HPM_UV names the uv to run (a path, or a name looked up on PATH); empty is the same as unset
	const chosen = process.env.HPM_UV;
	const bin = chosen || "uv";
	// the version of a binary hpm has asked before is not asked again while the file is the same
	const identity = binaryIdentity(bin);
	const known = identity === undefined ? undefined : cachedVersion(identity);
	if (known !== undefined && compareVersions(known, MIN_UV_VERSION) >= 0) return { bin, version: known };
	const { error, stdout } = await capture(bin, ["self", "version", "--output-format", "json"]);
	if (error) {
		interruptedProbe(error, bin);
		if (isCode(error, "ENOENT") || isCode(error, "EACCES")) {
			if (chosen)
				throw new HpmError(
					"uv-missing",
					`HPM_UV=${chosen}: no such program${isCode(error, "EACCES") ? " that can be run" : ""}`,
					{
						hint: "point HPM_UV at the uv binary, or unset it to use the uv on PATH",
						exitCode: UV_UNUSABLE,
					},
				);
			throw new HpmError("uv-missing", "uv was not found on PATH", { hint: INSTALL_HINT, exitCode: UV_UNUSABLE });
		}
		// uv older than 0.7 has no `self version --output-format json`; ask it the old way. Only a
		// version that really is too old is called that: any other failure is reported as it is.
		const old = await capture(bin, ["--version"]);
		if (old.error) interruptedProbe(old.error, bin);
		const match = /uv (\d+\.\d+\.\d+)/.exec(old.stdout);
		if (match?.[1] && compareVersions(match[1], MIN_UV_VERSION) < 0) throw tooOld(match[1]);
		const said = (error.stderr || error.message).trim().split("\n")[0] ?? "";
		throw new HpmError("uv-broken", `\`${bin} self version\` failed${match?.[1] ? ` (uv ${match[1]})` : ""}: ${said}`, {
			hint: match?.[1] ? "run it yourself to see why; reinstalling uv usually fixes it" : INSTALL_HINT,
			exitCode: UV_UNUSABLE,
		});
	}
	let version: string;
	try {
		version = String((JSON.parse(stdout) as { version?: unknown }).version ?? "");
	} catch {
		throw new HpmError("uv-broken", `\`${bin} self version\` printed something hpm cannot read`, {
			hint: INSTALL_HINT,
			exitCode: UV_UNUSABLE,
		});
	}
	if (compareVersions(version, MIN_UV_VERSION) < 0) throw tooOld(version);
	if (identity !== undefined) rememberVersion(identity, version);
	return { bin, version };
}

/**
 * A uv that is missing, too old or broken exits 1 ("uv failed") from every command: `check` lists
 * it as a problem (exit 1), so sync, install and rollback say the same.
 */
const UV_UNUSABLE = 1;

const INTERRUPTS: Partial<Record<NodeJS.Signals, ExitCode>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGQUIT: 131 };

/**
 * A Ctrl-C (or SIGTERM, a closed terminal) reaches uv too while it tells its version: that is an
 * interruption, not a broken uv. A uv hpm stopped itself (the time limit) or that crashed is not.
 */
function interruptedProbe(error: CaptureError, bin: string): void {
	const received = error.interrupted;
	const signal = error.signal;
	const code = received ? INTERRUPTS[received] : signal && !error.killed ? INTERRUPTS[signal] : undefined;
	if (code !== undefined)
		throw new HpmError("interrupted", `interrupted while asking ${bin} its version; nothing was changed`, {
			exitCode: code,
		});
}

function tooOld(version: string): HpmError {
	return new HpmError("uv-too-old", `uv ${version} is too old: hpm needs uv >= ${MIN_UV_VERSION}`, {
		hint: UPGRADE_HINT,
		exitCode: UV_UNUSABLE,
	});
}

export type UvRun = { readonly exitCode: number; readonly lines: readonly string[]; readonly aborted: boolean };

/**
 * Runs uv with an argument array (never a shell) in `cwd`, yielding each line of its stdout and
 * stderr as it arrives, and returns the exit code with all lines. Aborting `signal` stops uv and
 * everything it started.
 */
export async function* runUv(
	uv: Uv,
	args: readonly string[],
	options: {
		readonly cwd: string;
		readonly signal?: AbortSignal | undefined;
		readonly env?: NodeJS.ProcessEnv;
		/**
		 * uv only reads the project (a check, or a lock in a scratch copy): it needs no guard against
		 * outliving hpm, as nothing it does can land on what a person edits next (saves an exec).
		 */
		readonly readOnly?: boolean;
	},
): AsyncGenerator<UvEvent, UvRun> {
	// Global flags go right after the subcommand, before any `--` that ends option parsing.
	const full = [...args.slice(0, 1), "--color", "never", ...args.slice(1)];
	const token = randomHex(8);
	const git = await gitDeadlines();
	// where the system offers it, uv is told to stop when hpm dies: a SIGKILLed hpm leaves no uv
	// behind to write pyproject.toml over what a person edits next. In a process group of its own,
	// a Ctrl-C in the terminal reaches hpm first and hpm decides: it stops uv and everything uv
	// started (build backends), then restores the files.
	const child = spawnGroup(uv.bin, full, {
		cwd: options.cwd,
		// the deadlines first: anything the person set themselves overrides them
		env: { ...git, ...uvEnv(options.env), [RUN_ID]: token },
		orphanGuard: options.readOnly !== true,
	});
	const queue: string[] = [];
	let pipesHeld = false;
	let wake: (() => void) | undefined;
	let done = false;
	let failure: NodeJS.ErrnoException | undefined;
	const notify = () => {
		const resume = wake;
		wake = undefined;
		resume?.();
	};
	for (const stream of [child.stdout, child.stderr]) {
		onLines(stream, (line) => {
			queue.push(redactSecrets(displaySafe(line)));
			notify();
		});
	}
	const exited = new Promise<number>((resolve) => {
		const finish = (code: number | null, signal: NodeJS.Signals | null) => {
			if (done) return;
			done = true;
			notify();
			resolve(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 2));
		};
		child.on("close", finish);
		// A process uv started and detached may keep its output pipes open long after uv itself
		// exited: hpm reads what is there for a moment, then stops waiting for the pipes.
		child.on("exit", (code, signal) => {
			setTimeout(() => {
				if (done) return;
				pipesHeld = true;
				child.stdout?.destroy();
				child.stderr?.destroy();
				finish(code, signal);
			}, 2_000).unref();
		});
		child.on("error", (error) => {
			failure = error;
			done = true;
			notify();
			resolve(2);
		});
	});
	// Stopping waits until the whole group is gone (a shim's children included), so nothing of
	// uv's can write after hpm restores the files.
	let stopping: Promise<boolean> | undefined;
	const stop = () => {
		if (child.pid !== undefined) stopping ??= stopGroup({ pid: child.pid, start: "", token });
	};
	if (options.signal?.aborted) stop();
	options.signal?.addEventListener("abort", stop, { once: true });
	let settled = false;
	try {
		yield { type: "uv-start", args: full, pid: child.pid, token };
		const lines: string[] = [];
		for (;;) {
			const line = queue.shift();
			if (line !== undefined) {
				lines.push(line);
				yield { type: "uv-line", line };
				continue;
			}
			if (done) break;
			await new Promise<void>((resolve) => {
				wake = resolve;
			});
		}
		const exitCode = await exited;
		options.signal?.removeEventListener("abort", stop);
		// what uv started and left behind (in its group, or detached but holding its pipes) is
		// stopped too before anyone looks at the files
		if (child.pid !== undefined && (pipesHeld || groupAlive(child.pid))) stop();
		await stopping;
		settled = true;
		if (failure && isCode(failure, "ENOENT"))
			throw new HpmError("uv-missing", "uv was not found on PATH", { hint: INSTALL_HINT, exitCode: UV_UNUSABLE });
		const aborted = options.signal?.aborted === true;
		yield { type: "uv-exit", args: full, exitCode };
		return { exitCode, lines, aborted };
	} finally {
		if (!settled) {
			// the consumer stopped early (an error while uv runs): uv must not go on alone
			options.signal?.removeEventListener("abort", stop);
			stop();
			await stopping;
		}
	}
}
