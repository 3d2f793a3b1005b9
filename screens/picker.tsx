import { asciiSafe } from "../components/ascii-stdout.js";
import { Box, type Key, render, Text, useApp, useInput } from "ink";
import { useRef } from "react";
import { ListView } from "../components/list-view.js";
import { splitKeys } from "../components/split-keys.js";
import { useLatestReducer } from "../components/use-latest-reducer.js";
import { StatusBar } from "../components/status-bar.js";
import type { OptionsQuestion } from "../source/core/plan/ports.js";
import { interrupted } from "./interrupted.js";

export type PickerRequest = OptionsQuestion;

type PickerState = { readonly index: number; readonly marked: readonly string[] };
const pickerReducer = (state: PickerState, change: Partial<PickerState>): PickerState => ({ ...state, ...change });

/** Picks the options of one group: Enter picks in 1-of-N; Space toggles and Enter confirms in M-of-N. */
export function Picker({
	request,
	onDone,
}: {
	readonly request: PickerRequest;
	/** The chosen names; undefined when cancelled (Esc, q) or interrupted (Ctrl-C, `interrupted` set). */
	readonly onDone: (picked: string[] | undefined, interrupted?: boolean) => void;
}) {
	const { exit } = useApp();
	const [{ index, marked }, dispatch, latest] = useLatestReducer(pickerReducer, { index: 0, marked: request.selected });
	const multi = request.strategy === "M-of-N";
	// the first answer is the answer: an Enter typed with the Esc that cancelled picks nothing
	const finished = useRef(false);
	const finish = (picked: string[] | undefined, interrupted = false) => {
		finished.current = true;
		onDone(picked, interrupted);
		exit();
	};
	const handle = (input: string, key: Partial<Key>) => {
		// read the newest state: several keys of one chunk arrive before the next render
		const { index, marked } = latest();
		const option = request.options[index];
		const last = request.options.length - 1;
		if (key.upArrow || input === "k") dispatch({ index: Math.max(0, index - 1) });
		else if (key.downArrow || input === "j") dispatch({ index: Math.min(last, index + 1) });
		else if (key.ctrl && input === "c") finish(undefined, true);
		else if (key.escape || input === "q") finish(undefined);
		else if (multi && input === " " && option) {
			dispatch({
				marked: marked.includes(option.name) ? marked.filter((m) => m !== option.name) : [...marked, option.name],
			});
		} else if (key.return && option) finish(multi ? [...marked] : [option.name]);
	};
	useInput((input, key) => {
		for (const press of splitKeys(input, key)) if (!finished.current) handle(press.input, press.key);
	});
	return (
		<Box flexDirection="column">
			<Text>
				<Text bold>{request.group}</Text> <Text dimColor>({request.strategy})</Text>
				{multi ? " choose any: space toggles, enter confirms" : " choose one: enter picks"}
			</Text>
			<ListView
				items={request.options}
				selected={index}
				// the title, the list's "1-3 of N" line and the key bar must fit too, in any terminal
				height={Math.max(1, Math.min(request.options.length, 15, (process.stdout.rows || 24) - 4))}
				focused
				itemKey={(o) => o.name}
				renderItem={(o) => (
					<Text wrap="truncate-end">
						{multi ? (marked.includes(o.name) ? "[x] " : "[ ] ") : request.selected.includes(o.name) ? "(*) " : "( ) "}
						{o.name} <Text dimColor>{o.description}</Text>
					</Text>
				)}
			/>
			<StatusBar
				hints={
					multi
						? [
								["space", "toggle"],
								["enter", "confirm"],
								["esc", "cancel"],
							]
						: [
								["enter", "pick"],
								["esc", "cancel"],
							]
				}
			/>
		</Box>
	);
}

/** Shows the picker inline and resolves with the chosen option names, or undefined when cancelled. */
export async function pickOptions(request: PickerRequest): Promise<string[] | undefined> {
	let result: string[] | undefined;
	let stopped = false;
	const instance = render(
		<Picker
			request={request}
			onDone={(picked, interrupt) => {
				result = picked;
				stopped = interrupt === true;
			}}
		/>,
		{ exitOnCtrlC: false, stdout: asciiSafe(process.stdout) },
	);
	await instance.waitUntilExit();
	instance.cleanup();
	if (stopped) throw interrupted("pyproject.toml was not changed");
	return result;
}
