import { HpmError, type Problem } from "../source/core/base/errors.js";
import type { HpmEvent } from "../source/core/plan/events.js";
import type { OperationResult } from "../source/core/operations/run.js";
import type { Plan } from "../source/core/plan/plan.js";
import { appendLine, emptyTail, type LineTail } from "./line-tail.js";
import { NO_PROGRESS, type Progress, progressOf, progressSummary } from "./uv-progress.js";
import { errorText } from "./view.js";

/** What the operation screen shows: the plan to confirm, uv running, its result, or why it could not start. */
export type OperationState =
	| { readonly phase: "confirm"; readonly plan: Plan; readonly problems: readonly Problem[] }
	| {
			readonly phase: "running";
			readonly plan: Plan;
			readonly since: number;
			/** uv's lines and hpm's notes among them, the last `KEPT_LINES` (line-tail.ts). */
			readonly lines: LineTail;
			/** The problems and warnings the stream reported so far. */
			readonly problems: readonly Problem[];
			readonly warnings: readonly Problem[];
			/** What hpm is doing, then what uv says it is doing within it (under the spinner). */
			readonly status: string;
			/** The step hpm announced last. */
			readonly step: string;
			readonly progress: Progress;
	  }
	| {
			readonly phase: "done";
			readonly plan: Plan;
			readonly lines: LineTail;
			readonly ok: boolean;
			readonly summary: string;
			/** The problems the stream reported, then those its result or error adds. */
			readonly problems: readonly Problem[];
			/** Problems that did not block it (a registry file the selection does not use). */
			readonly warnings: readonly Problem[];
			/** The choices (`group=option`) a failure's error names, as data. */
			readonly choices: readonly string[];
			/** The groups a failure's error names beyond its choices, as data. */
			readonly groups: readonly string[];
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
						lines: emptyTail(),
						problems: [],
						warnings: [],
						status: "starting",
						step: "starting",
						progress: NO_PROGRESS,
					}
				: state;
		case "event":
			return state.phase === "running" ? onEvent(state, action.event) : state;
		case "result": {
			const { result } = action;
			return finished(state, result.ok, result.summary, result.kind === "check" ? result.problems : [], {
				choices: [],
				groups: [],
			});
		}
		case "error": {
			const { error } = action;
			const failure = error instanceof HpmError ? error : undefined;
			return finished(state, false, errorText(error), failure?.problems ?? [], {
				choices: failure?.choices ?? [],
				groups: failure?.groups ?? [],
			});
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
				lines: appendLine(state.lines, event.line),
				progress,
				status: progress.status ? `${state.step}: ${progress.status}` : state.status,
			};
		}
		case "phase":
			return { ...state, step: event.message, status: event.message };
		case "restored":
			return { ...state, lines: appendLine(state.lines, event.message) };
		// a few per run, so copied whole
		case "problem":
			return { ...state, problems: [...state.problems, event.problem] };
		case "warning":
			return { ...state, warnings: [...state.warnings, event.problem] };
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
	about: { readonly choices: readonly string[]; readonly groups: readonly string[] },
): OperationState {
	if (state.phase !== "running") return state;
	const counts = progressSummary(state.progress);
	// a check's result and a refusal list the problems the stream reported (the same objects) again
	const streamed = new Set(state.problems);
	return {
		phase: "done",
		plan: state.plan,
		lines: state.lines,
		ok,
		summary: counts && ok ? `${summary} (uv: ${counts})` : summary,
		problems: [...state.problems, ...problems.filter((problem) => !streamed.has(problem))],
		warnings: state.warnings,
		...about,
	};
}
