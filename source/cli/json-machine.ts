import * as z from "zod/mini";
import { jsonParts } from "./json-parts.js";

/** Parts other outputs carry: sync's machine choices, list's and verify's drift. */
export function machineParts(strict: boolean) {
	const { object, string } = jsonParts(strict);
	return {
		choices: z.optional(
			z.array(
				object({
					group: string,
					option: string,
					from: z.enum(["forced", "probed", "recorded", "default"]),
					why: z.optional(string),
				}),
			),
		),
		drift: z.optional(
			z.array(object({ choice: string, package: string, installed: z.optional(string), wanted: string })),
		),
	};
}

/** The outputs of `hpm detect` and `hpm verify` (issue 29: auto choice, proof after install), for json-output.ts. */
export function machineOutputs(strict: boolean) {
	const { object, string, strings } = jsonParts(strict);
	return {
		detect: object({
			machine: object({
				cuda: z.optional(object({ version: string, driver: z.optional(string), from: string, gpus: strings })),
				rocm: z.optional(object({ version: z.optional(string), targets: strings, from: string })),
				appleSilicon: z.boolean(),
				platform: string,
				notes: strings,
			}),
			detected: string,
			groups: z.array(
				object({
					group: string,
					option: z.optional(string),
					options: z.array(object({ option: string, needs: string, met: z.boolean(), why: string })),
					reason: string,
				}),
			),
		}),
		verify: object({
			ok: z.boolean(),
			checks: z.array(object({ choice: string, check: string, ok: z.boolean(), found: string })),
			drift: machineParts(strict).drift,
		}),
	};
}
