import type * as z from "zod/mini";
import { closest } from "../base/names.js";
import type { Problem } from "../base/errors.js";
import { KNOWN_KEYS, SOURCE_TYPES, STRATEGIES } from "./schema.js";
import type { Source } from "./model.js";
import type { PathSegment, YamlFile } from "./yaml-file.js";

type Kind = "group" | "package" | "index";

/** Turns zod issues into problems that say, in the file's own terms, what was expected where. */
export function issuesToProblems(kind: Kind, yaml: YamlFile, issues: readonly z.core.$ZodIssue[]): Problem[] {
	// A misspelt required key (`nam:` for `name:`) is one mistake: the unknown key says "did you
	// mean", and the key it stands for is not reported missing as well.
	const pathOf = (issue: z.core.$ZodIssue) => issue.path.filter((p): p is PathSegment => typeof p !== "symbol");
	const misspelt = new Set<string>();
	for (const issue of issues) {
		if (issue.code !== "unrecognized_keys") continue;
		const path = pathOf(issue);
		const known = knownKeys(kind, path, yaml.value);
		for (const key of issue.keys) {
			const suggestion = closest(key, known);
			if (suggestion && lookup(yaml.value, [...path, suggestion]) === undefined)
				misspelt.add(JSON.stringify([...path, suggestion]));
		}
	}
	return issues
		.filter((issue) => issue.code === "unrecognized_keys" || !misspelt.has(JSON.stringify(pathOf(issue))))
		.flatMap((issue) => issueToProblems(kind, yaml, issue));
}

const RULE_KEYS = new Set(["default", "min", "max"]);

function issueToProblems(kind: Kind, yaml: YamlFile, issue: z.core.$ZodIssue): Problem[] {
	const path = issue.path.filter((p): p is PathSegment => typeof p !== "symbol");
	const where = describePath(path);
	const valueAt = lookup(yaml.value, path);
	// a group's default, min and max say in their own words what they take
	if (kind === "group" && path.length === 1 && RULE_KEYS.has(String(path[0])) && issue.code !== "unrecognized_keys") {
		return [
			{
				code: "invalid-rule",
				message: `${where} ${issue.message}, got ${describeValue(valueAt)}`,
				location: yaml.locate(path),
			},
		];
	}
	switch (issue.code) {
		case "unrecognized_keys": {
			const known = knownKeys(kind, path, yaml.value);
			return issue.keys.map((key) => {
				const suggestion = closest(key, known);
				const hint = suggestion ? ` (did you mean "${suggestion}"?)` : "";
				return {
					code: "unknown-key",
					message: `unknown key "${key}"${where ? ` in ${where}` : ""}${hint}; expected one of: ${known.join(", ")}`,
					location: yaml.locateKey(path, key),
				};
			});
		}
		case "invalid_type": {
			if (valueAt === undefined) {
				const parent = path.slice(0, -1);
				const key = path.at(-1);
				const what = typeof key === "number" ? `item ${key}` : `key "${String(key)}"`;
				return [
					{
						code: "missing-key",
						message: `missing required ${what}${parent.length ? ` in ${describePath(parent)}` : ""}`,
						location: yaml.locate(parent),
					},
				];
			}
			const got = describeValue(valueAt);
			const quoteHint =
				issue.expected === "string" && (typeof valueAt === "number" || typeof valueAt === "boolean")
					? `; quote it: "${String(valueAt)}"`
					: "";
			return [
				{
					code: "wrong-type",
					message: `${where || "the file"} must be ${article(issue.expected)}, got ${got}${quoteHint}`,
					location: yaml.locate(path),
				},
			];
		}
		case "invalid_value": {
			if (valueAt === undefined) {
				return [
					{
						code: "missing-key",
						message: `missing required key "${String(path.at(-1))}"${path.length > 1 ? ` in ${describePath(path.slice(0, -1))}` : ""}`,
						location: yaml.locate(path.slice(0, -1)),
					},
				];
			}
			const allowed = issue.values.map((v) => JSON.stringify(v)).join(", ");
			const strategyHint = path.at(-1) === "strategy" && typeof valueAt === "string" ? suggestStrategy(valueAt) : "";
			return [
				{
					code: "invalid-value",
					message: `${where} must be one of ${allowed}, got ${JSON.stringify(valueAt)}${strategyHint}`,
					location: yaml.locate(path),
				},
			];
		}
		case "invalid_union": {
			// zod points a bad discriminator at `...type` itself, other union failures at the source.
			const typePath = path.at(-1) === "type" ? path : [...path, "type"];
			const got = lookup(yaml.value, typePath);
			return [
				{
					code: "invalid-source-type",
					message: `${describePath(typePath)} must be ${SOURCE_TYPES.map((t) => JSON.stringify(t))
						.join(", ")
						.replace(/, (?=[^,]*$)/, " or ")}, got ${got === undefined ? "nothing" : JSON.stringify(got)}`,
					location: yaml.locate(got === undefined ? typePath.slice(0, -1) : typePath),
				},
			];
		}
		case "too_small":
			return [{ code: "empty-value", message: `${where} must not be empty`, location: yaml.locate(path) }];
		case "invalid_key":
		case "invalid_format":
			return [
				{
					code: "invalid-mode",
					message: `mode name ${JSON.stringify(path.at(-1) ?? valueAt)} in ${describePath(path.slice(0, -1))} must be lower-case letters, digits, "-" or "_", starting with a letter`,
					location: yaml.locateKey(path.slice(0, -1), String(path.at(-1))),
				},
			];
		case "custom":
		case "invalid_element":
		case "not_multiple_of":
		case "too_big":
			return [
				{
					code: "invalid",
					message: `${where || "the file"}: ${issue.message}`,
					location: yaml.locate(path),
				},
			];
	}
}

function knownKeys(kind: Kind, path: readonly PathSegment[], root: unknown): readonly string[] {
	if (kind === "group") return path.length === 0 ? KNOWN_KEYS.group : KNOWN_KEYS.option;
	if (kind === "index") return KNOWN_KEYS.indexFile;
	if (path.length === 0) return KNOWN_KEYS.package;
	if (path[0] === "needs") return KNOWN_KEYS.needs;
	if (path[0] === "checks") {
		const within = path[2];
		if (within === "version") return KNOWN_KEYS.versionCheck;
		if (within === "attribute") return KNOWN_KEYS.attributeCheck;
		return KNOWN_KEYS.check;
	}
	const type = lookup(root, [...path, "type"]);
	// a type that is none of them (reported on its own) is read as local
	return typeof type === "string" && Object.hasOwn(SOURCE_KEYS, type)
		? SOURCE_KEYS[type as Source["type"]]
		: KNOWN_KEYS.local;
}

/** The keys each kind of source accepts. */
const SOURCE_KEYS: Readonly<Record<Source["type"], readonly string[]>> = {
	local: KNOWN_KEYS.local,
	git: KNOWN_KEYS.git,
	index: KNOWN_KEYS.index,
};

export function describePath(path: readonly PathSegment[]): string {
	let text = "";
	for (const segment of path) {
		text += typeof segment === "number" ? `[${segment}]` : text ? `.${segment}` : segment;
	}
	return text;
}

function lookup(value: unknown, path: readonly PathSegment[]): unknown {
	let current = value;
	for (const segment of path) {
		if (typeof current !== "object" || current === null) return undefined;
		current = (current as Record<PathSegment, unknown>)[segment];
	}
	return current;
}

function describeValue(value: unknown): string {
	if (value === null) return "null (an empty value)";
	if (Array.isArray(value)) return "a list";
	if (typeof value === "object") return "a mapping";
	return `${typeof value} ${JSON.stringify(value)}`;
}

function article(expected: string): string {
	const words: Record<string, string> = {
		string: "a string",
		boolean: "true or false",
		array: "a list",
		object: "a mapping",
		record: "a mapping",
		number: "a number",
	};
	return words[expected] ?? expected;
}

function suggestStrategy(value: string): string {
	const match = STRATEGIES.find((s) => s.toLowerCase() === value.toLowerCase().replace(/\s+/g, ""));
	return match ? ` (did you mean "${match}"?)` : "";
}
