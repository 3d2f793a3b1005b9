import { type DOMElement, type Key } from "ink";
import { useRef } from "react";
import { useMouseRegion } from "../components/mouse.js";
import { type KeyOutcome, useKeys } from "../components/use-keys.js";
import { useLatestReducer } from "../components/use-latest-reducer.js";
import { normalizeName } from "../source/core/base/names.js";
import { type BrowserState, browserFocus, browserReducer, initialBrowser, picks } from "./browser-state.js";
import type { View } from "./view.js";

/** What the browser's keys ask of the screens around it. */
export type BrowserCommand =
	"check" | "sync" | "add" | "help" | "quit" | "undo" | "mode" | "history" | "report" | "verify";

/** The browser's state, to keep above the screen (the App does, across check and sync). */
export function useBrowserStore() {
	return useLatestReducer(browserReducer, initialBrowser);
}

export type BrowserStore = ReturnType<typeof useBrowserStore>;

/** The browser's keys and mouse: each key acts on the state the one before left. */
export function useBrowserInput({
	view,
	store,
	page,
	active,
	onChoose,
	onCommand,
}: {
	readonly view: View;
	readonly store: BrowserStore;
	/** Rows a page key moves. */
	readonly page: number;
	readonly active: boolean;
	readonly onChoose: (group: string, option: string, how: "pick" | "toggle") => void;
	/** False when the command opened no screen after all (the browser keeps its keys). */
	readonly onCommand: (command: BrowserCommand) => boolean | undefined | void;
}) {
	const [, dispatch, latest] = store;
	const describe = (name: string) => view.registry.packages.get(normalizeName(name))?.description ?? "";
	const focusOf = (state: BrowserState) => browserFocus(view.overview, state, describe);

	useKeys((input: string, key: Partial<Key>): KeyOutcome => {
		// read the newest state: several keys of one chunk arrive before the next render
		const state = latest();
		const { groups, group, options, option } = focusOf(state);
		if (state.filtering) {
			// the filter is edited here, by the handler that is always listening, so no key typed
			// right after "/" can be lost while a text field would still be mounting
			if (key.escape) dispatch({ type: "filter-clear" });
			else if (key.return || key.downArrow) dispatch({ type: "filter-end" });
			else if (key.backspace || key.delete) dispatch({ type: "filter-set", text: state.filter.slice(0, -1) });
			else if (input && !key.ctrl && !key.meta) dispatch({ type: "filter-set", text: state.filter + input });
			return;
		}
		const count = state.focus === "groups" ? groups.length : options.length;
		if (key.upArrow || input === "k") dispatch({ type: "up", count, page });
		else if (key.downArrow || input === "j") dispatch({ type: "down", count, page });
		else if (key.pageUp) dispatch({ type: "page-up", count, page });
		else if (key.pageDown) dispatch({ type: "page-down", count, page });
		else if (key.tab || key.rightArrow || input === "l")
			dispatch({ type: "focus", focus: state.focus === "groups" ? "options" : "groups" });
		else if (key.leftArrow || input === "h") dispatch({ type: "focus", focus: "groups" });
		else if (input === "/") dispatch({ type: "filter-start" });
		else if (key.escape && state.filter) dispatch({ type: "filter-clear" });
		else if (input === "u") onCommand("undo");
		else if (input === "m") onCommand("mode");
		else if (input === "r") onCommand("report");
		else if (input === "v") onCommand("verify");
		else if (input === "c" || input === "s" || input === "a" || input === "H" || input === "?" || input === "q") {
			const command = ({ c: "check", s: "sync", a: "add", H: "history", "?": "help", q: "quit" } as const)[input];
			const opened = onCommand(command);
			return command === "help" ? "covered" : opened === false ? undefined : "moved";
		} else if ((key.return || input === " ") && state.focus === "groups") dispatch({ type: "focus", focus: "options" });
		else if ((key.return || input === " ") && group && option && !group.ungrouped) {
			onChoose(group.name, option.name, picks(group) ? "pick" : "toggle");
		}
		return undefined;
	}, active);

	// the mouse: a click focuses a pane and puts its cursor on the row; the wheel moves the cursor
	// of the pane under it
	const leftPane = useRef<DOMElement>(null);
	const rightPane = useRef<DOMElement>(null);
	const paneClick = (focus: BrowserState["focus"]) => (event: { readonly kind: string }) => {
		if (event.kind !== "press" || latest().filtering) return false;
		dispatch({ type: "focus", focus });
		return true;
	};
	useMouseRegion(leftPane, paneClick("groups"));
	useMouseRegion(rightPane, paneClick("options"));
	const select = (focus: BrowserState["focus"]) => (index: number) => {
		if (!latest().filtering) dispatch({ type: "select", focus, index });
	};
	const wheel = (focus: BrowserState["focus"]) => (delta: -1 | 1) => {
		const now = focusOf(latest());
		if (latest().filtering) return;
		dispatch({ type: "focus", focus });
		const count = focus === "groups" ? now.groups.length : now.options.length;
		dispatch({ type: delta < 0 ? "up" : "down", count, page });
	};
	return { leftPane, rightPane, select, wheel };
}
