import * as z from "zod/mini";
import { jsonParts } from "./json-parts.js";

/** The outputs of `hpm check --matrix` and `hpm test` (issue 30: combinations, their verdicts), for json-output.ts. */
export function matrixOutputs(strict: boolean) {
	const { object, string, strings, count, problems } = jsonParts(strict);
	const pairs = z.array(
		object({
			choices: strings,
			status: z.enum(["fails-alone", "conflict", "set", "declared"]),
			reason: string,
		}),
	);
	const rules = z.optional(
		z.array(
			object({
				file: string,
				group: string,
				option: string,
				conflicts: string,
				reason: string,
				written: z.boolean(),
			}),
		),
	);
	return {
		"check-matrix": object({
			how: z.enum(["all", "pairwise"]),
			space: z.optional(count),
			results: z.array(
				object({
					combination: string,
					ok: z.boolean(),
					problems,
					seconds: z.number(),
					cached: z.boolean(),
					retry: z.boolean(),
				}),
			),
			pairs,
			compatible: z.array(z.tuple([string, string])),
			uncovered: z.array(object({ a: string, b: string, reason: string })),
			unplanned: count,
			projectFails: z.boolean(),
			rules,
			workers: count,
			seconds: z.number(),
			perSecond: z.number(),
			ok: z.boolean(),
		}),
		test: object({
			command: strings,
			combinations: z.array(
				object({
					combination: string,
					choices: strings,
					status: z.enum(["passed", "failed", "unresolved"]),
					exitCode: z.nullable(z.number()),
					seconds: z.number(),
					log: string,
					firstFailingLine: z.optional(string),
					reason: z.optional(string),
					environment: z.enum(["built", "reused", "none"]),
					reused: z.optional(z.literal(true)),
				}),
			),
			pairs,
			compatible: z.array(z.tuple([string, string])),
			uncovered: z.array(object({ a: string, b: string, reason: string })),
			logs: string,
			rules,
			ok: z.boolean(),
		}),
	};
}
