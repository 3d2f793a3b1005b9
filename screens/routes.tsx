import type { ReactNode } from "react";
import { glyphs } from "../components/glyphs.js";
import type { KeyHint } from "../components/status-bar.js";
import type { Locator } from "../source/core/plan/context.js";
import { implicatedGroups } from "../source/core/plan/overview.js";
import { addPackage, packageFormOf } from "../source/core/operations/registry/add-package.js";
import { browserChoose, browserCommand } from "./browser-commands.js";
import { BROWSER_KEYS, BROWSER_LEGEND, BrowserScreen } from "./browser-screen.js";
import { HISTORY_KEYS, HistoryScreen } from "./history-screen.js";
import { interrupted } from "./interrupted.js";
import { OPERATION_KEYS, OperationScreen } from "./operation-screen.js";
import type { InterruptSource } from "./use-operation.js";
import type { Session } from "./use-session.js";
import type { View } from "./view.js";
import { WizardScreen } from "./wizard-screen.js";

/** What a screen is given to draw itself and to act: the session, the space it has, the way around. */
export type RouteContext = {
	readonly session: Session;
	/** The view of the registry and project, loaded. */
	readonly view: View;
	readonly locator: Locator;
	readonly cwd: string;
	readonly interrupts: InterruptSource | undefined;
	readonly width: number;
	readonly height: number;
	/** False while the help covers the screen. */
	readonly active: boolean;
	/** Opens a screen over this one. */
	readonly open: (route: Route) => void;
	/** Back to the screen under this one. */
	readonly back: () => void;
	readonly toggleHelp: () => void;
	/** Ends `hpm ui` (with an error: exit non-zero). */
	readonly exit: (error?: Error) => void;
};

/** One screen: its keys for the help, and how it is drawn from its parameters. */
type RouteRow<P> = {
	readonly keys: readonly KeyHint[];
	/** The marks the screen draws, for the help's legend. */
	readonly legend?: readonly KeyHint[];
	/** Ctrl-C is the screen's own (it cancels uv there) instead of quitting hpm ui. */
	readonly ownsCtrlC?: boolean;
	readonly render: (params: P, ctx: RouteContext) => ReactNode;
};

function route<P extends object>(row: RouteRow<P>): RouteRow<P> {
	return row;
}

/**
 * Every screen of `hpm ui`, by name: routes are just screen states. A new screen is its file
 * under screens/ and one row here; `Route` (its name and parameters) follows from the row.
 */
export const ROUTES = {
	browser: route<object>({
		keys: [
			...BROWSER_KEYS,
			["esc", "clear the filter"],
			["pgup/pgdn", "scroll a page"],
			["click", "focus the pane, select the row"],
			["wheel", "move in the pane under it"],
		],
		legend: BROWSER_LEGEND,
		render: (_, ctx) => (
			<BrowserScreen
				view={ctx.view}
				width={ctx.width}
				height={ctx.height}
				message={ctx.session.message}
				active={ctx.active}
				store={ctx.session.browser}
				conflicts={ctx.session.conflicts}
				onChoose={(group, option, how) => browserChoose(ctx, group, option, how)}
				onCommand={(command) => browserCommand(ctx, ctx.view, command)}
			/>
		),
	}),
	operation: route<{ readonly kind: "check" | "sync" }>({
		keys: [...OPERATION_KEYS, ["wheel", "scroll the pager"]],
		ownsCtrlC: true,
		render: ({ kind }, ctx) => (
			<OperationScreen
				kind={kind}
				interrupts={ctx.interrupts}
				locator={ctx.locator}
				cwd={ctx.cwd}
				width={ctx.width}
				height={ctx.height}
				active={ctx.active}
				onHelp={ctx.toggleHelp}
				onBack={(failure) => {
					// the groups a failed run is about are marked in the browser, from its data
					ctx.session.setConflicts(new Set(implicatedGroups(ctx.view.overview, failure)));
					ctx.session.reload();
					ctx.back();
				}}
			/>
		),
	}),
	history: route<object>({
		keys: [...HISTORY_KEYS, ["ctrl-c", "cancel a rollback"]],
		ownsCtrlC: true,
		render: (_, ctx) => (
			<HistoryScreen
				locator={ctx.locator}
				cwd={ctx.cwd}
				width={ctx.width}
				height={ctx.height}
				active={ctx.active}
				interrupts={ctx.interrupts}
				onHelp={ctx.toggleHelp}
				onInterrupt={() => ctx.exit(interrupted())}
				onBack={(changed) => {
					if (changed) {
						// the files are what they were: the session's undo list no longer applies
						ctx.session.undos.current = [];
						ctx.session.setConflicts(new Set());
						ctx.session.reload();
					}
					ctx.back();
				}}
			/>
		),
	}),
	wizard: route<object>({
		keys: [
			["enter", "accept the field"],
			["esc", "previous field / cancel"],
			[glyphs.upDown, "choose"],
		],
		render: (_, ctx) => (
			<WizardScreen
				env={packageFormOf(ctx.view.context, ctx.view.registry)}
				initial={{}}
				width={ctx.width}
				active={ctx.active}
				onSubmit={async (input) => {
					const added = await addPackage(ctx.locator, ctx.cwd, input, ctx.session.waiting);
					return `${added.message}${added.groupMessage ? `; ${added.groupMessage}` : ""}`;
				}}
				onExit={(text, interrupt) => {
					if (interrupt) {
						ctx.exit(interrupted());
						return;
					}
					ctx.session.setMessage(text);
					ctx.session.reload();
					ctx.back();
				}}
			/>
		),
	}),
};

type ParamsOf<R> = R extends RouteRow<infer P> ? P : never;

/** A screen state: a screen's name and its parameters, as its row in ROUTES declares them. */
export type Route = {
	[S in keyof typeof ROUTES]: { readonly screen: S } & Readonly<ParamsOf<(typeof ROUTES)[S]>>;
}[keyof typeof ROUTES];

/** The screen of `current`, drawn. */
export function renderRoute(current: Route, ctx: RouteContext): ReactNode {
	// each row takes its own route's parameters: the table is keyed by the route's own name
	const row = ROUTES[current.screen] as RouteRow<Route>;
	return row.render(current, ctx);
}

/** The help of the screen of `current`: its keys and the marks it draws. */
export function routeHelp(current: Route): { readonly keys: readonly KeyHint[]; readonly legend: readonly KeyHint[] } {
	const row: RouteRow<never> = ROUTES[current.screen];
	return { keys: row.keys, legend: row.legend ?? [] };
}

/** Whether Ctrl-C belongs to the screen of `current` rather than quitting. */
export function ownsCtrlC(current: Route): boolean {
	const row: RouteRow<never> = ROUTES[current.screen];
	return row.ownsCtrlC === true;
}
