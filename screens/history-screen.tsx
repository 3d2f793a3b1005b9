import { Box, Text } from "ink";
import { useMemo, useRef, useState } from "react";
import { glyphs } from "../components/glyphs.js";
import { ListView } from "../components/list-view.js";
import { LogTail } from "../components/log-tail.js";
import { Spinner } from "../components/spinner.js";
import { type KeyHint, StatusBar } from "../components/status-bar.js";
import { useKeys } from "../components/use-keys.js";
import { useLatestReducer } from "../components/use-latest-reducer.js";
import { type Locator, requireRoot } from "../source/core/plan/context.js";
import { drain } from "../source/core/plan/events.js";
import { rollbackPreview } from "../source/core/operations/rollback.js";
import { runOperation } from "../source/core/operations/run.js";
import { type HistoryEntry, readHistory } from "../source/core/project/history.js";
import { lockChangeLine } from "../source/core/project/lock-diff.js";
import { displaySafe } from "../source/core/base/text.js";
import type { InterruptSource } from "./use-operation.js";
import { errorText } from "./view.js";
import { type HistoryPhase, historyReducer, initialHistory } from "./history-state.js";

export const HISTORY_KEYS: readonly KeyHint[] = [
	[glyphs.upDown, "move"],
	["enter/r", "roll back to before it"],
	["esc", "back"],
	["?", "help"],
];

export type HistoryScreenProps = {
	readonly locator: Locator;
	readonly cwd: string;
	readonly width: number;
	readonly height: number;
	readonly active: boolean;
	readonly interrupts?: InterruptSource | undefined;
	/** Back to the browser; `changed` when a rollback ran (the view is read again). */
	readonly onBack: (changed: boolean) => void;
	readonly onHelp?: (() => void) | undefined;
	/** Ctrl-C when no rollback runs: hpm quits (exit 130). */
	readonly onInterrupt: () => void;
};

/**
 * The project's history (`hpm history`): each change hpm made, newest first, with what rolling
 * back to before it would change (`hpm diff N`); Enter asks, then rolls back (`hpm rollback N`)
 * through the same runner as sync, uv's lines shown as they come.
 */
export function HistoryScreen({
	locator,
	cwd,
	width,
	height,
	active,
	interrupts,
	onBack,
	onHelp,
	onInterrupt,
}: HistoryScreenProps) {
	const [version, setVersion] = useState(0);
	const loaded = useMemo(() => {
		try {
			const root = requireRoot(locator, cwd);
			return { root, ...readHistory(root) };
		} catch (error) {
			return { root: undefined, entries: [], ignored: [], error: errorText(error) };
		}
		// `version` reads the history again after a rollback
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [locator, cwd, version]);
	const { entries } = loaded;
	// the cursor and the phase as of the last key: keys of one burst act in order, each on the
	// state the previous one left (Down then Enter asks about the entry the cursor moved to)
	const [{ selected, phase }, dispatch, latest] = useLatestReducer(historyReducer, initialHistory);
	const move = (next: HistoryPhase) => dispatch({ type: "phase", phase: next });
	const lines = useRef<string[]>([]);
	const [shown, setShown] = useState<readonly string[]>([]);
	const changed = useRef(false);
	const controller = useRef<AbortController | undefined>(undefined);
	const cursorOf = (index: number) => Math.min(index, Math.max(entries.length - 1, 0));
	const cursor = cursorOf(selected);
	const entry = entries[cursor];
	const preview = useMemo(() => {
		if (!entry || !loaded.root) return [];
		try {
			const p = rollbackPreview(loaded.root, entry.id);
			const diff = p.pyproject === "" ? ["pyproject.toml: no change"] : p.pyproject.trimEnd().split("\n").slice(3);
			const lock =
				p.lock.length > 0
					? ["uv.lock:", ...p.lock.map((c) => `  ${lockChangeLine(c, glyphs.arrow)}`)]
					: [p.lockChanged ? "uv.lock: changes, but no package's version or source" : "uv.lock: no change"];
			return [...diff, ...lock].map(displaySafe);
		} catch (error) {
			return [errorText(error)];
		}
	}, [entry, loaded.root]);

	const rollback = (target: HistoryEntry) => {
		const since = Date.now();
		lines.current = [];
		setShown([]);
		move({ phase: "running", entry: target, since, status: "starting" });
		const external = interrupts?.();
		const abort = new AbortController();
		controller.current = abort;
		external?.signal.addEventListener("abort", () => abort.abort(), { once: true });
		const flush = setInterval(() => setShown([...lines.current]), 100);
		drain(runOperation({ kind: "rollback", id: target.id }, { locator, cwd, signal: abort.signal }), (event) => {
			if (event.type === "uv-line" || event.type === "restored")
				lines.current.push(event.type === "uv-line" ? event.line : event.message);
			else if (event.type === "phase") {
				dispatch({ type: "status", status: event.message });
			}
		})
			.then(
				(result) => {
					changed.current ||= result.kind === "rollback" && result.changed;
					return { ok: true, summary: result.summary };
				},
				(error: unknown) => ({ ok: false, summary: errorText(error) }),
			)
			.then(({ ok, summary }) => {
				clearInterval(flush);
				external?.dispose();
				setShown([...lines.current]);
				dispatch({ type: "finished", ok, summary });
				setVersion((v) => v + 1);
			});
	};

	useKeys((input, key) => {
		const { phase: now, selected } = latest();
		const cursor = cursorOf(selected);
		const entry = entries[cursor];
		if (key.ctrl && input === "c") {
			// while uv runs, Ctrl-C stops it (the core restores the files); otherwise hpm quits
			if (now.phase === "running") controller.current?.abort();
			else onInterrupt();
			return undefined;
		}
		if (now.phase === "running") return undefined; // keys typed ahead are dropped
		if (input === "?" && onHelp) {
			onHelp();
			return "covered";
		}
		if (now.phase === "confirm") {
			if (key.return || input === "y") rollback(now.entry);
			else if (key.escape || input === "n" || input === "q") move({ phase: "browse" });
			return undefined;
		}
		if (now.phase === "done") {
			if (key.return || key.escape || input === "q") move({ phase: "browse" });
			return undefined;
		}
		if (key.escape || input === "q") {
			onBack(changed.current);
			return "moved"; // what follows in the burst is the browser's
		}
		if (key.upArrow || input === "k") dispatch({ type: "select", index: cursor - 1 });
		else if (key.downArrow || input === "j") dispatch({ type: "down", count: entries.length });
		else if ((key.return || input === "r") && entry) move({ phase: "confirm", entry });
		return undefined;
	}, active);

	const listHeight = Math.max(3, Math.min(entries.length + 1, Math.floor((height - 6) / 2)));
	const rest = Math.max(3, height - listHeight - 6);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold>History: each change hpm made here, newest first</Text>
			{"error" in loaded && loaded.error ? <Text color="red">{loaded.error}</Text> : null}
			<Box borderStyle={glyphs.border} flexDirection="column" flexShrink={0}>
				<ListView
					items={entries}
					selected={cursor}
					height={listHeight}
					focused={phase.phase === "browse"}
					itemKey={(e) => String(e.id)}
					empty="no history yet: every sync that changes pyproject.toml or uv.lock adds an entry"
					onSelect={(index) => dispatch({ type: "select", index })}
					renderItem={(e, isSelected) => (
						<Text wrap="truncate-end" bold={isSelected}>
							#{e.id} <Text dimColor>{e.time.replace("T", " ").replace(/\.\d+Z$/, "Z")}</Text> {displaySafe(e.summary)}
						</Text>
					)}
				/>
			</Box>
			{phase.phase === "browse" && entry ? (
				<Box flexDirection="column" height={rest} overflow="hidden">
					<Text dimColor>rolling back to before #{entry.id} would change:</Text>
					{preview.slice(0, rest - 1).map((line, index) => (
						<Text
							// the diff's lines are not unique: their position is their identity
							key={index}
							wrap="truncate-end"
							color={line.startsWith("+") ? "green" : line.startsWith("-") ? "red" : undefined}
						>
							{line}
						</Text>
					))}
				</Box>
			) : null}
			{phase.phase === "confirm" ? (
				<Text>
					Roll back to before #{phase.entry.id} ({displaySafe(phase.entry.summary)})? pyproject.toml and uv.lock are put
					back and the environment synced. Enter: yes, Esc: no
				</Text>
			) : null}
			{phase.phase === "running" ? <Spinner since={phase.since} label={phase.status} /> : null}
			{phase.phase === "running" || phase.phase === "done" ? (
				<LogTail lines={shown} height={Math.max(3, rest - 2)} width={width - 1} />
			) : null}
			{phase.phase === "done" ? <Text color={phase.ok ? "green" : "red"}>{displaySafe(phase.summary)}</Text> : null}
			{loaded.ignored.length > 0 ? (
				<Text color="yellow" wrap="truncate-end">
					{loaded.ignored.length} file(s) in .hpm/history hpm did not write for you are ignored
				</Text>
			) : null}
			<Box flexGrow={1} />
			<StatusBar
				hints={
					phase.phase === "running"
						? [["ctrl-c", "cancel"]]
						: phase.phase === "confirm"
							? [
									["enter", "roll back"],
									["esc", "no"],
								]
							: phase.phase === "done"
								? [["enter/esc", "back to the history"]]
								: HISTORY_KEYS
				}
				width={width - 1}
			/>
		</Box>
	);
}
