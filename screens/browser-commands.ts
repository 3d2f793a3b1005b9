import path from "node:path";
import type { Locator } from "../source/core/plan/context.js";
import type { FileIdentity } from "../source/core/os/fs-atomic.js";
import { choose, undoChange } from "../source/core/operations/choose.js";
import { readMode, setMode } from "../source/core/operations/mode.js";
import { displaySafe } from "../source/core/base/text.js";
import { buildReport, renderReport, REPORT_FILE, writeReport } from "../source/core/operations/report.js";
import { verifyChoices } from "../source/core/operations/verify-checks.js";
import type { BrowserCommand } from "./use-browser-input.js";
import type { Session } from "./use-session.js";
import type { View } from "./view.js";

/** What the browser's commands use of the route context (routes.tsx), by shape. */
type BrowserContext = {
	readonly session: Session;
	readonly locator: Locator;
	readonly cwd: string;
	/** The screens the browser opens. */
	readonly open: (
		route:
			{ readonly screen: "wizard" | "history" } | { readonly screen: "operation"; readonly kind: "check" | "sync" },
	) => void;
	readonly toggleHelp: () => void;
	readonly exit: (error?: Error) => void;
};

/** What `a` says for a registry with no folder layer, short enough for one status line at 80 columns. */
const READ_ONLY = "a registry from git is read-only: add to a checkout (hpm -r DIR ui) or a folder layer";

/** Enter or Space on an option: a pick (1-of-N) or a toggle (M-of-N), written through the core. */
export function browserChoose(ctx: BrowserContext, group: string, option: string, how: "pick" | "toggle"): void {
	const { session, locator, cwd } = ctx;
	const choice =
		how === "pick" ? { kind: "add" as const, group, options: [option] } : { kind: "toggle" as const, group, option };
	session.enqueue(async () => {
		session.recorded(await choose(locator, cwd, choice, session.waiting));
	});
}

/** A key of the browser that asks for more than a cursor move; false when it opened nothing after all. */
export function browserCommand(ctx: BrowserContext, view: View, command: BrowserCommand): boolean | undefined {
	const { session, locator, cwd } = ctx;
	session.setMessage(undefined);
	switch (command) {
		case "mode":
			// the next of the modes the selection offers (prod -> dev -> ... -> prod)
			session.enqueue(async () => {
				const current = await readMode(locator, cwd);
				const modes = current.offered.length > 0 ? current.offered : ["prod", "dev"];
				const next = modes[(modes.indexOf(current.mode) + 1) % modes.length] ?? "prod";
				session.recorded(await setMode(locator, cwd, next, session.waiting));
			});
			return undefined;
		case "undo":
			session.enqueue(() => undoLast(ctx));
			return undefined;
		case "quit":
			ctx.exit();
			return undefined;
		case "help":
			ctx.toggleHelp();
			return undefined;
		case "add":
			// a registry from git is read-only: the browser says how to edit it instead
			if (view.context.registryRoot === undefined) {
				// one status line: the short form of what `hpm registry add` says
				session.setMessage(READ_ONLY);
				return false;
			}
			ctx.open({ screen: "wizard" });
			return undefined;
		case "history":
			session.enqueue(async () => ctx.open({ screen: "history" }));
			return undefined;
		case "report":
			// the HTML report, written where `hpm report` would from the project's folder; no browser is started
			session.setMessage("writing the report…");
			session.enqueue(async () => {
				const data = await buildReport({ locator, cwd }, { now: new Date() });
				const file = path.join(view.context.project?.root ?? cwd, REPORT_FILE);
				writeReport(file, renderReport(data));
				session.setMessage(`report written: ${displaySafe(file)}`);
			});
			return undefined;
		case "verify":
			// the chosen options' checks (and this machine's options' drift), as `hpm verify` runs them
			session.setMessage("running the chosen options' checks…");
			session.enqueue(async () => {
				const result = await verifyChoices({ locator, cwd });
				session.setMessage(`${result.ok ? "verify" : "verify failed"}: ${displaySafe(result.summary)}`);
			});
			return undefined;
		case "check":
		case "sync":
			// a check or sync opens once the writes before it landed, so its plan is the file's
			session.enqueue(async () => ctx.open({ screen: "operation", kind: command }));
			return undefined;
	}
	const exhaustive: never = command;
	return exhaustive;
}

/** `u`: the session's last change to pyproject.toml undone, when the file still holds it. */
async function undoLast(ctx: BrowserContext): Promise<void> {
	const { session, locator, cwd } = ctx;
	const last = session.undos.current.at(-1);
	if (!last) {
		session.setMessage("nothing to undo: no change made in this session");
		return;
	}
	let restored: FileIdentity;
	try {
		restored = await undoChange(locator, cwd, last.change, session.waiting);
	} catch (error) {
		// the file moved on (a sync, an edit): no older change can be undone exactly either
		session.undos.current = [];
		throw error;
	}
	// the file the undo wrote now holds the change before it: that one is next
	session.undos.current = session.undos.current
		.slice(0, -1)
		.map((entry, index, rest) =>
			index === rest.length - 1 ? { ...entry, change: { ...entry.change, written: restored } } : entry,
		);
	session.setConflicts(new Set());
	session.setMessage(displaySafe(`undone: ${last.message}`));
	session.reload();
}
