/**
 * The parts every `--json` schema is made of (json-output.ts): a problem as every command prints
 * it, locations, options, sources, choices, graph groups, built strict or open.
 */
import * as z from "zod/mini";
import { ERROR_CODES, PROBLEM_CODES, type Code } from "../core/base/codes.js";

const CODES = [...Object.keys(ERROR_CODES), ...Object.keys(PROBLEM_CODES)] as [Code, ...Code[]];

/** Schemas named in the published files' `$defs` (the rest are written inline). */
export const names = z.registry<{ id: string; description: string }>();

/** The shared parts, strict (undescribed keys fail) or open (as published). */
export function jsonParts(strict: boolean) {
	// an object with exactly these keys (strict), or at least these (published)
	const object = <T extends z.core.$ZodLooseShape>(shape: T) => (strict ? z.strictObject(shape) : z.object(shape));
	const string = z.string();
	const strings = z.array(z.string());
	const count = z.number().check(z.int(), z.gte(0));

	/** A problem as every command prints it (cli/output.ts problemJson). */
	const code = z.enum(CODES).register(names, {
		id: "code",
		description: "an error's or a problem's code (README \"Codes\")",
	});
	const problem = object({
		code,
		message: string,
		hint: z.optional(string),
		file: z.optional(string),
		line: z.optional(count),
		column: z.optional(count),
		detail: z.optional(string),
		choices: z.optional(strings),
		groups: z.optional(strings),
		proven: z.optional(z.boolean()),
	}).register(names, {
		id: "problem",
		description: "a problem: what, where, and for a conflict the choices; the groups a group's own rule is about",
	});
	const problems = z.array(problem);
	const location = object({ file: string, line: z.optional(count), column: z.optional(count) });
	const option = object({ name: string, version: string, selected: z.boolean() });
	const named = object({ name: string, version: string, groups: strings });
	const lockChange = object({ name: string, from: z.nullable(string), to: z.nullable(string) });
	// a package's source per mode: its type, and the fields of that type (shown as the manifest has them)
	const source = z.looseObject({ type: z.enum(["local", "git", "index"]) });
	const choice = object({
		group: string,
		selected: strings,
		changed: z.boolean(),
		message: string,
		project: string,
		breaks: strings,
	});
	const graphGroup = object({
		name: string,
		strategy: string,
		interface: z.optional(string),
		defaults: strings,
		required: z.boolean(),
		min: z.optional(count),
		max: z.optional(count),
		options: z.array(object({ name: string, selected: z.boolean(), requires: strings, conflicts: strings })),
	});

	// a group in `list`; a per-machine one says this machine's option and where it comes from
	const machineChoice = object({
		option: z.nullable(string),
		from: z.enum(["forced", "local", "default", "auto", "none"]),
		why: z.optional(string),
	});
	const listGroup = object({
		name: string,
		strategy: string,
		description: string,
		options: z.array(option),
		selected: strings,
		synced: z.boolean(),
		machine: z.optional(machineChoice),
	});
	return {
		listGroup,
		object,
		string,
		strings,
		count,
		code,
		problem,
		problems,
		location,
		option,
		named,
		lockChange,
		source,
		choice,
		graphGroup,
	};
}
