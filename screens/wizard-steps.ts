import {
	inferredType,
	inputFromDraft,
	PACKAGE_QUESTIONS,
	type PackageDraft,
	type PackageFormEnv,
	type PackageInput,
} from "../source/core/registry/new-package.js";

/** The form's questions come from the core's one declaration of a new package's inputs. */
export const WIZARD_STEPS = PACKAGE_QUESTIONS;
export type WizardStep = (typeof PACKAGE_QUESTIONS)[number];
export type WizardEnv = PackageFormEnv;

/** The steps still to ask: those that apply and whose input the command line did not give. */
export function pendingSteps(values: PackageDraft, given: ReadonlySet<string>): WizardStep[] {
	return WIZARD_STEPS.filter((step) => (step.applies?.(values) ?? true) && !given.has(step.id));
}

/** Which steps the command line already answers (a flag given; a boolean flag set). */
export function givenSteps(flags: Partial<PackageInput>): Set<string> {
	const present = (input: string) => {
		const value = (flags as Readonly<Record<string, unknown>>)[input];
		return value !== undefined && value !== false;
	};
	return new Set(WIZARD_STEPS.filter((step) => step.answeredBy.some(present)).map((step) => step.id));
}

/** The wizard's whole state: the answers so far, which steps were answered, and how to go back. */
export type WizardState = {
	readonly values: PackageDraft;
	readonly answered: readonly string[];
	readonly history: readonly { readonly values: PackageDraft; readonly answered: readonly string[] }[];
	/** What was typed at each step, kept when stepping back so that nothing typed is lost. */
	readonly typed: Readonly<Record<string, string>>;
};

export function startWizard(flags: Partial<PackageInput>): WizardState {
	const type = flags.type ?? inferredType(flags);
	return { values: { editable: false, force: false, ...flags, type }, answered: [], history: [], typed: {} };
}

/** The next question, or undefined when everything is answered (the summary). */
export function currentStep(state: WizardState, given: ReadonlySet<string>): WizardStep | undefined {
	return pendingSteps(state.values, given).find((step) => !state.answered.includes(step.id));
}

export function answerStep(state: WizardState, step: WizardStep, text: string, env: WizardEnv): WizardState {
	const values = step.assign ? step.assign(state.values, text, env) : { ...state.values, [step.id]: text };
	return {
		values,
		answered: [...state.answered, step.id],
		history: [...state.history, { values: state.values, answered: state.answered }],
		typed: { ...state.typed, [step.id]: text },
	};
}

/** One step back, or undefined at the first step (Esc then leaves the wizard). */
export function stepBack(state: WizardState, typing?: { step: string; text: string }): WizardState | undefined {
	const previous = state.history.at(-1);
	const typed = typing ? { ...state.typed, [typing.step]: typing.text } : state.typed;
	return previous ? { ...previous, history: state.history.slice(0, -1), typed } : undefined;
}

/** The text a step's field starts with: what was typed there before, else the step's default. */
export function fieldText(state: WizardState, step: WizardStep | undefined): string {
	if (!step) return "";
	return state.typed[step.id] ?? step.initial?.(state.values) ?? "";
}

/** The answers as the typed inputs `hpm registry add` takes. */
export function wizardInput(values: PackageDraft): PackageInput {
	return inputFromDraft(values);
}
