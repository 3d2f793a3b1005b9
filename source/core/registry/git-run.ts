import { redactSecrets } from "../base/secrets.js";
import { HpmError } from "../base/errors.js";
import { displaySafe } from "../base/text.js";
import { spawnGroup, stopAtExit } from "../os/child.js";
import { gitDeadlines } from "../os/git-env.js";
import { onLines } from "../os/lines.js";
import { RUN_ID, stopGroup } from "../os/process.js";
import { randomHex } from "../os/random.js";

export type GitRun = { readonly code: number; readonly stdout: string; readonly lines: readonly string[] };

export type GitOptions = {
	what: string;
	check?: boolean;
	/** A failure is about hpm's cache folder, not the network. */
	cache?: boolean;
	env?: NodeJS.ProcessEnv;
	progress?: ((line: string) => void) | undefined;
	signal?: AbortSignal | undefined;
};

/**
 * Runs git for hpm's clone of a registry, without a prompt (never waiting for a password) and with
 * hpm's deadlines for a host that stalls (settings of the person's own win); a failure with `check`
 * is an HpmError that names what was being done and git's last lines.
 */
export async function git(args: readonly string[], options: GitOptions): Promise<GitRun> {
	const deadlines = await gitDeadlines();
	const token = randomHex(8);
	return new Promise((resolve, reject) => {
		const child = spawnGroup("git", args, {
			env: { ...deadlines, ...process.env, GIT_TERMINAL_PROMPT: "0", ...options.env, [RUN_ID]: token },
			// a fetch dies with hpm, even a SIGKILLed one (git was found by the commands before it)
			orphanGuard: args.includes("fetch"),
		});
		// however hpm ends, no git of this run is left fetching into the clone, where the next
		// run's fetch would race it
		stopAtExit(child);
		let stdout = "";
		const lines: string[] = [];
		child.stdout.setEncoding("utf8");
		child.stdout.on("data", (chunk: string) => {
			stdout += chunk;
		});
		onLines(child.stderr, (line) => {
			const text = redactSecrets(displaySafe(line.trim()));
			if (text === "") return;
			lines.push(text);
			if (lines.length > 40) lines.shift();
			options.progress?.(text);
		});
		// git and its helpers (git-remote-http, ssh): SIGTERM, then SIGKILL if they do not go
		let stopping: Promise<boolean> | undefined;
		const abort = () => {
			if (child.pid !== undefined) stopping ??= stopGroup({ pid: child.pid, start: "", token });
		};
		options.signal?.addEventListener("abort", abort, { once: true });
		child.on("error", (error: NodeJS.ErrnoException) => {
			options.signal?.removeEventListener("abort", abort);
			reject(
				new HpmError(
					"git-missing",
					error.code === "ENOENT" ? "git is not installed (hpm needs it for a registry from git)" : error.message,
					{ hint: "install git and run the command again" },
				),
			);
		});
		child.on("close", (code, signal) => {
			options.signal?.removeEventListener("abort", abort);
			if (options.signal?.aborted) {
				const interrupted = () =>
					reject(new HpmError("interrupted", `interrupted while trying to ${options.what}`, { exitCode: 130 }));
				void (stopping ?? Promise.resolve()).then(interrupted, interrupted);
				return;
			}
			const exit = code ?? (signal ? 128 : 1);
			if (exit !== 0 && options.check !== false) {
				reject(failure(options, lines, exit));
				return;
			}
			resolve({ code: exit, stdout, lines });
		});
	});
}

/** A failed git run, named by what was being done and git's last lines that say why. */
function failure(options: GitOptions, lines: readonly string[], exit: number): GitFailed {
	const said = lines.filter((line) => !/^(remote: )?(Counting|Compressing|Receiving|Resolving|Enumerating)/.test(line));
	const errors = said.filter((line) => /^(fatal|error):/.test(line));
	const detail = errors.length > 0 ? errors : said;
	return new GitFailed(
		`cannot ${options.what}: ${detail.slice(-3).join("; ") || `git exited ${exit}`}`,
		options.cache
			? "check that hpm's cache folder has room and can be written (HPM_CACHE_DIR, else ~/.cache/hpm)"
			: "check the URL and your network or credentials (git never asks for a password here)",
		said,
	);
}

/** git exited non-zero: what it said (redacted, progress left out) is kept as data for the caller to act on. */
export class GitFailed extends HpmError {
	readonly lines: readonly string[];

	constructor(message: string, hint: string, lines: readonly string[]) {
		super("git-failed", message, { hint });
		this.lines = lines;
	}
}
