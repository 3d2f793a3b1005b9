import path from "node:path";
import { type InputSpec, type InputValues, inputValues } from "../base/inputs.js";
import { invalidNameReason, MODE_PATTERN, normalizeName } from "../base/names.js";
import { readPythonPackage } from "./python-package.js";
import { parseRequirement, type Requirement } from "./requirement.js";
import { invalidGitUrlReason, invalidRefReason } from "./validate.js";

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

type PackageInputSpec = InputSpec & {
	/** The form's questions for this input, asked in declaration order. */
	readonly ask?: readonly PackageQuestion[];
	/** Inputs whose presence on the command line answers those questions (default: this one). */
	readonly answeredBy?: readonly string[];
};

const isLocal = (draft: PackageDraft) => draft.type === "local";
const isGit = (draft: PackageDraft) => draft.type === "git";
const isIndex = (draft: PackageDraft) => draft.type === "index";
const hasRef = (draft: PackageDraft) =>
	draft.tag !== undefined || draft.branch !== undefined || draft.rev !== undefined;
const refFlags = ["tag", "branch", "rev"];

/**
 * The one declaration of a new package's inputs: `hpm registry add` takes them as flags (help
 * from `value` and `help`), the form asks their questions. Adding an input is one entry here.
 */
export const PACKAGE_INPUTS = {
	type: {
		type: "string",
		value: "local|git|index",
		help: "inferred from --path / --url / --requirement when omitted",
		answeredBy: ["type", "path", "url", "requirement"],
		ask: [
			{
				id: "type",
				label: "Where does the package come from?",
				choices: () => [
					{ label: "a local folder", value: "local" },
					{ label: "a git repository", value: "git" },
					{ label: "a package index (a requirement such as name>=1,<2)", value: "index" },
				],
			},
		],
	},
	path: {
		type: "string",
		value: "DIR",
		help: "local source: the folder holding the package",
		ask: [
			{
				id: "path",
				label: "Folder holding the package (its pyproject.toml)",
				applies: isLocal,
				validate: (text, _draft, env) => {
					if (!text.trim()) return "type a path";
					const found = readPythonPackage(path.resolve(env.cwd, text));
					return typeof found === "string" ? found : undefined;
				},
				assign: (draft, text, env) => {
					const found = readPythonPackage(path.resolve(env.cwd, text));
					const known =
						typeof found === "string"
							? {}
							: { name: draft.name ?? found.name, version: draft.version ?? found.version };
					return { ...draft, path: text, ...known };
				},
			},
		],
	},
	url: {
		type: "string",
		value: "URL",
		help: "git source, with at most one of --tag, --branch, --rev",
		ask: [
			{
				id: "url",
				label: "Git URL",
				applies: isGit,
				validate: (text) => invalidGitUrlReason(text.trim()),
				assign: (draft, text) => ({ ...draft, url: text.trim() }),
			},
		],
	},
	tag: {
		type: "string",
		value: "TAG",
		help: "git source: the tag to install",
		answeredBy: refFlags,
		ask: [
			{
				id: "refKind",
				label: "Pin it to",
				choices: () => [
					{ label: "a tag", value: "tag" },
					{ label: "a branch", value: "branch" },
					{ label: "a commit (rev)", value: "rev" },
					{ label: "nothing (the default branch)", value: "none" },
				],
				applies: (draft) => isGit(draft) && !hasRef(draft),
			},
			{
				id: "ref",
				label: "Tag, branch or commit",
				applies: (draft) => isGit(draft) && draft.refKind !== undefined && draft.refKind !== "none",
				validate: (text) => (text.trim() ? invalidRefReason(text.trim()) : "type a ref"),
				assign: (draft, text) => ({ ...draft, [String(draft.refKind ?? "rev")]: text.trim() }),
			},
		],
	},
	requirement: {
		type: "string",
		value: "REQ",
		help: 'index source: a PEP 508 requirement on the package, e.g. "name>=1.0,<2"',
		ask: [
			{
				id: "requirement",
				label: "Requirement (e.g. name>=1.0,<2)",
				applies: isIndex,
				validate: (text) => {
					const parsed = parseRequirement(text.trim());
					return typeof parsed === "string" ? parsed : undefined;
				},
				assign: (draft, text) => {
					const parsed = parseRequirement(text.trim());
					return {
						...draft,
						requirement: text.trim(),
						name: draft.name ?? /^\s*([A-Za-z0-9._-]+)/.exec(text)?.[1],
						// the version question starts from what the requirement says (a pin, or its range)
						version: draft.version ?? (typeof parsed === "string" ? undefined : versionOfRequirement(text, parsed)),
					};
				},
			},
		],
	},
	index: {
		type: "string",
		value: "NAME",
		help: "index source: a declared index (indexes/NAME.yaml); uv's default index when omitted",
		ask: [
			{
				id: "index",
				label: "From which index?",
				choices: (env) => [
					{ label: "uv's default index", value: "" },
					...env.indexes.map((name) => ({ label: name, value: name })),
				],
				applies: isIndex,
				assign: (draft, text) => ({ ...draft, index: text || undefined }),
			},
		],
	},
	branch: { type: "string", value: "BRANCH", help: "git source: the branch to follow" },
	rev: { type: "string", value: "REV", help: "git source: the commit to install" },
	subdirectory: { type: "string", value: "DIR", help: "git source: the package's folder inside the repository" },
	name: {
		type: "string",
		value: "NAME",
		help: "package name (PEP 508); read from the package's pyproject.toml for --path",
		ask: [
			{
				id: "name",
				label: "Package name",
				initial: (draft) => String(draft.name ?? ""),
				validate: (text) => invalidNameReason(text.trim()),
				assign: (draft, text) => ({ ...draft, name: text.trim() }),
			},
		],
	},
	version: {
		type: "string",
		value: "VERSION",
		help: "the package version; read from the package for --path (pyproject.toml, PKG-INFO, its build backend); for --requirement, its pin or its range as written",
		ask: [
			{
				id: "version",
				label: "Version",
				initial: (draft) => String(draft.version ?? ""),
				validate: (text) => (text.trim() ? undefined : "type a version, e.g. 0.1.0"),
				assign: (draft, text) => ({ ...draft, version: text.trim() }),
			},
		],
	},
	mode: {
		type: "string",
		value: "MODE",
		help: "which mode this source serves (default: prod)",
		ask: [
			{
				id: "mode",
				label: "Mode this source serves",
				initial: (draft) => String(draft.mode ?? "prod"),
				validate: (text, draft, env) => {
					const mode = text.trim();
					if (!MODE_PATTERN.test(mode)) return "a lower-case name such as prod or dev";
					const modes = env.existing.get(normalizeName(String(draft.name ?? "")));
					return modes?.includes(mode) && draft.force !== true
						? `"${String(draft.name)}" already has a ${mode} source; choose another mode (its other sources stay)`
						: undefined;
				},
				assign: (draft, text) => ({ ...draft, mode: text.trim() }),
			},
		],
	},
	editable: {
		type: "boolean",
		help: "install a local source in editable mode",
		ask: [
			{
				id: "editable",
				label: "Install it editable?",
				choices: () => [
					{ label: "no", value: "no" },
					{ label: "yes (changes to the folder take effect at once)", value: "yes" },
				],
				applies: isLocal,
				assign: (draft, text) => ({ ...draft, editable: text === "yes" }),
			},
		],
	},
	description: { type: "string", value: "TEXT", help: "one line for list and search" },
	group: {
		type: "string",
		value: "GROUP",
		help: "also add it as an option of this group",
		ask: [
			{
				id: "group",
				label: "Also offer it in a group?",
				choices: (env) => [{ label: "no group", value: "" }, ...env.groups.map((g) => ({ label: g, value: g }))],
				assign: (draft, text) => ({ ...draft, group: text || undefined }),
			},
		],
	},
	force: {
		type: "boolean",
		help: "replace the package's source for --mode (its other sources stay), or a manifest that does not load",
	},
} as const satisfies Readonly<Record<string, PackageInputSpec>>;

export type PackageInput = InputValues<typeof PACKAGE_INPUTS>;
export type PackageInputName = keyof typeof PACKAGE_INPUTS;

/** Every question of the form, in order, with the inputs that answer it from the command line. */
export const PACKAGE_QUESTIONS: readonly (PackageQuestion & {
	readonly input: PackageInputName;
	readonly answeredBy: readonly string[];
})[] = Object.entries(PACKAGE_INPUTS as Readonly<Record<PackageInputName, PackageInputSpec>>).flatMap(([input, spec]) =>
	(spec.ask ?? []).map((question) => ({
		...question,
		input: input as PackageInputName,
		answeredBy: spec.answeredBy ?? [input],
	})),
);

/** Turns the form's answers into typed inputs: strings stay strings, booleans are set. */
export function inputFromDraft(draft: PackageDraft): PackageInput {
	return inputValues(PACKAGE_INPUTS, draft);
}

/** The source type the given flags imply: --path is local, --url git, --requirement index. */
export function inferredType(input: Partial<PackageInput>): string | undefined {
	if (input.path !== undefined) return "local";
	if (input.url !== undefined) return "git";
	if (input.requirement !== undefined) return "index";
	return undefined;
}

/**
 * What a requirement says of the version: its pin (`==1.2`), else its range as the person wrote
 * it (`>=0.27,<1`, spaces and parentheses dropped), `*` when it names no bound.
 */
export function versionOfRequirement(written: string, requirement: Requirement): string {
	const pinned = requirement.clauses.length === 1 ? /^===?([^*]+)$/.exec(requirement.clauses[0] ?? "")?.[1] : undefined;
	if (pinned !== undefined) return pinned;
	const range = written
		.trim()
		.replace(/^[A-Za-z0-9._-]+\s*(\[[^\]]*\])?/, "")
		.replace(/[\s()]/g, "");
	return range === "" ? "*" : range;
}
