import { watchStreams } from "./stdio.js";

/**
 * One place that owns signals and broken output for the whole run. While an operation runs, a
 * signal aborts it (the core stops uv and restores the files itself, then hpm exits with the
 * signal's code); otherwise hpm exits at once, and the core's exit hook releases any project lock.
 * SIGHUP (terminal closed, SSH dropped) and SIGQUIT are treated as SIGTERM is. SIGPIPE stays
 * ignored (Node's default): the kernel sends it on every write to a closed pipe, and `hpm sync |
 * head -3` should finish the sync it was asked for, not undo it; the closed pipe then shows up as
 * an EPIPE error on the stream, which drops the rest of the output.
 */
const CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGQUIT: 131 } as const;
type ExitCode = (typeof CODES)[keyof typeof CODES];

let active: AbortController | undefined;
let received: ExitCode | undefined;
let report: ((code: ExitCode) => void) | undefined;

/** What to say when a signal ends a command outside an operation (as an error, JSON with --json). */
export function reportInterruptWith(say: (code: ExitCode) => void): void {
	report = say;
}

export function installSignalHandlers(): void {
	for (const [name, code] of Object.entries(CODES) as [NodeJS.Signals, ExitCode][]) {
		process.on(name, () => {
			received ??= code;
			if (active) {
				active.abort();
				return;
			}
			try {
				report?.(code);
			} finally {
				process.exit(code);
			}
		});
	}
	// A reader that went away (`hpm sync | head -3`), a closed terminal (EIO) or a full disk under a
	// redirect must not stop hpm half-way: output is dropped and the command finishes or rolls back
	// (stdio.ts, which also watches Node's streams once a screen builds them).
	watchStreams();
}

/** An AbortSignal that the next signal fires, for the duration of one operation. */
export function operationSignal(): { signal: AbortSignal; exitCode: () => ExitCode | undefined; dispose: () => void } {
	const controller = new AbortController();
	active = controller;
	if (received !== undefined) controller.abort();
	return {
		signal: controller.signal,
		exitCode: () => received,
		dispose: () => {
			if (active === controller) active = undefined;
		},
	};
}
