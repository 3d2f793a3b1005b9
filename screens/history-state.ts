import type { HistoryEntry } from "../source/core/project/history.js";

/** What the history screen is doing: browsing, asking, running a rollback, or showing its result. */
export type HistoryPhase =
	| { readonly phase: "browse" }
	| { readonly phase: "confirm"; readonly entry: HistoryEntry }
	| { readonly phase: "running"; readonly entry: HistoryEntry; readonly since: number; readonly status: string }
	| { readonly phase: "done"; readonly ok: boolean; readonly summary: string };

/** The cursor and the phase together: a key acts on both as the previous key left them. */
export type HistoryState = { readonly selected: number; readonly phase: HistoryPhase };

export type HistoryAction =
	| { readonly type: "up" }
	| { readonly type: "down"; readonly count: number }
	| { readonly type: "select"; readonly index: number }
	| { readonly type: "phase"; readonly phase: HistoryPhase }
	/** uv's progress while a rollback runs (ignored once it finished). */
	| { readonly type: "status"; readonly status: string }
	/** The rollback ended: its result, the cursor on the newest entry (the rollback itself). */
	| { readonly type: "finished"; readonly ok: boolean; readonly summary: string };

export const initialHistory: HistoryState = { selected: 0, phase: { phase: "browse" } };

export function historyReducer(state: HistoryState, action: HistoryAction): HistoryState {
	switch (action.type) {
		case "up":
			return { ...state, selected: Math.max(0, state.selected - 1) };
		case "down":
			return { ...state, selected: Math.max(0, Math.min(action.count - 1, state.selected + 1)) };
		case "select":
			return { ...state, selected: Math.max(0, action.index) };
		case "phase":
			return { ...state, phase: action.phase };
		case "status":
			return state.phase.phase === "running" ? { ...state, phase: { ...state.phase, status: action.status } } : state;
		case "finished":
			return { selected: 0, phase: { phase: "done", ok: action.ok, summary: action.summary } };
	}
	const exhaustive: never = action;
	return exhaustive;
}
