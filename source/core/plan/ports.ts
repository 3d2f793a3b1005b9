import type { PackageFormEnv, PackageInput } from "../registry/new-package.js";

/** One group's choice, as a person makes it: its options, described, and what is chosen now. */
export type OptionsQuestion = {
	readonly group: string;
	readonly strategy: "1-of-N" | "M-of-N";
	readonly options: readonly { readonly name: string; readonly description: string }[];
	readonly selected: readonly string[];
	/** The group's declared default choice (`default:` in its file), empty when it has none. */
	readonly defaults: readonly string[];
	/** A rule choosing the defaults would break with the rest of the project's choice, if any. */
	readonly defaultsBreak?: string | undefined;
	/** `options: a, b`, or why the group has none to choose from (and how to add one). */
	readonly optionsHint?: string | undefined;
	/** A per-machine group with `choose: auto`: told nothing, a script probes the machine. */
	readonly auto?: boolean | undefined;
};

/** The inputs of a new package that the command line already gave, and what the form may check. */
export type PackageRequest = {
	readonly env: PackageFormEnv;
	readonly given: Partial<PackageInput>;
};

/**
 * What hpm may ask a person. The core declares it and never calls it: a CLI command asks through
 * the prompter its entry point injected (an Ink one on a terminal, none in scripts), then calls the
 * core with the answer. Each resolves with undefined when the person cancels.
 */
export type Prompter = {
	readonly pickOptions: (question: OptionsQuestion) => Promise<readonly string[] | undefined>;
	readonly askPackage: (request: PackageRequest) => Promise<PackageInput | undefined>;
};
