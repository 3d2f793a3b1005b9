import path from "node:path";
import { type InputValues, inputValues } from "../base/inputs.js";
import { DEFAULT_MODE, invalidNameReason, MODE_PATTERN, normalizeName } from "../base/names.js";
import type { Source } from "./model.js";
import type { PackageDraft, PackageInputSpec, PackageQuestion } from "./package-questions.js";
import { readPythonPackage } from "./python-package.js";
import { parseRequirement, versionOfRequirement } from "./requirement.js";
import { invalidGitUrlReason, invalidRefReason } from "./validate.js";

/** Each kind of source as a person adding a package meets it: the flag that says where it is, and the form's choice. */
const SOURCE_OFFERS = {
	local: { flag: "path", choice: "a local folder" },
	git: { flag: "url", choice: "a git repository" },
	index: { flag: "requirement", choice: "a package index (a requirement such as name>=1,<2)" },
} as const satisfies Readonly<Record<Source["type"], { readonly flag: string; readonly choice: string }>>;
const SOURCE_KINDS = Object.keys(SOURCE_OFFERS) as readonly Source["type"][];

const of = (kind: Source["type"]) => (draft: PackageDraft) => draft.type === kind;
const isLocal = of("local");
const isGit = of("git");
const isIndex = of("index");
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
		value: SOURCE_KINDS.join("|"),
		help: "inferred from --path / --url / --requirement when omitted",
		answeredBy: ["type", ...SOURCE_KINDS.map((kind) => SOURCE_OFFERS[kind].flag)],
		ask: [
			{
				id: "type",
				label: "Where does the package come from?",
				choices: () => SOURCE_KINDS.map((kind) => ({ label: SOURCE_OFFERS[kind].choice, value: kind })),
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
				initial: (draft) => String(draft.mode ?? DEFAULT_MODE),
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

export type { PackageDraft, PackageFormEnv, PackageQuestion } from "./package-questions.js";

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
export function inferredType(input: Partial<PackageInput>): Source["type"] | undefined {
	return SOURCE_KINDS.find((kind) => input[SOURCE_OFFERS[kind].flag] !== undefined);
}
