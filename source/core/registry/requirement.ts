import { normalizeName } from "../base/names.js";
import { hasControlCharacter } from "../base/text.js";
import { type Marker, markerText, parseMarker } from "./marker.js";

/**
 * The PEP 508 requirements of `type: index` sources: `name[extras] specifiers`, nothing more. A
 * URL (`name @ url`) is what git and local sources are for, and environment markers would make a
 * selected package not installed at all on some machines, so both are refused at load time.
 */
export type Requirement = {
	/** PEP 503-normalized. */
	readonly name: string;
	/** Normalized and sorted. */
	readonly extras: readonly string[];
	/** Each clause as `operator` + normalized version, sorted (uv writes them sorted). */
	readonly clauses: readonly string[];
};

const NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";
const SHAPE = new RegExp(`^\\s*(${NAME})\\s*(?:\\[([^\\]]*)\\])?\\s*(.*?)\\s*$`, "s");
const CLAUSE = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*([A-Za-z0-9.*+!_-]+)\s*$/;

/** The requirement, or why it is not one hpm passes to uv. */
export function parseRequirement(text: string): Requirement | string {
	if (hasControlCharacter(text))
		return `must not contain control characters (a newline, a tab, an escape): ${JSON.stringify(text)}`;
	if (text.trimStart().startsWith("-")) return `must not start with "-" (it would read as an option): ${text}`;
	if (text.includes("#")) return `must not contain "#" (it would start a comment): ${JSON.stringify(text)}`;
	if (text.includes(";"))
		return `must not have environment markers ("; ..."): a selected package is installed everywhere; remove them`;
	if (text.includes("@"))
		return `must not name a URL ("name @ url"): use a source of type git or local for that, or give a version specifier`;
	const shape = SHAPE.exec(text);
	if (!shape) return `is not a PEP 508 requirement (a name, then optional [extras] and version specifiers): ${text}`;
	const [, name = "", extrasText, rest = ""] = shape;
	const extras = (extrasText ?? "")
		.split(",")
		.map((extra) => extra.trim())
		.filter(Boolean);
	const badExtra = extras.find((extra) => !new RegExp(`^${NAME}$`).test(extra));
	if (badExtra !== undefined) return `has an extra that is not a name: ${JSON.stringify(badExtra)}`;
	let specifiers = rest;
	// PEP 508 allows the specifiers in parentheses: `name (>=1,<2)`
	if (specifiers.startsWith("(") && specifiers.endsWith(")")) specifiers = specifiers.slice(1, -1);
	const clauses = parseSpecifiers(specifiers);
	if (typeof clauses === "string") return clauses;
	return {
		name: normalizeName(name),
		extras: [...new Set(extras.map(normalizeName))].sort(),
		clauses,
	};
}

/**
 * PEP 440 version specifiers (`>=12.6,<13`) as clauses (`operator` + normalized version, sorted,
 * each once), or why they are not ones hpm reads. Empty text is no clause at all.
 */
export function parseSpecifiers(specifiers: string): string[] | string {
	const clauses: string[] = [];
	if (specifiers.trim() !== "") {
		for (const clause of specifiers.split(",")) {
			const match = CLAUSE.exec(clause);
			if (!match)
				return `has a version specifier hpm cannot read: ${JSON.stringify(clause.trim())} (write it as >=1.0,<2.0)`;
			const [, operator = "", version = ""] = match;
			clauses.push(`${operator}${operator === "===" ? version : normalizeVersion(version)}`);
		}
	}
	return [...new Set(clauses)].sort();
}

/**
 * Why `text` is not a requirement for the package `packageName`, or undefined when it is one.
 */
export function invalidRequirementReason(text: string, packageName: string): string | undefined {
	const parsed = parseRequirement(text);
	if (typeof parsed === "string") return parsed;
	if (parsed.name !== normalizeName(packageName))
		return `names "${requirementText(text)}", not this package "${packageName}"; write it as "${packageName}${text.trim().slice(requirementText(text).length)}"`;
	return undefined;
}

const requirementText = (text: string): string => new RegExp(`^\\s*(${NAME})`).exec(text)?.[1] ?? text;

/**
 * Whether the requirement uv recorded in [project.dependencies] is the manifest's. uv rewrites a
 * requirement as it records it (normalized name and versions, sorted clauses), and adds a lower
 * bound (`>=` the version it resolved) to one that has no specifier: for a manifest requirement
 * without one, a recorded single `>=` clause is the same.
 */
export function sameRequirement(recorded: string | undefined, wanted: string): boolean {
	if (recorded === undefined) return false;
	const a = parseRequirement(recorded);
	const b = parseRequirement(wanted);
	if (typeof a === "string" || typeof b === "string") return false;
	if (a.name !== b.name || a.extras.join(",") !== b.extras.join(",")) return false;
	if (b.clauses.length === 0)
		return a.clauses.length === 0 || (a.clauses.length === 1 && /^>=[^=]/.test(a.clauses[0] ?? ""));
	return a.clauses.join(",") === b.clauses.join(",");
}

/**
 * Whether `uv add wanted` would leave part of the recorded requirement in place: uv keeps the
 * recorded version specifier when the new requirement has none, and the recorded extras (measured
 * with uv 0.13.9). Such a switch removes the recorded requirement first.
 */
export function addKeepsRecorded(recorded: string | undefined, wanted: string): boolean {
	if (recorded === undefined) return false;
	const a = parseRequirement(recorded);
	const b = parseRequirement(wanted);
	if (typeof a === "string" || typeof b === "string") return true;
	return (b.clauses.length === 0 && a.clauses.length > 0) || a.extras.some((extra) => !b.extras.includes(extra));
}

const PRE = { a: "a", alpha: "a", b: "b", beta: "b", c: "rc", rc: "rc", pre: "rc", preview: "rc" } as const;

/**
 * A PEP 440 version in its normalized form (`v1.0.0Alpha1` → `1.0.0a1`, `1.0-post2` → `1.0.post2`),
 * as uv writes it; a version that does not parse (`1.*` wildcards aside) is kept as written.
 */
/** A number as PEP 440 normalizes it, as digits (`007` → `7`): never through a Number, which rounds 20 digits. */
const digits = (text: string): string => text.replace(/^0+(?=\d)/, "") || "0";

export function normalizeVersion(version: string): string {
	const v = version.trim().toLowerCase();
	const match =
		/^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(\.\*)?(?:[-_.]?(alpha|beta|preview|pre|rc|a|b|c)[-_.]?(\d*))?(?:(?:-(\d+))|(?:[-_.]?(?:post|rev|r)[-_.]?(\d*)))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/.exec(
			v,
		);
	if (!match) return version.trim();
	const [, epoch, release = "", star, preKind, preNumber, postImplicit, postNumber, devNumber, local] = match;
	let out = epoch !== undefined && digits(epoch) !== "0" ? `${digits(epoch)}!` : "";
	out += release.split(".").map(digits).join(".");
	if (star) out += ".*";
	if (preKind) out += `${PRE[preKind as keyof typeof PRE]}${digits(preNumber || "0")}`;
	if (postImplicit !== undefined || postNumber !== undefined)
		out += `.post${digits(postImplicit ?? postNumber ?? "0")}`;
	if (devNumber !== undefined) out += `.dev${digits(devNumber || "0")}`;
	if (local) out += `+${local.replace(/[-_]/g, ".")}`;
	return out;
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

/** A requirement with an optional environment marker, as a family member or a machine group writes it. */
export type MarkedRequirement = {
	readonly requirement: Requirement;
	readonly marker: Marker | undefined;
	/** The canonical line hpm writes for uv, built from the parsed form (never the text as written). */
	readonly line: string;
};

/**
 * `name[extras] specifiers ; marker`: the requirement parsed as `parseRequirement` does (no URL,
 * no `#`, no option-like start), the marker by PEP 508's grammar (`marker.ts`).
 */
export function parseMarkedRequirement(text: string): MarkedRequirement | string {
	const semicolon = text.indexOf(";");
	const head = semicolon === -1 ? text : text.slice(0, semicolon);
	if (hasControlCharacter(text))
		return `must not contain control characters (a newline, a tab, an escape): ${JSON.stringify(text)}`;
	if (text.includes("@"))
		return `must not name a URL ("name @ url"): use a source of type git or local for that, or give a version specifier`;
	const requirement = parseRequirement(head);
	if (typeof requirement === "string") return requirement;
	let marker: Marker | undefined;
	if (semicolon !== -1) {
		const parsed = parseMarker(text.slice(semicolon + 1));
		if (typeof parsed === "string") return `has an environment marker that ${parsed}`;
		marker = parsed;
	}
	return { requirement, marker, line: markedLine(requirement, marker) };
}

/** The canonical line of a requirement and its marker: `name[a,b]>=1,<2 ; sys_platform == "linux"`. */
export function markedLine(requirement: Requirement, marker: Marker | undefined): string {
	const extras = requirement.extras.length > 0 ? `[${requirement.extras.join(",")}]` : "";
	const base = `${requirement.name}${extras}${requirement.clauses.join(",")}`;
	return marker ? `${base} ; ${markerText(marker)}` : base;
}
