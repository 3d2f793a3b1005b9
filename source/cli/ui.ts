import type { Locator } from "../core/plan/context.js";
import type { Prompter } from "../core/plan/ports.js";
import { operationSignal } from "./signals.js";

/**
 * The one place the CLI reaches the Ink UI, always through import(): a plain command never
 * loads Ink or React. The entry point injects this prompter only when a person is there.
 */
export function inkPrompter(): Prompter {
	return {
		pickOptions: async (question) => {
			await loadUiLibraries();
			return (await import("../../screens/picker.js")).pickOptions(question);
		},
		askPackage: async (request) => {
			await loadUiLibraries();
			return (await import("../../screens/run-wizard.js")).runWizard(request);
		},
	};
}

/**
 * In the build, Ink, React and Yoga are one bundle the launcher knows how to start, through V8's
 * code cache (source/launcher.ts): the CLI's bundle reads them from there once they are loaded.
 * Run from source, the screens import them from node_modules and there is nothing to do.
 */
async function loadUiLibraries(): Promise<void> {
	const scope = globalThis as Record<symbol, unknown>;
	const load = scope[Symbol.for("hpm.load-ui-libraries")];
	if (typeof load === "function") scope[Symbol.for("hpm.ui-libraries")] ??= await load();
}

/** Tells the launcher the UI's first frame is on the screen (nothing when run from source). */
function uiDrawn(): void {
	const drawn = (globalThis as Record<symbol, unknown>)[Symbol.for("hpm.ui-drawn")];
	if (typeof drawn === "function") drawn();
}

/** `hpm ui`: the full-screen UI on the alternate screen; resolves with the exit code. */
export async function openUi(locator: Locator, cwd: string, options: { readonly mouse: boolean }): Promise<number> {
	// the registry is read while the UI's code loads, so the first frame is the browser itself
	const view = import("../core/plan/overview.js").then(({ loadOverview }) =>
		loadOverview(locator, cwd, { probe: true }),
	);
	view.catch(() => undefined);
	// once the first frame is drawn, V8's young generation stops growing (source/launcher.ts): the
	// view is read, then the screen renders it at once, in the same turn of the event loop
	void view.then(
		() => setImmediate(uiDrawn),
		() => setImmediate(uiDrawn),
	);
	await loadUiLibraries();
	const { runUi } = await import("../../screens/run-ui.js");
	// SIGTERM, SIGHUP (the terminal closed) and SIGQUIT stop a running check or sync the way Ctrl-C
	// in the UI does: uv is stopped and the files are restored before hpm exits
	return runUi(
		locator,
		cwd,
		() => {
			const interrupt = operationSignal();
			return {
				signal: interrupt.signal,
				dispose: () => {
					interrupt.dispose();
					// the files are restored by now: a signal from outside ends hpm, with its code
					const code = interrupt.exitCode();
					if (code !== undefined) process.exit(code);
				},
			};
		},
		{ ...options, view },
	);
}
