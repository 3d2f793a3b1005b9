import { Box, Text, useApp, useInput } from "ink";
import { useCallback, useRef, useEffect, useState } from "react";
import { useLatestReducer } from "../components/use-latest-reducer.js";
import { HelpOverlay, helpHeight, helpRows } from "../components/help-overlay.js";
import { pagerMove, pagerOffset } from "../components/pager.js";
import { useKeys } from "../components/use-keys.js";
import type { KeyHint } from "../components/status-bar.js";
import { leftOutWarning, type Locator } from "../source/core/plan/context.js";
import { displaySafe } from "../source/core/base/text.js";
import { type ProjectChange, undoChange, choose } from "../source/core/operations/choose.js";
import type { FileIdentity } from "../source/core/os/fs-atomic.js";
import { readMode, setMode } from "../source/core/operations/mode.js";
import { addPackage, packageFormOf } from "../source/core/operations/registry/add-package.js";
import { BROWSER_KEYS, BROWSER_LEGEND, BrowserScreen, useBrowserStore } from "./browser-screen.js";
import { HISTORY_KEYS, HistoryScreen } from "./history-screen.js";
import { OPERATION_KEYS, OperationScreen } from "./operation-screen.js";
import type { InterruptSource } from "./use-operation.js";
import { currentRoute, initialRouter, routerReducer } from "./router.js";
import { useTerminalSize } from "./use-terminal-size.js";
import { errorText, loadView, type View } from "./view.js";
import { HpmError } from "../source/core/base/errors.js";
import { interrupted } from "./interrupted.js";
import { WizardScreen } from "./wizard-screen.js";
import { glyphs } from "../components/glyphs.js";
import { splitKeys } from "../components/split-keys.js";

const HELP: Record<string, readonly KeyHint[]> = {
	browser: [
		...BROWSER_KEYS,
		["esc", "clear the filter"],
		["pgup/pgdn", "scroll a page"],
		["click", "focus the pane, select the row"],
		["wheel", "move in the pane under it"],
	],
	operation: [...OPERATION_KEYS, ["wheel", "scroll the pager"]],
	history: [...HISTORY_KEYS, ["ctrl-c", "cancel a rollback"]],
	wizard: [
		["enter", "accept the field"],
		["esc", "previous field / cancel"],
		[glyphs.upDown, "choose"],
	],
};

export type AppProps = {
	readonly locator: Locator;
	readonly cwd: string;
	/** The process's signals, for operations to stop uv and restore on them (see InterruptSource). */
	readonly interrupts?: InterruptSource | undefined;
	/** The view when it was read before the UI started (the first frame is then the browser). */
	readonly initialView?: View | string | undefined;
};

/** The screen router: a stack of screen states over one view of the registry and project. */
export function App({ locator, cwd, interrupts, initialView }: AppProps) {
	const { exit } = useApp();
	const { columns, rows } = useTerminalSize();
	const [router, dispatch, latestRouter] = useLatestReducer(routerReducer, initialRouter);
	// the browser's cursor and filter outlive a visit to check, sync or the wizard
	const browser = useBrowserStore();
	const [conflicts, setConflicts] = useState<ReadonlySet<string>>(new Set());
	// undefined while loading; a string when the project cannot be opened
	const [view, setView] = useState<View | string | undefined>(initialView);
	const [message, setMessage] = useState<string | undefined>(() => {
		const warning = typeof initialView === "object" ? leftOutWarning(initialView.problems) : undefined;
		return warning ? displaySafe(warning) : undefined;
	});
	// the UI's own changes to pyproject.toml, newest last, for `u`
	const undos = useRef<readonly { readonly change: ProjectChange; readonly message: string }[]>([]);
	// every write the UI makes (pick, toggle, undo, mode) and every check or sync it opens runs after
	// the ones before it: a burst of keys (Space then s, u u, m m) acts on the state the previous left
	const inflight = useRef<Promise<void>>(Promise.resolve());
	const enqueue = (action: () => Promise<void>) => {
		inflight.current = inflight.current.then(action).catch((error: unknown) => setMessage(errorText(error)));
	};
	const reload = useCallback(() => {
		loadView(locator, cwd).then(
			(loaded) => {
				setView(loaded);
				const warning = leftOutWarning(loaded.problems);
				if (warning) setMessage(displaySafe(warning));
			},
			(error: unknown) => setView(errorText(error)),
		);
	}, [locator, cwd]);
	// read at start-up unless it was read before the UI opened
	const preloaded = useRef(initialView !== undefined);
	useEffect(() => {
		if (preloaded.current) preloaded.current = false;
		else reload();
	}, [reload]);
	// a change the UI wrote to pyproject.toml: undoable, clears the conflict marks, said, shown
	const recorded = (result: {
		readonly message: string;
		readonly undo?: ProjectChange | undefined;
		readonly breaks?: readonly string[] | undefined;
	}) => {
		const { undo } = result;
		setConflicts(new Set());
		if (undo) undos.current = [...undos.current, { change: undo, message: result.message }];
		const broken = result.breaks?.[0];
		setMessage(
			displaySafe(
				broken
					? `${result.message}; this breaks a rule: ${broken} (u undoes)`
					: `${result.message} (press s to sync, u to undo)`,
			),
		);
		reload();
	};
	const route = currentRoute(router);
	// another hpm holding the project lock: say so instead of seeming stuck
	const waiting = {
		onWait: (owner: { readonly pid: number; readonly command: string }) =>
			setMessage(`waiting for another hpm to finish (pid ${owner.pid}: hpm ${owner.command})${glyphs.ellipsis}`),
	};

	useInput((input, key) => {
		// Ctrl-C anywhere in a burst (`j` Ctrl-C typed at once) still quits
		// (check, sync and a rollback in the history cancel uv on it instead, and stay)
		if (
			route.screen !== "operation" &&
			route.screen !== "history" &&
			splitKeys(input, key).some((p) => p.key.ctrl && p.input === "c")
		) {
			exit(interrupted());
			return;
		}
		// a project the UI cannot open ends hpm ui as an error (exit 2), its reason printed again
		if (typeof view === "string" && (input === "q" || key.escape))
			exit(new HpmError("ui-cannot-open", `hpm ui cannot open this project: ${view}`));
	});

	// the help takes the keys while it shows, one at a time like every screen: Esc closes it and
	// what follows in the burst goes to the screen under it; the arrows scroll it
	const help = { keys: HELP[route.screen] ?? [], legend: route.screen === "browser" ? BROWSER_LEGEND : [] };
	const helpTotal = helpRows(help.keys, help.legend, columns - 4).length;
	useKeys((input, key) => {
		if (key.escape || input === "?" || input === "q") {
			dispatch({ type: "close-help" });
			return "moved";
		}
		const move = pagerMove(input, key);
		if (move)
			dispatch({
				type: "help-scroll",
				offset: pagerOffset(latestRouter().helpOffset, move, helpTotal, helpHeight(rows)),
			});
		return undefined;
	}, router.help);

	if (view === undefined) return <Text dimColor>loading the registry{glyphs.ellipsis}</Text>;
	if (typeof view === "string") {
		return (
			<Box flexDirection="column">
				<Text color="red">hpm ui cannot open this project: {view}</Text>
				<Text dimColor>press q to quit</Text>
			</Box>
		);
	}
	const height = rows - 1;
	const screen =
		route.screen === "browser" ? (
			<BrowserScreen
				view={view}
				width={columns}
				height={height}
				message={message}
				active={!router.help}
				store={browser}
				conflicts={conflicts}
				onChoose={(group, option, how) => {
					const choice =
						how === "pick"
							? { kind: "add" as const, group, options: [option] }
							: { kind: "toggle" as const, group, option };
					enqueue(async () => {
						recorded(await choose(locator, cwd, choice, waiting));
					});
				}}
				onCommand={(command) => {
					setMessage(undefined);
					if (command === "mode") {
						// the next of the modes the selection offers (prod -> dev -> ... -> prod)
						enqueue(async () => {
							const current = await readMode(locator, cwd);
							const modes = current.offered.length > 0 ? current.offered : ["prod", "dev"];
							const next = modes[(modes.indexOf(current.mode) + 1) % modes.length] ?? "prod";
							recorded(await setMode(locator, cwd, next, waiting));
						});
					} else if (command === "undo") {
						enqueue(async () => {
							const last = undos.current.at(-1);
							if (!last) {
								setMessage("nothing to undo: no change made in this session");
								return;
							}
							let restored: FileIdentity;
							try {
								restored = await undoChange(locator, cwd, last.change, waiting);
							} catch (error) {
								// the file moved on (a sync, an edit): no older change can be undone exactly either
								undos.current = [];
								throw error;
							}
							// the file the undo wrote now holds the change before it: that one is next
							undos.current = undos.current
								.slice(0, -1)
								.map((entry, index, rest) =>
									index === rest.length - 1 ? { ...entry, change: { ...entry.change, written: restored } } : entry,
								);
							setConflicts(new Set());
							setMessage(displaySafe(`undone: ${last.message}`));
							reload();
						});
					} else if (command === "quit") exit();
					else if (command === "help") dispatch({ type: "toggle-help" });
					else if (command === "add") {
						// a registry from git is read-only: the browser says how to edit it instead
						if (view.context.registryRoot === undefined) {
							// one status line: the short form of what `hpm registry add` says
							setMessage(READ_ONLY);
							return false;
						}
						dispatch({ type: "push", route: { screen: "wizard" } });
					} else if (command === "history")
						enqueue(async () => dispatch({ type: "push", route: { screen: "history" } }));
					// a check or sync opens once the writes before it landed, so its plan is the file's
					else enqueue(async () => dispatch({ type: "push", route: { screen: "operation", kind: command } }));
				}}
			/>
		) : route.screen === "operation" ? (
			<OperationScreen
				kind={route.kind}
				interrupts={interrupts}
				locator={locator}
				cwd={cwd}
				width={columns}
				height={height}
				active={!router.help}
				onHelp={() => dispatch({ type: "toggle-help" })}
				onBack={(problems) => {
					// the groups a failed run is about are marked in the browser: a conflict carries its
					// choices as data; a problem without them (a rule, a source) is read for group=option
					const names = new Set(view.overview.groups.map((g) => g.name));
					const named = problems.flatMap((p) =>
						p.choices
							? p.choices.map((choice) => choice.split("=")[0] ?? "")
							: [...p.message.matchAll(/([A-Za-z0-9][A-Za-z0-9._-]*)=/g)].map((m) => m[1] ?? ""),
					);
					setConflicts(new Set(named.filter((name) => names.has(name))));
					reload();
					dispatch({ type: "pop" });
				}}
			/>
		) : route.screen === "history" ? (
			<HistoryScreen
				locator={locator}
				cwd={cwd}
				width={columns}
				height={height}
				active={!router.help}
				interrupts={interrupts}
				onHelp={() => dispatch({ type: "toggle-help" })}
				onInterrupt={() => exit(interrupted())}
				onBack={(changed) => {
					if (changed) {
						// the files are what they were: the session's undo list no longer applies
						undos.current = [];
						setConflicts(new Set());
						reload();
					}
					dispatch({ type: "pop" });
				}}
			/>
		) : (
			<WizardScreen
				env={packageFormOf(view.context, view.registry)}
				initial={{}}
				width={columns}
				active={!router.help}
				onSubmit={async (input) => {
					const added = await addPackage(locator, cwd, input, waiting);
					return `${added.message}${added.groupMessage ? `; ${added.groupMessage}` : ""}`;
				}}
				onExit={(text, interrupt) => {
					if (interrupt) {
						exit(interrupted());
						return;
					}
					setMessage(text);
					reload();
					dispatch({ type: "pop" });
				}}
			/>
		);
	// the screen stays mounted under the help (hidden), so a result, a form or a cursor survives it
	return (
		<Box flexDirection="column">
			{router.help ? (
				<HelpOverlay
					title={`keys: ${route.screen}`}
					keys={help.keys}
					legend={help.legend}
					height={rows}
					width={columns}
					offset={router.helpOffset}
				/>
			) : null}
			<Box display={router.help ? "none" : "flex"} flexDirection="column">
				{screen}
			</Box>
		</Box>
	);
}

/** What `a` says for a registry with no folder layer, short enough for one status line at 80 columns. */
const READ_ONLY = "a registry from git is read-only: add to a checkout (hpm -r DIR ui) or a folder layer";
