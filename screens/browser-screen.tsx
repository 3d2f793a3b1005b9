import { Box, Text } from "ink";
import { ListView } from "../components/list-view.js";
import { StatusBar, type KeyHint } from "../components/status-bar.js";
import { normalizeName } from "../source/core/base/names.js";
import { displaySafe } from "../source/core/base/text.js";
import { BrowserDetails } from "./browser-details.js";
import { browserFocus, matchSpan, picks } from "./browser-state.js";
import { type BrowserCommand, type BrowserStore, useBrowserInput, useBrowserStore } from "./use-browser-input.js";
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
	["r", "HTML report"],
	["v", "verify: the chosen options' checks"],
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
	readonly onCommand: (command: BrowserCommand) => boolean | undefined | void;
	readonly active: boolean;
	/** Groups the last check or sync named in a problem (marked until the next change or success). */
	readonly conflicts?: ReadonlySet<string> | undefined;
	/** The browser's state, kept by the caller so that the cursor is where it was on return. */
	readonly store?: BrowserStore | undefined;
};

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
	const [state] = store ?? own;
	const describe = (name: string) => view.registry.packages.get(normalizeName(name))?.description ?? "";
	const { groups, group, options, option } = browserFocus(view.overview, state, describe);
	// what the registry's rules say about the choice, as the core computed it: an option a rule
	// forbids is greyed out with the first reason; a group a broken rule names is a conflict
	const broken = view.rules.broken;
	const whyNot = (groupName: string, optionName: string) =>
		view.rules.forbidden.get(normalizeName(groupName))?.get(normalizeName(optionName))?.[0]?.brief;

	// from 120 columns the options show their descriptions
	const wide = width >= 120;
	// the panes are as tall as the longest list needs (the whole registry, unfiltered, so typing a
	// filter does not move them) and the details take the rest; a line is kept for the last
	// action's message, above the key bar (which is always there)
	const longest = Math.max(view.overview.groups.length + 1, ...view.overview.groups.map((g) => g.options.length));
	const listHeight = Math.max(3, Math.min(height - 12, longest + 1));
	const detailsHeight = Math.max(6, height - listHeight - 6);
	const leftWidth = Math.max(28, Math.floor(width * 0.42));
	const { leftPane, rightPane, select, wheel } = useBrowserInput({
		view,
		store: store ?? own,
		page: listHeight,
		active,
		onChoose,
		onCommand,
	});

	const mark = (selected: boolean) => (group && picks(group) ? (selected ? "(*)" : "( )") : selected ? "[x]" : "[ ]");
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
								) : conflicts?.has(g.name) || broken.includes(g.name) ? (
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
			<BrowserDetails
				view={view}
				height={detailsHeight}
				group={group}
				option={option}
				blocked={group && option && !group.ungrouped && !option.selected ? whyNot(group.name, option.name) : undefined}
			/>
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
