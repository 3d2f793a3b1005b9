import { execa } from "execa";
import { HpmError } from "../errors.js";
import type { HpmEvent } from "../events.js";
import { compareVersions, MIN_UV_VERSION } from "./version.js";

export type Uv = { readonly bin: string; readonly version: string };

const UPGRADE_HINT = "upgrade uv: `uv self update`, or `python3 -m pip install --upgrade 'uv>=0.9.26'`";
const INSTALL_HINT =
	"install uv: `python3 -m pip install 'uv>=0.9.26'` (or see https://docs.astral.sh/uv/getting-started/installation/), then make sure `uv` is on PATH";

/** Environment for every uv run: plain, unwrapped lines that hpm can stream and parse. */
export function uvEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return { ...process.env, UV_NO_WRAP: "1", UV_NO_PROGRESS: "1", NO_COLOR: "1", ...extra };
}

/** Finds `uv` on PATH and checks that it is new enough. */
export async function findUv(): Promise<Uv> {
	const bin = process.env.HPM_UV ?? "uv";
	let stdout: string;
	try {
		({ stdout } = await execa(bin, ["self", "version", "--output-format", "json"], {
			env: uvEnv(),
			reject: true,
			timeout: 30_000,
		}));
	} catch (error) {
		if (isMissing(error)) throw new HpmError("uv-missing", "uv was not found on PATH", { hint: INSTALL_HINT });
		// uv older than 0.7 has no `self version --output-format json`; ask it the old way.
		const old = await execa(bin, ["--version"], { env: uvEnv(), reject: false, timeout: 30_000 });
		const match = /uv (\d+\.\d+\.\d+)/.exec(String(old.stdout));
		if (match?.[1]) throw tooOld(match[1]);
		throw new HpmError("uv-broken", `\`${bin} self version\` failed: ${firstLine(error)}`, { hint: INSTALL_HINT });
	}
	let version: string;
	try {
		version = String((JSON.parse(stdout) as { version?: unknown }).version ?? "");
	} catch {
		throw new HpmError("uv-broken", `\`${bin} self version\` printed something hpm cannot read`, {
			hint: INSTALL_HINT,
		});
	}
	if (compareVersions(version, MIN_UV_VERSION) < 0) throw tooOld(version);
	return { bin, version };
}

function tooOld(version: string): HpmError {
	return new HpmError("uv-too-old", `uv ${version} is too old: hpm needs uv >= ${MIN_UV_VERSION}`, {
		hint: UPGRADE_HINT,
	});
}

export type UvRun = { readonly exitCode: number; readonly lines: readonly string[]; readonly aborted: boolean };

/**
 * Runs uv with an argument array (never a shell) in `cwd`, yielding each output line as it
 * arrives, and returns the exit code with all lines. Aborting `signal` kills uv.
 */
export async function* runUv(
	uv: Uv,
	args: readonly string[],
	options: { readonly cwd: string; readonly signal?: AbortSignal | undefined; readonly env?: NodeJS.ProcessEnv },
): AsyncGenerator<HpmEvent, UvRun> {
	// Global flags go right after the subcommand, before any `--` that ends option parsing.
	const full = [...args.slice(0, 1), "--color", "never", ...args.slice(1)];
	const child = execa(uv.bin, full, {
		cwd: options.cwd,
		env: uvEnv(options.env),
		all: true,
		reject: false,
		stdin: "ignore",
		// uv gets its own process group, so a Ctrl-C in the terminal reaches hpm first and hpm
		// decides: it stops uv and everything uv started (build backends), then restores the files.
		detached: true,
	});
	yield { type: "uv-start", args: full, pid: child.pid };
	const stop = () => killGroup(child.pid);
	if (options.signal?.aborted) stop();
	options.signal?.addEventListener("abort", stop, { once: true });
	const lines: string[] = [];
	try {
		for await (const line of child.iterable({ from: "all" })) {
			const text = String(line);
			lines.push(text);
			yield { type: "uv-line", line: text };
		}
	} catch {
		// the stream ends with an error when uv is killed; the result below says what happened
	}
	const result = await child;
	options.signal?.removeEventListener("abort", stop);
	const aborted = options.signal?.aborted === true;
	const exitCode = typeof result.exitCode === "number" ? result.exitCode : aborted ? 130 : 2;
	if (isMissing(result)) throw new HpmError("uv-missing", "uv was not found on PATH", { hint: INSTALL_HINT });
	yield { type: "uv-exit", args: full, exitCode };
	return { exitCode, lines, aborted };
}

/** SIGTERM to the whole process group, then SIGKILL to whatever is left after three seconds. */
export function killGroup(pid: number | undefined): void {
	if (pid === undefined) return;
	const send = (signal: NodeJS.Signals) => {
		try {
			process.kill(-pid, signal);
		} catch {
			// the group is already gone
		}
	};
	send("SIGTERM");
	setTimeout(() => send("SIGKILL"), 3_000).unref();
}

function isMissing(error: unknown): boolean {
	return typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT";
}

function firstLine(error: unknown): string {
	const message =
		error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
	return message.split("\n")[0] ?? message;
}
