import type { Overview } from "../source/core/plan/overview.js";
import { squash } from "../source/core/plan/search.js";
import { choiceKind } from "../source/core/registry/choice-kind.js";
import type { Strategy } from "../source/core/registry/schema.js";

/** A group as the browser lists it; the packages no group offers are one more row, without a strategy. */
export type GroupRow = Omit<Overview["groups"][number], "strategy"> & {
	readonly strategy: Strategy | "";
	readonly ungrouped?: boolean;
};

/** Whether choosing an option of the row replaces the one chosen before (a pick) rather than toggling it. */
export function picks(group: GroupRow): boolean {
	return group.strategy !== "" && choiceKind({ strategy: group.strategy }) === "replace";
}

/** What the registry browser shows and where the cursor is. */
export type BrowserState = {
	readonly focus: "groups" | "options";
	readonly group: number;
	readonly option: number;
	readonly filter: string;
	readonly filtering: boolean;
};

export type BrowserAction =
	| {
			readonly type: "up" | "down" | "page-up" | "page-down";
			readonly count: number;
			readonly page: number;
	  }
	| { readonly type: "focus"; readonly focus: BrowserState["focus"] }
	/** A row chosen by pointing at it: the pane is focused and its cursor put on the row. */
	| { readonly type: "select"; readonly focus: BrowserState["focus"]; readonly index: number }
	| { readonly type: "filter-start" | "filter-end" | "filter-clear" }
	| { readonly type: "filter-set"; readonly text: string };

export const initialBrowser: BrowserState = { focus: "groups", group: 0, option: 0, filter: "", filtering: false };

export function browserReducer(state: BrowserState, action: BrowserAction): BrowserState {
	const clamp = (index: number, count: number) => Math.max(0, Math.min(index, count - 1));
	const key = state.focus === "groups" ? "group" : "option";
	const reset = state.focus === "groups" ? { option: 0 } : {};
	switch (action.type) {
		case "up":
			return { ...state, ...reset, [key]: clamp(state[key] - 1, action.count) };
		case "down":
			return { ...state, ...reset, [key]: clamp(state[key] + 1, action.count) };
		case "page-up":
			return { ...state, ...reset, [key]: clamp(state[key] - action.page, action.count) };
		case "page-down":
			return { ...state, ...reset, [key]: clamp(state[key] + action.page, action.count) };
		case "focus":
			return { ...state, focus: action.focus };
		case "select":
			return action.focus === "groups"
				? { ...state, focus: "groups", group: action.index, option: action.index === state.group ? state.option : 0 }
				: { ...state, focus: "options", option: action.index };
		case "filter-start":
			return { ...state, filtering: true };
		case "filter-end":
			return { ...state, filtering: false };
		case "filter-clear":
			return { ...state, filter: "", filtering: false, group: 0, option: 0 };
		case "filter-set":
			return { ...state, filter: action.text, group: 0, option: 0 };
	}
	const exhaustive: never = action;
	return exhaustive;
}

/** Groups whose name or description, or any option's name, matches the filter (case- and separator-insensitive). */
export function visibleGroups(list: Overview, filter: string, describe: (name: string) => string): GroupRow[] {
	const rows: GroupRow[] = [...list.groups];
	if (list.ungrouped.length > 0) {
		rows.push({
			name: "(no group)",
			strategy: "",
			description: "packages no group offers",
			options: list.ungrouped.map((p) => ({ ...p, selected: false })),
			selected: [],
			synced: true,
			ungrouped: true,
		});
	}
	const needle = squash(filter);
	if (!needle) return rows;
	return rows
		.map((group) => {
			if (squash(group.name).includes(needle) || squash(group.description).includes(needle)) return group;
			const options = group.options.filter(
				(o) => squash(o.name).includes(needle) || squash(describe(o.name)).includes(needle),
			);
			return options.length > 0 ? { ...group, options } : undefined;
		})
		.filter((group): group is GroupRow => group !== undefined);
}

/** The rows the browser shows for `state`, and the group and option under the cursors. */
export function browserFocus(list: Overview, state: BrowserState, describe: (name: string) => string) {
	const groups = visibleGroups(list, state.filter, describe);
	const group = groups[Math.min(state.group, Math.max(groups.length - 1, 0))];
	const options = group?.options ?? [];
	return { groups, group, options, option: options[Math.min(state.option, Math.max(options.length - 1, 0))] };
}

/** Where `filter` matches in `text` as search compares them (case and - _ . ignored), or undefined. */
export function matchSpan(text: string, filter: string): [number, number] | undefined {
	const wanted = filter.toLowerCase().replace(/[-_.\s]+/g, "");
	if (wanted === "") return undefined;
	for (let start = 0; start < text.length; start++) {
		let matched = 0;
		let end = start;
		while (end < text.length && matched < wanted.length) {
			const char = (text[end] ?? "").toLowerCase();
			if (/[-_.\s]/.test(char)) {
				if (matched === 0) break;
				end++;
				continue;
			}
			if (char !== wanted[matched]) break;
			matched++;
			end++;
		}
		if (matched === wanted.length) return [start, end];
	}
	return undefined;
}
