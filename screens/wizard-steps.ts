import path from "node:path";
import type { RegistryAddFlags } from "../source/cli/commands/registry-add.js";
import { invalidNameReason, MODE_PATTERN, normalizeName } from "../source/core/names.js";
import { readPythonPackage } from "../source/core/python-package.js";

import { invalidGitUrlReason, invalidRefReason } from "../source/core/registry/validate.js";

/** What the wizard has collected so far; the same shape the CLI's flags take. */
export type WizardValues = { -readonly [K in keyof RegistryAddFlags]: RegistryAddFlags[K] } & {
	refKind?: "tag" | "branch" | "rev" | "none";
};

export type WizardStep = {
	readonly id: "type" | "path" | "url" | "refKind" | "ref" | "name" | "version" | "mode" | "editable" | "group";
	readonly label: string;
	readonly choices?: (env: WizardEnv) => readonly { label: string; value: string }[];
	readonly applies: (values: WizardValues) => boolean;
	/** Why `text` is not acceptable yet, or undefined. Runs on every keystroke. */
	readonly validate?: (text: string, values: WizardValues, env: WizardEnv) => string | undefined;
	readonly initial?: (values: WizardValues) => string;
	readonly assign: (values: WizardValues, text: string, env: WizardEnv) => WizardValues;
};

export type WizardEnv = {
	readonly cwd: string;
	readonly packagesDir: string;
	readonly groups: readonly string[];
	readonly existing: ReadonlySet<string>;
};

const isLocal = (v: WizardValues) => v.type === "local";
const isGit = (v: WizardValues) => v.type === "git";

export const WIZARD_STEPS: readonly WizardStep[] = [
	{
		id: "type",
		label: "Where does the package come from?",
		choices: () => [
			{ label: "a local folder", value: "local" },
			{ label: "a git repository", value: "git" },
		],
		applies: () => true,
		assign: (v, text) => ({ ...v, type: text }),
	},
	{
		id: "path",
		label: "Folder holding the package (its pyproject.toml)",
		applies: isLocal,
		validate: (text, _v, env) => {
			if (!text.trim()) return "type a path";
			const found = readPythonPackage(path.resolve(env.cwd, text));
			return typeof found === "string" ? found : undefined;
		},
		assign: (v, text, env) => {
			const found = readPythonPackage(path.resolve(env.cwd, text));
			const pre = typeof found === "string" ? {} : { name: v.name ?? found.name, version: v.version ?? found.version };
			return { ...v, path: text, ...pre };
		},
	},
	{
		id: "url",
		label: "Git URL",
		applies: isGit,
		validate: (text) => invalidGitUrlReason(text.trim()),
		assign: (v, text) => ({ ...v, url: text.trim() }),
	},
	{
		id: "refKind",
		label: "Pin it to",
		choices: () => [
			{ label: "a tag", value: "tag" },
			{ label: "a branch", value: "branch" },
			{ label: "a commit (rev)", value: "rev" },
			{ label: "nothing (the default branch)", value: "none" },
		],
		applies: (v) => isGit(v) && v.tag === undefined && v.branch === undefined && v.rev === undefined,
		assign: (v, text) => ({ ...v, refKind: text as WizardValues["refKind"] }),
	},
	{
		id: "ref",
		label: "Tag, branch or commit",
		applies: (v) => isGit(v) && v.refKind !== undefined && v.refKind !== "none",
		validate: (text) => (text.trim() ? invalidRefReason(text.trim()) : "type a ref"),
		assign: (v, text) => ({ ...v, [v.refKind ?? "rev"]: text.trim() }),
	},
	{
		id: "name",
		label: "Package name",
		applies: () => true,
		initial: (v) => v.name ?? "",
		validate: (text, v, env) =>
			invalidNameReason(text.trim()) ??
			(env.existing.has(normalizeName(text.trim())) && !v.force
				? `"${text.trim()}" is already in the registry`
				: undefined),
		assign: (v, text) => ({ ...v, name: text.trim() }),
	},
	{
		id: "version",
		label: "Version",
		applies: () => true,
		initial: (v) => v.version ?? "",
		validate: (text) => (text.trim() ? undefined : "type a version, e.g. 0.1.0"),
		assign: (v, text) => ({ ...v, version: text.trim() }),
	},
	{
		id: "mode",
		label: "Mode this source serves",
		applies: () => true,
		initial: (v) => v.mode ?? "prod",
		validate: (text) => (MODE_PATTERN.test(text.trim()) ? undefined : "a lower-case name such as prod or dev"),
		assign: (v, text) => ({ ...v, mode: text.trim() }),
	},
	{
		id: "editable",
		label: "Install it editable?",
		choices: () => [
			{ label: "no", value: "no" },
			{ label: "yes (changes to the folder take effect at once)", value: "yes" },
		],
		applies: isLocal,
		assign: (v, text) => ({ ...v, editable: text === "yes" }),
	},
	{
		id: "group",
		label: "Also offer it in a group?",
		choices: (env) => [{ label: "no group", value: "" }, ...env.groups.map((g) => ({ label: g, value: g }))],
		applies: () => true,
		assign: (v, text) => ({ ...v, group: text || undefined }),
	},
];

/** The steps still to ask: those that apply and whose field the command line did not give. */
export function pendingSteps(values: WizardValues, given: ReadonlySet<WizardStep["id"]>): WizardStep[] {
	return WIZARD_STEPS.filter((step) => step.applies(values) && !given.has(step.id));
}

/** Which steps the flags already answer. */
export function givenSteps(flags: Partial<RegistryAddFlags>): Set<WizardStep["id"]> {
	const given = new Set<WizardStep["id"]>();
	if (flags.type !== undefined || flags.path !== undefined || flags.url !== undefined) given.add("type");
	if (flags.path !== undefined) given.add("path");
	if (flags.url !== undefined) given.add("url");
	if (flags.tag !== undefined || flags.branch !== undefined || flags.rev !== undefined) given.add("refKind").add("ref");
	if (flags.name !== undefined) given.add("name");
	if (flags.version !== undefined) given.add("version");
	if (flags.mode !== undefined) given.add("mode");
	if (flags.editable) given.add("editable");
	if (flags.group !== undefined) given.add("group");
	return given;
}

/** The wizard's whole state: the values so far, which steps were answered, and how to go back. */
export type WizardState = {
	readonly values: WizardValues;
	readonly answered: readonly WizardStep["id"][];
	readonly history: readonly { readonly values: WizardValues; readonly answered: readonly WizardStep["id"][] }[];
};

export function startWizard(flags: Partial<RegistryAddFlags>): WizardState {
	const type = flags.type ?? (flags.path !== undefined ? "local" : flags.url !== undefined ? "git" : undefined);
	return { values: { editable: false, force: false, ...flags, type }, answered: [], history: [] };
}

/** The next question, or undefined when everything is answered (the summary). */
export function currentStep(state: WizardState, given: ReadonlySet<WizardStep["id"]>): WizardStep | undefined {
	return pendingSteps(state.values, given).find((step) => !state.answered.includes(step.id));
}

export function answerStep(state: WizardState, step: WizardStep, text: string, env: WizardEnv): WizardState {
	return {
		values: step.assign(state.values, text, env),
		answered: [...state.answered, step.id],
		history: [...state.history, { values: state.values, answered: state.answered }],
	};
}

/** One step back, or undefined at the first step (Esc then leaves the wizard). */
export function stepBack(state: WizardState): WizardState | undefined {
	const previous = state.history.at(-1);
	return previous ? { ...previous, history: state.history.slice(0, -1) } : undefined;
}

export function wizardFlags(values: WizardValues): RegistryAddFlags {
	const { refKind: _refKind, ...rest } = values;
	return { ...rest, editable: rest.editable === true, force: rest.force === true };
}
