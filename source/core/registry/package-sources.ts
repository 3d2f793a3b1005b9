import path from "node:path";
import type { Location, Problem } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import { splitCredentials } from "../base/secrets.js";
import type { Indexes } from "./index-files.js";
import type { GitRef, Source } from "./model.js";
import { invalidRequirementReason, markedLine, parseMarkedRequirement, parseRequirement } from "./requirement.js";
import { markerText, parseMarker } from "./marker.js";
import type { FamilyMember } from "./model.js";
import type { PackageFile } from "./schema.js";
import {
	invalidGitUrlReason,
	invalidLocalPathReason,
	invalidRefReason,
	invalidSubdirectoryReason,
} from "./validate.js";
import type { YamlFile } from "./yaml-file.js";

/** One source as a manifest writes it (the schema's), before it is checked. */
type SourceFile = PackageFile["sources"][string];

/** The schema reads exactly the kinds of source the model has: a kind added to one alone fails here. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kindsMatch: Same<SourceFile["type"], Source["type"]> = true;
void kindsMatch;

/** What checking one source of a manifest needs to know. */
export type SourceContext = {
	readonly yaml: YamlFile;
	readonly mode: string;
	/** The package's name as written (else its file's stem): an index requirement must name it. */
	readonly name: string;
	readonly problems: Problem[];
	/** Declared indexes; without them (a manifest on its own) any index name is taken as declared. */
	readonly indexes: Indexes | undefined;
	/** The git registry the manifest comes from, if it does: it cannot offer a local path. */
	readonly remote: string | undefined;
};

/** The source `sources.<mode>` describes, or undefined when a problem leaves it unusable. */
export function readSource(source: SourceFile, context: SourceContext): Source | undefined {
	switch (source.type) {
		case "local":
			return readLocal(source, context);
		case "index":
			return readIndex(source, context);
		case "git":
			return readGit(source, context);
	}
	const exhaustive: never = source;
	return exhaustive;
}

const locator =
	({ yaml, mode }: SourceContext) =>
	(key: string): Location =>
		yaml.locate(["sources", mode, key]);

function readLocal(source: Extract<SourceFile, { type: "local" }>, context: SourceContext): Source | undefined {
	const { mode, problems } = context;
	const at = locator(context);
	if (context.remote !== undefined) {
		problems.push({
			code: "remote-local-source",
			message: `sources.${mode} is a local path, which a registry from git cannot offer (it would point into hpm's cache); give it a git source, or override the package in a folder layer listed before the git registry`,
			location: at("path"),
		});
		return undefined;
	}
	const pathProblem = invalidLocalPathReason(source.path);
	if (pathProblem) {
		problems.push({ code: "invalid-path", message: `sources.${mode}.path ${pathProblem}`, location: at("path") });
		return undefined;
	}
	return {
		type: "local",
		rawPath: source.path,
		path: path.resolve(path.dirname(context.yaml.file), source.path),
		editable: source.editable ?? false,
		location: at("path"),
	};
}

function readIndex(source: Extract<SourceFile, { type: "index" }>, context: SourceContext): Source | undefined {
	const { mode, problems, indexes } = context;
	const at = locator(context);
	// a family's requirement names its first distribution (torch), not the option (torch-cu128)
	const reason =
		source.family === undefined
			? invalidRequirementReason(source.requirement, context.name)
			: requirementReason(source.requirement);
	if (reason)
		problems.push({
			code: "invalid-requirement",
			message: `sources.${mode}.requirement ${reason}`,
			location: at("requirement"),
		});
	let index: string | undefined;
	if (source.index !== undefined) {
		index = normalizeName(source.index);
		const nameProblem = invalidNameReason(source.index);
		if (nameProblem)
			problems.push({
				code: "invalid-name",
				message: `sources.${mode}.index "${source.index}": ${nameProblem}`,
				location: at("index"),
			});
		// an index file that is broken is reported in that file, not again by every source naming it
		else if (indexes && !indexes.files.has(index))
			problems.push({
				code: "unknown-index",
				message: `sources.${mode}.index "${source.index}" names no index: there is no indexes/${index}.yaml${indexes.loaded.size > 0 ? ` (declared: ${[...indexes.loaded.values()].map((i) => i.name).join(", ")})` : ""}`,
				location: at("index"),
			});
	}
	const marker = readMarker(source.marker, context);
	const family = source.family === undefined ? [] : readFamily(source.requirement, source.family, context);
	if (reason || marker === null || family === undefined) return undefined;
	return {
		type: "index",
		requirement: source.requirement,
		index,
		location: at(source.index === undefined ? "requirement" : "index"),
		...(marker !== undefined ? { marker } : {}),
		...(family.length > 0 ? { family } : {}),
		...(source.family !== undefined || marker !== undefined
			? { machineOnlyAt: at(source.family !== undefined ? "family" : "marker") }
			: {}),
	};
}

/** The canonical marker of `sources.<mode>.marker`; null when it does not parse (reported). */
function readMarker(text: string | undefined, context: SourceContext): string | undefined | null {
	if (text === undefined) return undefined;
	const parsed = parseMarker(text);
	if (typeof parsed !== "string") return markerText(parsed);
	context.problems.push({
		code: "invalid-requirement",
		message: `sources.${context.mode}.marker ${parsed}`,
		location: locator(context)("marker"),
	});
	return null;
}

/**
 * The family's members, each parsed and written back canonically; a member naming the package
 * itself or another member twice, a URL, or a marker that does not parse is reported at its line.
 */
function readFamily(requirement: string, lines: readonly string[], context: SourceContext): FamilyMember[] | undefined {
	const { mode, problems, yaml } = context;
	const first = parseRequirement(requirement);
	if (typeof first === "string") return undefined; // reported as the requirement's problem
	const members: FamilyMember[] = [{ name: first.name, line: markedLine(first, undefined) }];
	const seen = new Set([first.name]);
	let ok = true;
	lines.forEach((line, i) => {
		const parsed = parseMarkedRequirement(line);
		const problem =
			typeof parsed === "string"
				? parsed
				: seen.has(parsed.requirement.name)
					? `names "${parsed.requirement.name}", which the family already has (its requirement or an earlier member)`
					: undefined;
		if (problem !== undefined || typeof parsed === "string") {
			problems.push({
				code: "invalid-requirement",
				message: `sources.${mode}.family[${i}] ${problem ?? ""}`,
				location: yaml.locate(["sources", mode, "family", i]),
			});
			ok = false;
			return;
		}
		seen.add(parsed.requirement.name);
		members.push({ name: parsed.requirement.name, line: parsed.line });
	});
	return ok ? members : undefined;
}

/** A git source is kept with its problems: they are reported, and the package is left out for them. */
function readGit(source: Extract<SourceFile, { type: "git" }>, context: SourceContext): Source {
	const { mode, problems } = context;
	const at = locator(context);
	const urlProblem = invalidGitUrlReason(source.url);
	if (urlProblem)
		problems.push({
			code: "invalid-url",
			message: `sources.${mode}.url ${urlProblem}`,
			location: at("url"),
		});
	const refs = (["tag", "branch", "rev"] as const).filter((kind) => source[kind] !== undefined);
	if (refs.length > 1) {
		problems.push({
			code: "conflicting-refs",
			message: `sources.${mode} sets ${refs.join(" and ")}; give at most one of tag, branch, rev`,
			location: at(refs[1] ?? "type"),
		});
	}
	let ref: GitRef | undefined;
	const kind = refs[0];
	if (kind) {
		const value = source[kind] ?? "";
		const refProblem = invalidRefReason(value);
		if (refProblem)
			problems.push({
				code: "invalid-ref",
				message: `sources.${mode}.${kind} ${refProblem}`,
				location: at(kind),
			});
		ref = { kind, value };
	}
	const subdirectoryProblem =
		source.subdirectory === undefined ? undefined : invalidSubdirectoryReason(source.subdirectory);
	if (subdirectoryProblem) {
		problems.push({
			code: "invalid-subdirectory",
			message: `sources.${mode}.subdirectory ${subdirectoryProblem}`,
			location: at("subdirectory"),
		});
	}
	const { url, auth } = splitCredentials(source.url);
	return { type: "git", url, ...(auth ? { auth } : {}), ref, subdirectory: source.subdirectory };
}

/** Why `text` is not a requirement hpm passes to uv (any distribution's name), or undefined. */
function requirementReason(text: string): string | undefined {
	const parsed = parseRequirement(text);
	return typeof parsed === "string" ? parsed : undefined;
}
