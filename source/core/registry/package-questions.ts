import type { InputSpec } from "../base/inputs.js";

/*
 * The add-package form's vocabulary: what its questions see and how they answer. The questions
 * themselves are declared with the inputs they fill (new-package.ts).
 */

/** What the questions of the add-package form can see besides the answers so far. */
export type PackageFormEnv = {
	readonly cwd: string;
	readonly packagesDir: string;
	readonly groups: readonly string[];
	/** The indexes the registry declares, by name. */
	readonly indexes: readonly string[];
	/** Packages already in the registry (normalized name) → the modes they have sources for. */
	readonly existing: ReadonlyMap<string, readonly string[]>;
};

/** The answers so far, keyed like the inputs (plus `refKind`, which only the form asks). */
export type PackageDraft = { readonly [input: string]: string | boolean | undefined };

/** One question of the form (`hpm registry add` on a TTY, `a` in the UI). */
export type PackageQuestion = {
	readonly id: string;
	readonly label: string;
	readonly choices?: (env: PackageFormEnv) => readonly { readonly label: string; readonly value: string }[];
	/** Whether it is asked, given the answers so far; asked always when absent. */
	readonly applies?: (draft: PackageDraft) => boolean;
	/** Why `text` is not acceptable yet, or undefined. Runs on every keystroke. */
	readonly validate?: (text: string, draft: PackageDraft, env: PackageFormEnv) => string | undefined;
	readonly initial?: (draft: PackageDraft) => string;
	/** The answers after this one; the default stores the text under the question's id. */
	readonly assign?: (draft: PackageDraft, text: string, env: PackageFormEnv) => PackageDraft;
};

export type PackageInputSpec = InputSpec & {
	/** The form's questions for this input, asked in declaration order. */
	readonly ask?: readonly PackageQuestion[];
	/** Inputs whose presence on the command line answers those questions (default: this one). */
	readonly answeredBy?: readonly string[];
};
