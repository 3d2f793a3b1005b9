import { Box, Text } from "ink";
import { useKeys } from "../components/use-keys.js";
import { LogTail } from "../components/log-tail.js";
import { Pager, pagerMove, pagerOffset, wrapRows } from "../components/pager.js";
import { useRef, useState } from "react";
import { Spinner } from "../components/spinner.js";
import { type KeyHint, StatusBar } from "../components/status-bar.js";
import type { Locator } from "../source/core/plan/context.js";
import { formatProblem, type Problem } from "../source/core/base/errors.js";
import type { RunFailure } from "../source/core/plan/overview.js";
import { displaySafe } from "../source/core/base/text.js";
import type { Plan } from "../source/core/plan/plan.js";
import { describeSourceIn } from "../source/core/registry/describe.js";
import { type InterruptSource, useOperation } from "./use-operation.js";
import { glyphs } from "../components/glyphs.js";
import { tailLines } from "./line-tail.js";

export type OperationProps = {
	readonly kind: "check" | "sync";
	readonly locator: Locator;
	readonly interrupts?: InterruptSource | undefined;
	readonly cwd: string;
	readonly width: number;
	readonly height: number;
	/** Back to the browser, with what a run that failed was about (its groups are marked there). */
	readonly onBack: (failure: RunFailure) => void;
	/** Opens the help over this screen. */
	readonly onHelp?: (() => void) | undefined;
	readonly active: boolean;
};

export const OPERATION_KEYS: readonly KeyHint[] = [
	["enter", "run"],
	["esc", "back"],
	["ctrl-c", "cancel uv (files are restored)"],
];

/** The plan, then on Enter uv's output line by line with a spinner, then the result. */
export function OperationScreen({
	kind,
	locator,
	cwd,
	interrupts,
	width,
	height,
	onBack,
	onHelp,
	active,
}: OperationProps) {
	const { state, start, cancel, phaseNow } = useOperation(kind, locator, cwd, interrupts);
	// uv's output (its last KEPT_LINES), every warning and problem in full, a page at a time (`l` on the result)
	const [pager, setPagerState] = useState<number | undefined>(undefined);
	// read by the next key of a burst before React renders again
	const pagerNow = useRef<number | undefined>(undefined);
	const setPager = (offset: number | undefined) => {
		pagerNow.current = offset;
		setPagerState(offset);
	};
	const pagerHeight = Math.max(3, height - 3);
	const problems = state.phase === "done" || state.phase === "confirm" ? state.problems : [];
	const warnings = state.phase === "running" || state.phase === "done" ? state.warnings : [];
	const log = state.phase === "running" || state.phase === "done" ? state.lines : undefined;
	const lines = log ? tailLines(log) : [];
	const output = wrapRows(
		[
			...(log && log.dropped > 0 ? [`${glyphs.ellipsis} ${log.dropped} earlier lines are not kept`] : []),
			...lines,
			...warnings.map((p) => `warning: ${displaySafe(formatProblem(p))}`),
			...problems.flatMap((p) => [
				"",
				`problem: ${displaySafe(formatProblem(p))}`,
				...(p.detail ? p.detail.split("\n") : []),
			]),
		],
		width - 1,
	);
	const back = () => {
		// what a failed run was about, as data: its problems and the choices its error names
		onBack(
			state.phase === "done" && !state.ok
				? { problems: state.problems, choices: state.choices, groups: state.groups }
				: { problems: [], choices: [] },
		);
		return "moved" as const;
	};
	useKeys((input, key) => {
		const pager = pagerNow.current;
		const phase = phaseNow();
		if (pager !== undefined) {
			const move = pagerMove(input, key);
			if (move) setPager(pagerOffset(pager, move, output.length, pagerHeight));
			else if (key.escape || input === "q" || input === "l" || (key.ctrl && input === "c")) setPager(undefined);
			return undefined;
		}
		if (key.ctrl && input === "c") {
			if (phase === "running") cancel();
			else return back();
			return undefined;
		}
		// while uv runs only Ctrl-C acts; keys typed ahead (a second Enter, q) are dropped
		if (phase === "running") return undefined;
		if (input === "?" && onHelp) {
			onHelp();
			return "covered";
		}
		if (phase === "confirm" && (key.return || input === "y")) start();
		else if (phase === "done" && state.phase === "done" && input === "l")
			setPager(pagerOffset(0, "end", output.length, pagerHeight));
		else if (phase === "done" && state.phase !== "done")
			return undefined; // the result is not on screen yet
		else if (key.escape || input === "q" || (phase !== "confirm" && key.return)) return back();
		return undefined;
	}, active);
	if (pager !== undefined) {
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Pager
					title={`uv's output (${kind})`}
					lines={output}
					offset={pager}
					height={pagerHeight}
					onWheel={(delta) => {
						const now = pagerNow.current;
						if (now === undefined) return;
						let next = now;
						for (let step = 0; step < 3; step++)
							next = pagerOffset(next, delta < 0 ? "up" : "down", output.length, pagerHeight);
						setPager(next);
					}}
				/>
				<StatusBar
					hints={[
						[`${glyphs.upDown}/pgup/pgdn`, "scroll"],
						["g/G", "top/end"],
						["q", "close"],
					]}
					width={width - 1}
				/>
			</Box>
		);
	}
	const title = kind === "check" ? "Check: does the selection resolve?" : "Sync: apply the selection with uv";
	const planHeight = Math.min(8, Math.max(3, Math.floor(height / 3)));
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold>{title}</Text>
			{state.phase === "failed" ? (
				<Text color="red">{state.message}</Text>
			) : (
				<>
					<PlanView plan={state.plan} height={planHeight} />
					{(state.phase === "confirm" || state.phase === "done") && state.problems.length > 0 ? (
						<Box flexDirection="column">
							{/* two problems can say the same words (one per file): keyed by place, not text */}
							{state.problems.map((p, index) => (
								<Text key={index} color="red" wrap="wrap">
									problem: {displaySafe(formatProblem(p))}
								</Text>
							))}
						</Box>
					) : null}
					{warnings.length > 0 ? <Warnings warnings={warnings} /> : null}
					{state.phase === "confirm" ? (
						<Text>
							{kind === "check"
								? "Press Enter to resolve it with uv (nothing is changed)."
								: "Press Enter to apply this plan."}
						</Text>
					) : null}
					{state.phase === "running" ? <Spinner since={state.since} label={state.status} /> : null}
					{state.phase === "running" || state.phase === "done" ? (
						<LogTail lines={lines} height={Math.max(3, height - planHeight - 6)} width={width - 1} />
					) : null}
					{state.phase === "done" ? <Text color={state.ok ? "green" : "red"}>{displaySafe(state.summary)}</Text> : null}
				</>
			)}
			<Box flexGrow={1} />
			<StatusBar
				hints={
					state.phase === "running"
						? [["ctrl-c", "cancel"]]
						: state.phase === "confirm"
							? [...OPERATION_KEYS, ["?", "help"]]
							: [
									["l", "uv's whole output"],
									["enter/esc", "back"],
									["?", "help"],
								]
				}
			/>
		</Box>
	);
}

/** The warnings of a run, as `hpm check` prints them: the first few here, all of them under `l`. */
function Warnings({ warnings }: { readonly warnings: readonly Problem[] }) {
	const shown = warnings.slice(0, WARNINGS_SHOWN);
	return (
		<Box flexDirection="column">
			{shown.map((p, index) => (
				<Text key={index} wrap="wrap">
					<Text color="yellow">warning:</Text> {displaySafe(formatProblem(p))}
				</Text>
			))}
			{warnings.length > shown.length ? (
				<Text dimColor>
					{" "}
					{glyphs.ellipsis} and {warnings.length - shown.length} more warnings
				</Text>
			) : null}
		</Box>
	);
}

/** How many warnings fit above uv's lines; `l` shows them all. */
const WARNINGS_SHOWN = 3;

function PlanView({ plan, height }: { readonly plan: Plan; readonly height: number }) {
	const rows = [
		...plan.add.map((e) => ({ mark: "+", color: "green", name: e.name, note: e.groups.join(", ") })),
		...plan.switch.map((e) => ({
			mark: "~",
			color: "yellow",
			name: e.name,
			note: `${e.was ?? "its source"} ${glyphs.arrow} ${describeSourceIn(e.source, plan.root)}`,
		})),
		...plan.remove.map((e) => ({ mark: "-", color: "red", name: e.name, note: "" })),
	];
	return (
		<Box flexDirection="column">
			<Text dimColor>plan (mode {plan.mode}):</Text>
			{rows.length === 0 ? <Text> nothing to change</Text> : null}
			{rows.slice(0, height).map((row) => (
				<Text key={`${row.mark}${row.name}`}>
					{"  "}
					<Text color={row.color}>{row.mark}</Text> {row.name} <Text dimColor>{row.note}</Text>
				</Text>
			))}
			{rows.length > height ? (
				<Text dimColor>
					{" "}
					{glyphs.ellipsis} and {rows.length - height} more
				</Text>
			) : null}
			{plan.unchanged.length > 0 ? <Text dimColor> = {plan.unchanged.map((u) => u.name).join(", ")}</Text> : null}
		</Box>
	);
}
