import { Box, type Key, Text } from "ink";
import { useMemo, useRef } from "react";
import { type KeyOutcome, useKeys } from "../components/use-keys.js";
import { useLatestReducer } from "../components/use-latest-reducer.js";
import { StatusBar } from "../components/status-bar.js";
import { manifestYaml, validateManifest } from "../source/core/operations/registry/add-package.js";
import type { PackageInput } from "../source/core/registry/new-package.js";
import { errorText } from "./view.js";
import { glyphs } from "../components/glyphs.js";
import {
	answerStep,
	currentStep,
	fieldText,
	givenSteps,
	startWizard,
	stepBack,
	type WizardEnv,
	type WizardState,
	wizardInput,
} from "./wizard-steps.js";

export type WizardProps = {
	readonly env: WizardEnv;
	/** Flags the command line already gave; their steps are skipped. */
	readonly initial: Partial<PackageInput>;
	readonly width: number;
	/** Writes the package and resolves with what to tell the user; an error is shown in place. */
	readonly onSubmit: (input: PackageInput) => Promise<string>;
	/** Leaves the wizard: with what to tell the user, nothing (Esc on the first field), or on Ctrl-C. */
	readonly onExit: (message: string | undefined, interrupted?: boolean) => void;
	readonly active: boolean;
};

/** Step by step: each field validated as typed, a summary before anything is written. */
export function WizardScreen({ env, initial, width, onSubmit, onExit, active }: WizardProps) {
	const given = useMemo(() => givenSteps(initial), [initial]);
	const start = startWizard(initial);
	const [form, dispatch, latest] = useLatestReducer(formReducer, {
		state: start,
		text: currentStep(start, given)?.initial?.(start.values) ?? "",
		choice: 0,
		error: undefined,
	} satisfies Form);
	const { state, text, choice, error } = form;
	const step = currentStep(state, given);

	const submitting = useRef(false);
	const go = (next: WizardState) =>
		dispatch({
			state: next,
			text: fieldText(next, currentStep(next, given)),
			choice: 0,
			error: undefined,
		});

	// One handler, mounted with the screen, takes every key in order and reads the newest form:
	// a field's own input hook would mount after its frame is drawn and lose keys typed at once.
	const handle = (input: string, key: Partial<Key>): KeyOutcome => {
		const { state, text, choice } = latest();
		const step = currentStep(state, given);
		if (key.ctrl && input === "c") {
			onExit(undefined, true);
			return "moved";
		}
		if (key.escape) {
			const previous = stepBack(state, step && !step.choices ? { step: step.id, text } : undefined);
			if (previous) go(previous);
			else {
				onExit(undefined);
				return "moved";
			}
			return undefined;
		}
		if (!step) {
			// one submit: a second Enter typed ahead would add the same package again
			if (key.return && !submitting.current) {
				submitting.current = true;
				onSubmit(wizardInput(state.values)).then(onExit, (e: unknown) => {
					submitting.current = false;
					dispatch({ error: errorText(e) });
				});
			}
			return;
		}
		const choices = step.choices?.(env);
		const answer = (value: string) => {
			const reason = step.validate?.(value, state.values, env);
			if (reason) dispatch({ error: reason });
			else go(answerStep(state, step, value, env));
		};
		if (choices) {
			if (key.upArrow) dispatch({ choice: Math.max(0, choice - 1) });
			else if (key.downArrow) dispatch({ choice: Math.min(choices.length - 1, choice + 1) });
			else if (key.return) {
				const picked = choices[choice];
				if (picked) answer(picked.value);
			}
			return;
		}
		if (key.return) answer(text);
		else if (key.backspace || key.delete) dispatch({ text: text.slice(0, -1) });
		else if (input && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow && !key.tab)
			dispatch({ text: text + input });
	};
	useKeys(handle, active);

	const typedProblem = step?.validate && !step.choices && text ? step.validate(text, state.values, env) : undefined;
	return (
		<Box flexDirection="column" width={width}>
			<Text bold>Add a package to the registry</Text>
			{state.answered.map((id) => (
				<Text key={id} dimColor>
					{glyphs.done} {id}: {display(state, id)}
				</Text>
			))}
			{step ? (
				<Box flexDirection="column" marginTop={1}>
					<Text>{step.label}</Text>
					{step.choices ? (
						<Box flexDirection="column">
							{step.choices(env).map((item, index) => (
								<Text key={item.value || "(none)"} color={index === choice ? "blue" : undefined}>
									{index === choice ? `${glyphs.pointer} ` : "  "}
									{item.label}
								</Text>
							))}
						</Box>
					) : (
						<Box>
							<Text color="cyan">{glyphs.prompt} </Text>
							<Text>{text}</Text>
							{active ? <Text inverse> </Text> : null}
						</Box>
					)}
					{typedProblem ? <Text color="red">{typedProblem}</Text> : null}
				</Box>
			) : (
				<Box flexDirection="column" marginTop={1}>
					<Text>Summary (Enter writes it, Esc goes back):</Text>
					<Text>{preview(state, env)}</Text>
				</Box>
			)}
			{error && error !== typedProblem ? <Text color="red">{error}</Text> : null}
			<StatusBar
				hints={[
					["enter", step ? "next" : "write"],
					["esc", state.history.length ? "back" : "cancel"],
				]}
			/>
		</Box>
	);
}

type Form = {
	readonly state: WizardState;
	/** What is typed in the current text field. */
	readonly text: string;
	/** The highlighted choice of the current choice field. */
	readonly choice: number;
	readonly error: string | undefined;
};
const formReducer = (form: Form, change: Partial<Form>): Form => ({
	...form,
	...change,
	...("text" in change || "choice" in change ? { error: change.error } : {}),
});

function display(state: WizardState, id: string): string {
	const v = state.values;
	if (id === "ref") return String(v.tag ?? v.branch ?? v.rev ?? "");
	if (id === "group") return String(v.group ?? "none");
	if (id === "editable") return v.editable ? "yes" : "no";
	return String(v[id] ?? "");
}

function preview(state: WizardState, env: WizardEnv): string {
	try {
		const manifest = validateManifest(wizardInput(state.values), env.cwd, env.packagesDir);
		return `${manifestYaml(manifest)}${state.values.group ? `\nand offer it in group "${state.values.group}"` : ""}`;
	} catch (error) {
		return errorText(error);
	}
}
