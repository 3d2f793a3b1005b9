import { useCallback, useEffect, useRef, useState } from "react";
import { glyphs } from "../components/glyphs.js";
import { leftOutWarning, type Locator } from "../source/core/plan/context.js";
import type { ProjectChange } from "../source/core/operations/choose.js";
import { displaySafe } from "../source/core/base/text.js";
import { useBrowserStore } from "./use-browser-input.js";
import { errorText, loadView, type View } from "./view.js";

/** A change the UI wrote to pyproject.toml, for `u`. */
export type Undo = { readonly change: ProjectChange; readonly message: string };

/**
 * What the screens of one `hpm ui` share: the view of the registry and project, the last
 * action's message, the groups the last failed run named, the browser's cursor, the session's
 * undo list, and one queue for every write.
 */
export function useSession(locator: Locator, cwd: string, initialView: View | string | undefined) {
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
	const undos = useRef<readonly Undo[]>([]);
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
	// another hpm holding the project lock: say so instead of seeming stuck
	const waiting = {
		onWait: (owner: { readonly pid: number; readonly command: string }) =>
			setMessage(`waiting for another hpm to finish (pid ${owner.pid}: hpm ${owner.command})${glyphs.ellipsis}`),
	};
	return {
		view,
		message,
		setMessage,
		conflicts,
		setConflicts,
		browser,
		undos,
		enqueue,
		reload,
		recorded,
		waiting,
	};
}

export type Session = ReturnType<typeof useSession>;
