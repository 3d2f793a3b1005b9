import { NO_PROGRESS, type Progress, progressOf, progressSummary } from "./uv-progress.js";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Locator } from "../source/core/plan/context.js";
import { HpmError, type Problem } from "../source/core/base/errors.js";
import { drain } from "../source/core/plan/events.js";
import { previewOperation } from "../source/core/operations/preview.js";
import { runOperation } from "../source/core/operations/run.js";
import type { Plan } from "../source/core/plan/plan.js";
import { errorText } from "./view.js";

export type OperationState =
	| { readonly phase: "confirm"; readonly plan: Plan; readonly problems: readonly Problem[] }
	| {
			readonly phase: "running";
			readonly plan: Plan;
			readonly since: number;
			readonly lines: readonly string[];
			readonly status: string;
	  }
	| {
			readonly phase: "done";
			readonly plan: Plan;
			readonly lines: readonly string[];
			readonly ok: boolean;
			readonly summary: string;
			readonly problems: readonly Problem[];
	  }
	| { readonly phase: "failed"; readonly message: string };

/**
 * Runs check or sync through the core's runner and turns its event stream into screen state: the
 * core's preview until Enter, then the stream's own plan, uv's lines (flushed at most ten times a
 * second) and the core's result sentence. `cancel` aborts uv, and the core restores the files.
 */
/**
 * Where the process's own signals come from (SIGTERM, SIGHUP from a closed terminal, SIGQUIT):
 * the entry point hands one in, so an operation stops uv and restores the files on them too.
 */
export type InterruptSource = () => { readonly signal: AbortSignal; readonly dispose: () => void };

export function useOperation(kind: "check" | "sync", locator: Locator, cwd: string, interrupts?: InterruptSource) {
	const [state, setState] = useState<OperationState>(() => {
		try {
			const { plan, problems } = previewOperation(locator, cwd);
			return { phase: "confirm", plan, problems };
		} catch (error) {
			return { phase: "failed", message: errorText(error) };
		}
	});
	// the phase as of the last key, not the last render: keys of one burst act in order
	const phaseNow = useRef(state.phase);
	const controller = useRef<AbortController | undefined>(undefined);
	const lines = useRef<string[]>([]);
	const progress = useRef<Progress>(NO_PROGRESS);
	const phase = useRef("starting");
	const status = useRef("starting");
	const plan = useRef<Plan | undefined>(undefined);

	useEffect(() => () => controller.current?.abort(), []);

	const start = useCallback(() => {
		if (state.phase !== "confirm" || phaseNow.current !== "confirm") return;
		phaseNow.current = "running";
		const abort = new AbortController();
		controller.current = abort;
		const external = interrupts?.();
		external?.signal.addEventListener("abort", () => abort.abort(), { once: true });
		if (external?.signal.aborted) abort.abort();
		plan.current = state.plan;
		progress.current = NO_PROGRESS;
		const since = Date.now();
		setState({ phase: "running", plan: state.plan, since, lines: [], status: "starting" });
		const flush = setInterval(
			() =>
				setState((s) =>
					s.phase === "running"
						? { ...s, plan: plan.current ?? s.plan, lines: [...lines.current], status: status.current }
						: s,
				),
			100,
		);
		const finish = (ok: boolean, summary: string, problems: readonly Problem[]) => {
			clearInterval(flush);
			external?.dispose();
			phaseNow.current = "done";
			const last = plan.current ?? state.plan;
			const counts = progressSummary(progress.current);
			setState({
				phase: "done",
				plan: last,
				lines: [...lines.current],
				ok,
				summary: counts && ok ? `${summary} (uv: ${counts})` : summary,
				problems,
			});
		};
		const events = runOperation({ kind }, { locator, cwd, signal: abort.signal });
		drain(events, (event) => {
			if (event.type === "plan") plan.current = event.plan;
			else if (event.type === "uv-line") {
				lines.current.push(event.line);
				progress.current = progressOf(progress.current, event.line);
				// what hpm is doing, then what uv says it is doing within it
				if (progress.current.status) status.current = `${phase.current}: ${progress.current.status}`;
			} else if (event.type === "phase") {
				phase.current = event.message;
				status.current = event.message;
			} else if (event.type === "restored") lines.current.push(event.message);
		}).then(
			(result) => finish(result.ok, result.summary, result.kind === "check" ? result.problems : []),
			(error: unknown) => finish(false, errorText(error), error instanceof HpmError ? error.problems : []),
		);
	}, [state, locator, cwd, kind, interrupts]);

	const cancel = useCallback(() => controller.current?.abort(), []);
	return { state, start, cancel, phaseNow: () => phaseNow.current };
}
