import { Box, Text, useApp, useInput } from "ink";
import { glyphs } from "../components/glyphs.js";
import { HelpOverlay, helpHeight, helpRows } from "../components/help-overlay.js";
import { pagerMove, pagerOffset } from "../components/pager.js";
import { splitKeys } from "../components/split-keys.js";
import { useKeys } from "../components/use-keys.js";
import { useLatestReducer } from "../components/use-latest-reducer.js";
import type { Locator } from "../source/core/plan/context.js";
import { HpmError } from "../source/core/base/errors.js";
import { interrupted } from "./interrupted.js";
import { currentRoute, initialRouter, routerReducer } from "./router.js";
import { ownsCtrlC, renderRoute, routeHelp } from "./routes.js";
import type { InterruptSource } from "./use-operation.js";
import { useSession } from "./use-session.js";
import { useTerminalSize } from "./use-terminal-size.js";
import type { View } from "./view.js";

export type AppProps = {
	readonly locator: Locator;
	readonly cwd: string;
	/** The process's signals, for operations to stop uv and restore on them (see InterruptSource). */
	readonly interrupts?: InterruptSource | undefined;
	/** The view when it was read before the UI started (the first frame is then the browser). */
	readonly initialView?: View | string | undefined;
};

/** The screen router: a stack of screen states (their table is ROUTES) over one session. */
export function App({ locator, cwd, interrupts, initialView }: AppProps) {
	const { exit } = useApp();
	const { columns, rows } = useTerminalSize();
	const [router, dispatch, latestRouter] = useLatestReducer(routerReducer, initialRouter);
	const session = useSession(locator, cwd, initialView);
	const { view } = session;
	const route = currentRoute(router);

	useInput((input, key) => {
		// Ctrl-C anywhere in a burst (`j` Ctrl-C typed at once) still quits
		// (check, sync and a rollback in the history cancel uv on it instead, and stay)
		if (!ownsCtrlC(route) && splitKeys(input, key).some((p) => p.key.ctrl && p.input === "c")) {
			exit(interrupted());
			return;
		}
		// a project the UI cannot open ends hpm ui as an error (exit 2), its reason printed again
		if (typeof view === "string" && (input === "q" || key.escape))
			exit(new HpmError("ui-cannot-open", `hpm ui cannot open this project: ${view}`));
	});

	// the help takes the keys while it shows, one at a time like every screen: Esc closes it and
	// what follows in the burst goes to the screen under it; the arrows scroll it
	const help = routeHelp(route);
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
	const screen = renderRoute(route, {
		session,
		view,
		locator,
		cwd,
		interrupts,
		width: columns,
		height: rows - 1,
		active: !router.help,
		open: (next) => dispatch({ type: "push", route: next }),
		back: () => dispatch({ type: "pop" }),
		toggleHelp: () => dispatch({ type: "toggle-help" }),
		exit,
	});
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
