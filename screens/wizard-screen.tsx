import { Box, Text, useInput } from "ink";
import SelectInput from "ink-select-input";
import TextInput from "ink-text-input";
import { useMemo, useRef, useState } from "react";
import { StatusBar } from "../components/status-bar.js";
import { manifestYaml, validateManifest } from "../source/core/registry/add-package.js";
import type { PackageInput } from "../source/core/registry/new-package.js";
import { errorText } from "./view.js";
import {
	answerStep,
	currentStep,
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
	readonly onExit: (message: string | undefined) => void;
	readonly active: boolean;
};

/** Step by step: each field validated as typed, a summary before anything is written. */
export function WizardScreen({ env, initial, width, onSubmit, onExit, active }: WizardProps) {
	const given = useMemo(() => givenSteps(initial), [initial]);
	const [state, setState] = useState<WizardState>(() => startWizard(initial));
	const step = currentStep(state, given);
	const [text, setTextState] = useState(() => step?.initial?.(state.values) ?? "");
	// the newest text: Enter can arrive before React renders the last keystrokes
	const textRef = useRef(text);
	const setText = (value: string) => {
		textRef.current = value;
		setTextState(value);
	};
	const [error, setError] = useState<string | undefined>(undefined);

	const go = (next: WizardState) => {
		setState(next);
		setText(currentStep(next, given)?.initial?.(next.values) ?? "");
		setError(undefined);
	};
	const answer = (value: string) => {
		if (!step) return;
		const reason = step.validate?.(value, state.values, env);
		if (reason) setError(reason);
		else go(answerStep(state, step, value, env));
	};

	useInput(
		(_input, key) => {
			if (key.escape) {
				const previous = stepBack(state);
				if (previous) go(previous);
				else onExit(undefined);
			} else if (!step && key.return) {
				onSubmit(wizardInput(state.values)).then(onExit, (e: unknown) => setError(errorText(e)));
			}
		},
		{ isActive: active },
	);

	const typedProblem = step?.validate && !step.choices && text ? step.validate(text, state.values, env) : undefined;
	return (
		<Box flexDirection="column" width={width}>
			<Text bold>Add a package to the registry</Text>
			{state.answered.map((id) => (
				<Text key={id} dimColor>
					✓ {id}: {display(state, id)}
				</Text>
			))}
			{step ? (
				<Box flexDirection="column" marginTop={1}>
					<Text>{step.label}</Text>
					{step.choices ? (
						<SelectInput
							items={step.choices(env).map((c) => ({ ...c, key: c.value || "(none)" }))}
							isFocused={active}
							onSelect={(item) => answer(item.value)}
						/>
					) : (
						<Box>
							<Text color="cyan">› </Text>
							<TextInput value={text} focus={active} onChange={setText} onSubmit={() => answer(textRef.current)} />
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
