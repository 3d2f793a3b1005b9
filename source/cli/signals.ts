/**
 * One place that owns SIGINT and SIGTERM for the whole run. While an operation runs, a signal
 * aborts it (the core stops uv and restores the files itself); otherwise hpm exits with 130 or
 * 143 at once, and the core's exit hook releases any project lock it holds.
 */
let active: AbortController | undefined;
let received: 130 | 143 | undefined;

export function installSignalHandlers(): void {
	const handle = (code: 130 | 143) => () => {
		received ??= code;
		if (active) {
			active.abort();
			return;
		}
		process.exit(code);
	};
	process.on("SIGINT", handle(130));
	process.on("SIGTERM", handle(143));
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
