import { HpmError, type Problem } from "../source/core/base/errors.js";
import type { HpmEvent } from "../source/core/plan/events.js";
import type { OperationResult } from "../source/core/operations/run.js";
import type { Plan } from "../source/core/plan/plan.js";
import { NO_PROGRESS, type Progress, progressOf, progressSummary } from "./uv-progress.js";
import { errorText } from "./view.js";

/** What the operation screen shows: the plan to confirm, uv running, its result, or why it could not start. */
export type OperationState =
	| { readonly phase: "confirm"; readonly plan: Plan; readonly problems: readonly Problem[] }
	| {
			readonly phase: "running";
			readonly plan: Plan;
			readonly since: number;
			readonly lines: readonly string[];
			/** What hpm is doing, then what uv says it is doing within it (under the spinner). */
			readonly status: string;
			/** The step hpm announced last. */
			readonly step: string;
			readonly progress: Progress;
	  }
	| {
			readonly phase: "done";
			readonly plan: Plan;
			readonly lines: readonly string[];
			readonly ok: boolean;
			readonly summary: string;
			readonly problems: readonly Problem[];
			/** The choices (`group=option`) a failure's error names, as data. */
			readonly choices: readonly string[];
	  }
	| { readonly phase: "failed"; readonly message: string };

export type OperationAction =
	/** Enter on the plan: uv starts at `since` (ms). */
	| { readonly type: "start"; readonly since: number }
	| { readonly type: "event"; readonly event: HpmEvent }
	| { readonly type: "result"; readonly result: OperationResult }
	| { readonly type: "error"; readonly error: unknown };

/** The operation screen's state over the core's event stream, one event at a time (pure). */
export function operationReducer(state: OperationState, action: OperationAction): OperationState {
	switch (action.type) {
		case "start":
			return state.phase === "confirm"
				? {
						phase: "running",
						plan: state.plan,
						since: action.since,
						lines: [],
						status: "starting",
						step: "starting",
						progress: NO_PROGRESS,
					}
				: state;
		case "event":
			return state.phase === "running" ? onEvent(state, action.event) : state;
		case "result": {
			const { result } = action;
			return finished(state, result.ok, result.summary, result.kind === "check" ? result.problems : [], []);
		}
		case "error": {
			const { error } = action;
			const failure = error instanceof HpmError ? error : undefined;
			return finished(state, false, errorText(error), failure?.problems ?? [], failure?.choices ?? []);
		}
	}
	const exhaustive: never = action;
	return exhaustive;
}

type Running = Extract<OperationState, { phase: "running" }>;

function onEvent(state: Running, event: HpmEvent): Running {
	switch (event.type) {
		case "plan":
			return { ...state, plan: event.plan };
		case "uv-line": {
			const progress = progressOf(state.progress, event.line);
			return {
				...state,
				lines: [...state.lines, event.line],
				progress,
				status: progress.status ? `${state.step}: ${progress.status}` : state.status,
			};
		}
		case "phase":
			return { ...state, step: event.message, status: event.message };
		case "restored":
			return { ...state, lines: [...state.lines, event.message] };
		case "problem":
		case "warning":
		case "uv-start":
		case "uv-exit":
			return state;
	}
	const exhaustive: never = event;
	return exhaustive;
}

function finished(
	state: OperationState,
	ok: boolean,
	summary: string,
	problems: readonly Problem[],
	choices: readonly string[],
): OperationState {
	if (state.phase !== "running") return state;
	const counts = progressSummary(state.progress);
	return {
		phase: "done",
		plan: state.plan,
		lines: state.lines,
		ok,
		summary: counts && ok ? `${summary} (uv: ${counts})` : summary,
		problems,
		choices,
	};
}
