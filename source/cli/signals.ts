/**
 * One place that owns SIGINT and SIGTERM for the whole run. While an operation runs, a signal
 * aborts it (it stops uv and restores the files itself); otherwise the registered clean-ups
 * (the project lock) run and hpm exits with 130 or 143.
 */
const cleanups = new Set<() => void>();
let active: AbortController | undefined;
let received: 130 | 143 | undefined;

export function installSignalHandlers(): void {
	const handle = (code: 130 | 143) => () => {
		received ??= code;
		if (active) {
			active.abort();
			return;
		}
		for (const cleanup of cleanups) cleanup();
		process.exit(code);
	};
	process.on("SIGINT", handle(130));
	process.on("SIGTERM", handle(143));
}

/** Runs `cleanup` if hpm is interrupted outside an operation; returns a function that unregisters it. */
export function onInterrupt(cleanup: () => void): () => void {
	cleanups.add(cleanup);
	return () => cleanups.delete(cleanup);
}

/** An AbortSignal that the next SIGINT/SIGTERM fires, for the duration of one operation. */
export function operationSignal(): { signal: AbortSignal; exitCode: () => 130 | 143 | undefined; dispose: () => void } {
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
