import { displayPath } from "../source/core/base/display-path.js";
import path from "node:path";
import { Box, type DOMElement, type Key, Text } from "ink";
import { useMemo, useRef } from "react";
import { constraintProblems, forbiddenChoices } from "../source/core/registry/constraints.js";
import { useMouseRegion } from "../components/mouse.js";
import { ListView } from "../components/list-view.js";
import { type KeyOutcome, useKeys } from "../components/use-keys.js";
import { useLatestReducer } from "../components/use-latest-reducer.js";
import { StatusBar, type KeyHint } from "../components/status-bar.js";
import { describeSource } from "../source/core/registry/describe.js";
import { normalizeName } from "../source/core/base/names.js";
import { displaySafe } from "../source/core/base/text.js";
import { groupsOffering } from "../source/core/registry/model.js";
import { type BrowserState, browserReducer, initialBrowser, visibleGroups } from "./browser-state.js";
import type { View } from "./view.js";
import { glyphs } from "../components/glyphs.js";

export const BROWSER_KEYS: readonly KeyHint[] = [
	[glyphs.upDown, "move"],
	[`${glyphs.leftRight}/tab`, `groups ${glyphs.swap} options`],
	["enter", "pick (1-of-N)"],
	["space", "toggle (M-of-N)"],
	["/", "filter"],
	["c", "check"],
	["s", "sync"],
	["a", "add package"],
	["m", "mode"],
	["u", "undo"],
	["H", "history"],
	["?", "help"],
	["q", "quit"],
];

/** The marks the browser draws, for the help's legend. */
export const BROWSER_LEGEND: readonly KeyHint[] = [
	["(*)  ( )", "picked / not picked, in a 1-of-N group (exactly one)"],
	["[x]  [ ]", "chosen / not chosen, in an M-of-N group (any subset)"],
	[glyphs.dash, "nothing chosen in this group"],
	["pending", "the choice is in pyproject.toml; uv.lock or .venv do not have it yet (s syncs)"],
	["synced", "pyproject.toml, uv.lock and .venv all have it"],
	["conflict", "a rule of the registry, or the last check or sync, names this group in a problem (l shows the output)"],
	[
		`${glyphs.cross} reason`,
		"a rule of the registry (requires, conflicts, max) forbids the option with the rest of the choice",
	],
];

export type BrowserProps = {
	readonly view: View;
	readonly width: number;
	readonly height: number;
	/** A message from the last action (e.g. "inference: switched from a to b"). */
	readonly message: string | undefined;
	readonly onChoose: (group: string, option: string, how: "pick" | "toggle") => void;
	/** False when the command opened no screen after all (the browser keeps its keys). */
	readonly onCommand: (
		command: "check" | "sync" | "add" | "help" | "quit" | "undo" | "mode" | "history",
	) => boolean | undefined | void;
	readonly active: boolean;
	/** Groups the last check or sync named in a problem (marked until the next change or success). */
	readonly conflicts?: ReadonlySet<string> | undefined;
	/** The browser's state, kept by the caller so that the cursor is where it was on return. */
	readonly store?: ReturnType<typeof useBrowserStore> | undefined;
};

/** The browser's state, to keep above the screen (the App does, across check and sync). */
export function useBrowserStore() {
	return useLatestReducer(browserReducer, initialBrowser);
}

/** Groups on the left, the focused group's options on the right, the focused package below. */
export function BrowserScreen({
	view,
	width,
	height,
	message,
	onChoose,
	onCommand,
	active,
	store,
	conflicts,
}: BrowserProps) {
	const own = useBrowserStore();
	const [state, dispatch, latest] = store ?? own;
	const describe = (name: string) => view.registry.packages.get(normalizeName(name))?.description ?? "";
	const focusOf = (s: BrowserState) => {
		const groups = visibleGroups(view.overview, s.filter, describe);
		const group = groups[Math.min(s.group, Math.max(groups.length - 1, 0))];
		const options = group?.options ?? [];
		return { groups, group, options, option: options[Math.min(s.option, Math.max(options.length - 1, 0))] };
	};
	const { groups, group, options, option } = focusOf(state);
	// what a rule of the registry forbids with the rest of the choice (requires, conflicts, max):
	// such an option is greyed out with the first reason
	const { forbidden, broken } = useMemo(() => {
		const selection = new Map(
			view.overview.groups.map((g) => [
				normalizeName(g.name),
				g.options.filter((o) => o.selected).map((o) => normalizeName(o.name)),
			]),
		);
		return {
			forbidden: forbiddenChoices(view.registry, selection),
			// the groups a rule names that the choice as it stands breaks: marked as a conflict
			broken: new Set(
				constraintProblems(view.registry, selection).flatMap((p) => [
					...[...p.message.matchAll(/([A-Za-z0-9][A-Za-z0-9._-]*)=/g)].map((m) => m[1] ?? ""),
					...[...p.message.matchAll(/group "([^"]+)"/g)].map((m) => m[1] ?? ""),
				]),
			),
		};
	}, [view]);
	const whyNot = (groupName: string, optionName: string) => {
		const reason = forbidden.get(normalizeName(groupName))?.get(normalizeName(optionName))?.[0]?.reason;
		// on the option's own row, "conflicts with metrics=x" says it (its own name is the row)
		const own = `${groupName}=${optionName} `;
		return reason?.startsWith(own) ? reason.slice(own.length) : reason;
	};
	const pkg = option ? view.registry.packages.get(normalizeName(option.name)) : undefined;

	// from 120 columns the options show their descriptions
	const wide = width >= 120;
	// the panes are as tall as the longest list needs (the whole registry, unfiltered, so typing a
	// filter does not move them) and the details take the rest; a line is kept for the last
	// action's message, above the key bar (which is always there)
	const longest = Math.max(view.overview.groups.length + 1, ...view.overview.groups.map((g) => g.options.length));
	const listHeight = Math.max(3, Math.min(height - 12, longest + 1));
	const detailsHeight = Math.max(6, height - listHeight - 6);
	const leftWidth = Math.max(28, Math.floor(width * 0.42));

	const handle = (input: string, key: Partial<Key>): KeyOutcome => {
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
		if (key.upArrow || input === "k") dispatch({ type: "up", count, page: listHeight });
		else if (key.downArrow || input === "j") dispatch({ type: "down", count, page: listHeight });
		else if (key.pageUp) dispatch({ type: "page-up", count, page: listHeight });
		else if (key.pageDown) dispatch({ type: "page-down", count, page: listHeight });
		else if (key.tab || key.rightArrow || input === "l")
			dispatch({ type: "focus", focus: state.focus === "groups" ? "options" : "groups" });
		else if (key.leftArrow || input === "h") dispatch({ type: "focus", focus: "groups" });
		else if (input === "/") dispatch({ type: "filter-start" });
		else if (key.escape && state.filter) dispatch({ type: "filter-clear" });
		else if (input === "u") onCommand("undo");
		else if (input === "m") onCommand("mode");
		else if (input === "c" || input === "s" || input === "a" || input === "H" || input === "?" || input === "q") {
			const command = ({ c: "check", s: "sync", a: "add", H: "history", "?": "help", q: "quit" } as const)[input];
			const opened = onCommand(command);
			return command === "help" ? "covered" : opened === false ? undefined : "moved";
		} else if ((key.return || input === " ") && state.focus === "groups") dispatch({ type: "focus", focus: "options" });
		else if ((key.return || input === " ") && group && option && !group.ungrouped) {
			onChoose(group.name, option.name, group.strategy === "1-of-N" ? "pick" : "toggle");
		}
	};
	useKeys(handle, active);

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
		dispatch({ type: delta < 0 ? "up" : "down", count, page: listHeight });
	};

	const mark = (selected: boolean) =>
		group?.strategy === "1-of-N" ? (selected ? "(*)" : "( )") : selected ? "[x]" : "[ ]";
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Box justifyContent="space-between" flexShrink={0}>
				<Text bold>hpm</Text>
				<Text dimColor wrap="truncate-start">
					{view.overview.project ? `${view.overview.project}  mode ${view.overview.mode}` : "no project"}
				</Text>
			</Box>
			<Box height={listHeight + 3} flexShrink={0}>
				<Box
					flexDirection="column"
					width={leftWidth}
					flexShrink={0}
					ref={leftPane}
					borderStyle={glyphs.border}
					borderColor={state.focus === "groups" ? "cyan" : "gray"}
				>
					<ListView
						items={groups}
						selected={Math.min(state.group, Math.max(groups.length - 1, 0))}
						height={listHeight}
						focused={state.focus === "groups"}
						onSelect={select("groups")}
						onWheel={wheel("groups")}
						itemKey={(g) => g.name}
						empty={state.filter ? `nothing matches "${state.filter}"` : "the registry has no groups"}
						renderItem={(g) => (
							<Text wrap="truncate-end">
								<Marked text={g.name} filter={state.filter} /> <Text dimColor>{g.strategy}</Text>{" "}
								{g.ungrouped ? (
									""
								) : conflicts?.has(g.name) || broken.has(g.name) ? (
									<Text color="red">conflict</Text>
								) : g.selected.length === 0 ? (
									<Text dimColor>{glyphs.dash}</Text>
								) : g.synced ? (
									<Text color="green">synced</Text>
								) : (
									<Text color="yellow">pending</Text>
								)}
							</Text>
						)}
					/>
				</Box>
				<Box
					flexDirection="column"
					flexGrow={1}
					ref={rightPane}
					borderStyle={glyphs.border}
					borderColor={state.focus === "options" ? "cyan" : "gray"}
				>
					<ListView
						items={options}
						selected={Math.min(state.option, Math.max(options.length - 1, 0))}
						height={listHeight}
						focused={state.focus === "options"}
						onSelect={select("options")}
						onWheel={wheel("options")}
						itemKey={(o) => o.name}
						renderItem={(o) => {
							const blocked = group && !group.ungrouped && !o.selected ? whyNot(group.name, o.name) : undefined;
							return (
								<Text wrap="truncate-end" dimColor={blocked !== undefined}>
									{group?.ungrouped ? "" : <Text color={o.selected ? "green" : undefined}>{mark(o.selected)} </Text>}
									<Marked text={o.name} filter={state.filter} /> <Text dimColor>{o.version}</Text>
									{blocked ? (
										<Text color="red">
											{" "}
											{glyphs.cross} {blocked}
										</Text>
									) : null}
									{/* wide terminals have room for what each option is */}
									{wide && !blocked && describe(o.name) ? <Text dimColor> {displaySafe(describe(o.name))}</Text> : null}
								</Text>
							);
						}}
					/>
				</Box>
			</Box>
			<Box flexDirection="column" height={detailsHeight} flexShrink={1} overflow="hidden" paddingX={1}>
				{pkg ? (
					<>
						<Text wrap="truncate-end">
							<Text bold>{pkg.name}</Text> {pkg.version} <Text dimColor>{pkg.description}</Text>
						</Text>
						{[...pkg.sources].slice(0, Math.max(2, detailsHeight - 4)).map(([mode, source]) => (
							<Text key={mode} wrap="truncate-end">
								<Text color={mode === view.overview.mode ? "green" : undefined}>{mode.padEnd(6)}</Text>{" "}
								{describeSource(source)}
							</Text>
						))}
						{group && option && !group.ungrouped && !option.selected && whyNot(group.name, option.name) ? (
							<Text color="red" wrap="truncate-end">
								{glyphs.cross} {whyNot(group.name, option.name)}
							</Text>
						) : null}
						<Text dimColor wrap="truncate-end">
							groups:{" "}
							{groupsOffering(view.registry, pkg.key)
								.map((g) => g.name)
								.join(", ") || "none"}
						</Text>
						{/* a tall terminal has room for where the package is declared and what its group is for */}
						{detailsHeight >= 8 ? (
							<Text dimColor wrap="truncate-start">
								manifest: {displaySafe(shortPath(pkg.location.file, view.context.project?.root))}
							</Text>
						) : null}
						{detailsHeight >= 9 && group && !group.ungrouped ? (
							<Text dimColor wrap="truncate-end">
								{group.name} ({groupTerms(view.registry, group.name, group.strategy)}):{" "}
								{displaySafe(group.description || "no description")}
							</Text>
						) : null}
					</>
				) : (
					<Text dimColor>{group ? group.description : ""}</Text>
				)}
			</Box>
			{state.filtering || state.filter ? (
				<Box flexShrink={0}>
					<Text color="cyan">/</Text>
					<Text>{state.filter}</Text>
					{state.filtering ? <Text inverse> </Text> : null}
				</Box>
			) : null}
			{/* the last action's message wraps (never cut): the details above give up rows for it */}
			<Box flexShrink={0}>
				<Text color="yellow" wrap="wrap">
					{message ?? " "}
				</Text>
			</Box>
			<Box flexShrink={0}>
				<StatusBar hints={BROWSER_KEYS} width={width - 1} />
			</Box>
		</Box>
	);
}

/** A group's strategy and what its file declares: the default, required, min, max, the interface. */
function groupTerms(registry: View["registry"], name: string, strategy: string): string {
	const group = registry.groups.get(normalizeName(name));
	if (!group) return strategy;
	const names = (keys: readonly string[]) => keys.map((key) => registry.packages.get(key)?.name ?? key).join("+");
	return [
		strategy,
		group.defaults.length ? `default ${names(group.defaults)}` : "",
		group.required ? "required" : "",
		group.min !== undefined ? `min ${group.min}` : "",
		group.max !== undefined ? `max ${group.max}` : "",
		group.interface ? `interface ${names([group.interface])}` : "",
	]
		.filter(Boolean)
		.join(", ");
}

/** A file's path from the project's folder when it is inside it (the registry's files usually are). */
function shortPath(file: string, root: string | undefined): string {
	const relative = root === undefined ? file : path.relative(root, file);
	return relative.startsWith("..") || path.isAbsolute(relative) ? displayPath(file) : relative;
}

/** `text` with the first match of the filter underlined and bold (separators and case ignored). */
function Marked({ text, filter }: { readonly text: string; readonly filter: string }) {
	const span = matchSpan(text, filter);
	if (!span) return <Text>{text}</Text>;
	return (
		<Text>
			{text.slice(0, span[0])}
			<Text bold underline color="cyan">
				{text.slice(span[0], span[1])}
			</Text>
			{text.slice(span[1])}
		</Text>
	);
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
