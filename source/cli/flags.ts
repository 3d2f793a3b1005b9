import { parseArgs } from "node:util";
import { HpmError } from "../core/errors.js";
import { type InputSpecs, type InputValues, inputValues } from "../core/inputs.js";

export type Parsed<S extends InputSpecs> = { readonly values: InputValues<S>; readonly positionals: string[] };

/**
 * Parses a command's arguments strictly with Node's own `util.parseArgs`: an unknown flag, a
 * missing value or a value given to a boolean is a usage error (exit 2) that names the flag.
 * The values are typed from the declaration; booleans are always set, repeatable flags are lists.
 */
export function parseFlags<S extends InputSpecs>(argv: readonly string[], specs: S): Parsed<S> {
	const options = Object.fromEntries(
		Object.entries(specs).map(([name, spec]) => [
			name,
			{ type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) },
		]),
	);
	let parsed: { values: Record<string, unknown>; positionals: string[] };
	try {
		parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
	} catch (error) {
		const message = error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
		throw new HpmError(
			"usage",
			message.replace(/\. To specify a positional argument.*$/, "").replace(/^Unknown option/, "unknown flag"),
			{
				hint: `flags: ${Object.entries(specs)
					.map(([name, spec]) => `--${name}${spec.short ? `/-${spec.short}` : ""}`)
					.join(", ")}`,
			},
		);
	}
	return { values: inputValues(specs, parsed.values), positionals: parsed.positionals };
}
