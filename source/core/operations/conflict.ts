import { nameWords, normalizeName, requirementName } from "../base/names.js";
import type { ProblemCode } from "../base/errors.js";
import type { PlanEntry } from "../plan/plan.js";
import type { Source } from "../registry/model.js";
import { localSource } from "../registry/source-kinds.js";
import { readPythonPackage } from "../registry/python-package.js";
import { readRegularFile } from "../os/read-file.js";
import { parse } from "smol-toml";
import path from "node:path";

/**
 * The selected options that uv's "No solution found" explanation involves: those it names, and
 * those whose local package depends on something it names (the adapter that brings
 * `vlm-interface` when a metric needs an older one). Directly named options come first.
 */
export function involvedOptions(explanation: string, selected: readonly PlanEntry[]): PlanEntry[] {
	const mentioned = new Set(nameWords(explanation));
	const direct = selected.filter((entry) => mentioned.has(entry.key));
	const indirect = selected.filter(
		(entry) => !direct.includes(entry) && localDependencies(entry).some((name) => mentioned.has(name)),
	);
	return [...direct, ...indirect];
}

export function describeConflict(involved: readonly PlanEntry[]): string | undefined {
	const label = (entry: PlanEntry) => entry.groups.map((group) => `${group}=${entry.name}`).join(" / ");
	const [first, ...rest] = involved;
	if (!first) return undefined;
	if (rest.length === 0) return `${label(first)} cannot be installed with the rest of the project`;
	return `${label(first)} conflicts with ${rest.map(label).join(" and ")}`;
}

/** What a selected package depends on, where hpm can read it: a local folder's pyproject.toml. */
function localDependencies(entry: PlanEntry): string[] {
	const folder = localSource(entry.source)?.path;
	if (folder === undefined) return [];
	const found = readPythonPackage(folder);
	if (typeof found === "string") return [];
	try {
		const data = parse(readRegularFile(path.join(folder, "pyproject.toml"), 10_000_000).toString("utf8")) as {
			project?: { dependencies?: unknown };
		};
		const list = Array.isArray(data.project?.dependencies) ? data.project.dependencies : [];
		return list.flatMap((requirement) => {
			const name = requirementName(requirement);
			return name ? [normalizeName(name)] : [];
		});
	} catch {
		return [];
	}
}

/**
 * The option(s) a failure is about: the package uv names in "Failed to build `name @ …`" (or
 * download, fetch), else the entries whose git URL, else whose name, the text mentions.
 */
function failingNames(text: string): string[] {
	return [
		...new Set(
			[...text.matchAll(/Failed to (?:download and build|build|download|fetch|prepare)[^`]*`([A-Za-z0-9._-]+)/g)]
				.map((match) => normalizeName(match[1] ?? ""))
				.filter(Boolean),
		),
	];
}

/**
 * The entries a failure names for certain: by the package uv failed on, else by git URL, else by
 * a local folder's file:// URL.
 */
function namedEntries(text: string, selected: readonly PlanEntry[]): PlanEntry[] {
	const failing = failingNames(text);
	const named = selected.filter((entry) => failing.includes(entry.key));
	if (named.length > 0) return named;
	const marked = selected.flatMap((entry) => {
		const mark = uvNamesBy(entry.source);
		return mark && text.includes(mark.text) ? [{ entry, rank: mark.rank }] : [];
	});
	const best = Math.min(...marked.map((m) => m.rank));
	return marked.filter((m) => m.rank === best).map((m) => m.entry);
}

/**
 * What else than its name uv's messages name a source by, and how surely (a lower rank wins): a git
 * source by its URL, a local folder by its file:// URL (`Distribution not found at: file:///…/pkg`).
 */
function uvNamesBy(source: Source): { readonly text: string; readonly rank: number } | undefined {
	switch (source.type) {
		case "git":
			return { text: source.url, rank: 0 };
		case "local":
			return { text: `file://${source.path.replace(/\/+$/, "")}`, rank: 1 };
		case "index":
			return undefined;
	}
	const exhaustive: never = source;
	return exhaustive;
}

function mentionedEntries(text: string, selected: readonly PlanEntry[]): PlanEntry[] {
	const named = namedEntries(text, selected);
	return named.length > 0 ? named : involvedOptions(text, selected);
}

const label = (entry: PlanEntry) =>
	entry.groups.length > 0 ? entry.groups.map((group) => `${group}=${entry.name}`).join(" / ") : entry.name;

/** The ref a git source asks for, as a person would name it (`the git tag "v9"`). */
function missingRef(entry: PlanEntry | undefined): string {
	const unknown = "the git tag, branch or commit";
	switch (entry?.source.type) {
		case undefined:
		case "local":
		case "index":
			return unknown;
		case "git": {
			const ref = entry.source.ref;
			return ref ? `the git ${ref.kind === "rev" ? "commit or ref" : ref.kind} "${ref.value}"` : unknown;
		}
	}
}

/** Where a failed entry comes from, for the end of a sentence (` (URL)`); nothing for a local folder. */
function where(entry: PlanEntry | undefined): string {
	switch (entry?.source.type) {
		case undefined:
		case "local":
			return "";
		case "git":
			return ` (${entry.source.url})`;
		case "index":
			return ` (${entry.source.requirement.trim()} from ${entry.index ? `index ${entry.index.name}` : "the default index"})`;
	}
}

/** A failed uv run in the project's terms: its code, a sentence, and the selected entries it names. */
export type Explained = {
	readonly code: ProblemCode;
	readonly message: string;
	readonly entries: readonly PlanEntry[];
	/** For a workspace that does not lock: the members (not selected) uv could not resolve. */
	readonly members?: readonly string[];
};

/**
 * What went wrong in a failed uv run, in group=option terms: a source that cannot be reached, a
 * git ref that does not exist, refused credentials, a package that does not build, or (exit 1
 * with "No solution found") a conflict between options. Undefined when the lines do not say.
 */
export function explainFailure(
	lines: readonly string[],
	exitCode: number,
	selected: readonly PlanEntry[],
	/** Normalized names of the uv workspace's members, when the project is in one. */
	members: readonly string[] = [],
): Explained | undefined {
	const text = lines.join("\n");
	// the entries the sentence names are the entries the data names: worked out once, when needed
	let mentioned: PlanEntry[] | undefined;
	const entries = () => (mentioned ??= mentionedEntries(text, selected));
	const own = (found: { code: ProblemCode; message: string }): Explained => ({ ...found, entries: entries() });
	const who = () => (entries().length > 0 ? entries().map(label).join(", ") : "a selected package");
	const first = () => entries()[0];
	// git's own last word, which says why (`unable to access '…': Operation too slow …`)
	const fatal = () => {
		const line = [...lines].reverse().find((l) => /^\s*fatal:/.test(l));
		return line ? `: ${line.replace(/^\s*fatal:\s*/, "")}` : "";
	};
	if (/couldn't find remote ref|did not match any file|unknown revision|not a valid (commit|ref)/i.test(text)) {
		return own({ code: "ref-missing", message: `${who()}: ${missingRef(first())} does not exist${where(first())}` });
	}
	if (
		/Permission denied \(publickey|Authentication failed|could not read Username|terminal prompts disabled|Host key verification failed/i.test(
			text,
		)
	) {
		return own({ code: "source-auth", message: `${who()}: the git host refused the credentials${where(first())}` });
	}
	if (
		/timed out|Could not resolve host|Connection refused|Network is unreachable|No route to host|banner exchange|Could not read from remote repository|Failed to connect|Operation too slow|Connection reset|Empty reply from server/i.test(
			text,
		)
	) {
		return own({
			code: "source-unreachable",
			message: `${who()}: the source cannot be reached${where(first())}${fatal()}`,
		});
	}
	if (/Git operation failed|failed to clone into|failed to fetch (tag|branch|commit)/i.test(text)) {
		return own({
			code: "source-unavailable",
			message: `${who()}: git could not fetch the source${where(first())}${fatal()}`,
		});
	}
	const notFound = /Distribution not found at: (\S+)/.exec(text);
	if (notFound) {
		return own({
			code: "local-missing",
			message: `${who()}: uv finds no package at ${notFound[1]} (the folder is gone, or not where the path says)`,
		});
	}
	if (/Failed to build|Build backend failed|failed to build/i.test(text) && !/No solution found/.test(text)) {
		// the package uv names, even when it is not a selected option (a workspace member, a dependency)
		const failing = failingNames(text);
		const named = selected.filter((entry) => failing.includes(entry.key));
		const chosen = named.length > 0 || failing.length > 0 ? named : entries();
		const subject =
			chosen.length > 0
				? chosen.map(label).join(", ")
				: failing.length > 0
					? `${failing.join(", ")} (not a selected option)`
					: who();
		const cause = [...lines].reverse().find((line) => /^\s*(cause|Caused by):/.test(line));
		const why = cause ? `: ${cause.replace(/^\s*(cause|Caused by):\s*/, "")}` : "";
		return { code: "build-failed", message: `${subject}: the package failed to build${why}`, entries: chosen };
	}
	if (exitCode === 1) {
		// uv locks a whole workspace: a member nobody selected can be what cannot be resolved
		const mentioned = new Set(nameWords(text));
		const chosen = new Set(selected.map((entry) => entry.key));
		const blamed = members.filter((name) => mentioned.has(name) && !chosen.has(name));
		if (blamed.length > 0 && /your workspace requires|workspace'?s? requirements/i.test(text)) {
			return {
				code: "workspace-conflict",
				message: `the uv workspace does not lock: its member ${blamed.join(", ")} cannot be resolved with the rest (uv locks every member together, selected or not)`,
				entries: [],
				members: blamed,
			};
		}
		const involved = involvedOptions(text, selected);
		const conflict = describeConflict(involved);
		return conflict ? { code: "resolution", message: conflict, entries: involved } : undefined;
	}
	return undefined;
}
