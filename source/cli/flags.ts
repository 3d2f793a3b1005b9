import { parseArgs } from "node:util";
import { HpmError } from "../core/errors.js";

/** One flag of a command; names are written as on the command line (`dry-run`). */
export type FlagSpec = {
	readonly type: "string" | "boolean";
	readonly short?: string;
	readonly multiple?: boolean;
};

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;
export type ParsedFlags = {
	readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
	readonly positionals: string[];
};

/**
 * Parses a command's arguments strictly with Node's own `util.parseArgs`: an unknown flag, a
 * missing value or a value given to a boolean is a usage error (exit 2) that names the flag.
 */
export function parseFlags(argv: readonly string[], specs: FlagSpecs): ParsedFlags {
	const options = Object.fromEntries(
		Object.entries(specs).map(([name, spec]) => [
			name,
			{ type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) },
		]),
	);
	try {
		const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
		return { values: values as ParsedFlags["values"], positionals };
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
}
