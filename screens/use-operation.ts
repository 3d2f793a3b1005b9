import { useCallback, useEffect, useRef, useState } from "react";
import type { Locator } from "../source/core/plan/context.js";
import { drain } from "../source/core/plan/events.js";
import { previewOperation } from "../source/core/operations/preview.js";
import { runOperation } from "../source/core/operations/run.js";
import { type OperationAction, operationReducer, type OperationState } from "./operation-state.js";
import { errorText } from "./view.js";

export type { OperationState } from "./operation-state.js";

/**
 * Where the process's own signals come from (SIGTERM, SIGHUP from a closed terminal, SIGQUIT):
 * the entry point hands one in, so an operation stops uv and restores the files on them too.
 */
export type InterruptSource = () => { readonly signal: AbortSignal; readonly dispose: () => void };

/** How often the screen is redrawn while uv runs: its lines are reduced as they come, shown ten times a second. */
const FLUSH_MS = 100;

/**
 * Runs check or sync through the core's runner and turns its event stream into screen state with
 * `operationReducer`: the core's preview until Enter, then the stream's own plan, uv's lines and
 * the core's result sentence. Every event is reduced at once; the screen shows the newest state at
 * most ten times a second. `cancel` aborts uv, and the core restores the files.
 */
export function useOperation(kind: "check" | "sync", locator: Locator, cwd: string, interrupts?: InterruptSource) {
	const [state, setState] = useState<OperationState>(() => {
		try {
			const { plan, problems } = previewOperation(locator, cwd);
			return { phase: "confirm", plan, problems };
		} catch (error) {
			return { phase: "failed", message: errorText(error) };
		}
	});
	// the newest state, ahead of what is drawn: keys of one burst act on it in order
	const live = useRef(state);
	const controller = useRef<AbortController | undefined>(undefined);
	const reduce = (action: OperationAction) => {
		live.current = operationReducer(live.current, action);
	};

	useEffect(() => () => controller.current?.abort(), []);

	const start = useCallback(() => {
		if (live.current.phase !== "confirm") return;
		const abort = new AbortController();
		controller.current = abort;
		const external = interrupts?.();
		external?.signal.addEventListener("abort", () => abort.abort(), { once: true });
		if (external?.signal.aborted) abort.abort();
		reduce({ type: "start", since: Date.now() });
		setState(live.current);
		const flush = setInterval(() => setState(live.current), FLUSH_MS);
		const finish = (action: OperationAction) => {
			clearInterval(flush);
			external?.dispose();
			reduce(action);
			setState(live.current);
		};
		drain(runOperation({ kind }, { locator, cwd, signal: abort.signal }), (event) =>
			reduce({ type: "event", event }),
		).then(
			(result) => finish({ type: "result", result }),
			(error: unknown) => finish({ type: "error", error }),
		);
	}, [locator, cwd, kind, interrupts]);

	const cancel = useCallback(() => controller.current?.abort(), []);
	return { state, start, cancel, phaseNow: () => live.current.phase };
}
