import { parseArgs } from "node:util";
import { HpmError } from "../core/base/errors.js";
import { closest } from "../core/base/names.js";
import { type InputSpecs, type InputValues, inputValues } from "../core/base/inputs.js";

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
		throw usageError(error, specs);
	}
	return { values: inputValues(specs, parsed.values), positionals: parsed.positionals };
}

/** parseArgs' error as one line a person understands, with the flag meant when it was misspelt. */
function usageError(error: unknown, specs: InputSpecs): HpmError {
	// node's parseArgs says what is wrong only in its words (not hpm's problems): they are read here
	const message = error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
	const all = `flags: ${Object.entries(specs)
		.map(([name, spec]) => `--${name}${spec.short ? `/-${spec.short}` : ""}`)
		.join(", ")}`;
	const named = /Option '(?:-\w, )?(--[\w-]+)/.exec(message)?.[1];
	if (/argument missing/.test(message) && named)
		return new HpmError("usage", `${named} needs a value`, {
			hint: `${named} ${specOf(named, specs)?.value ?? "VALUE"}`,
		});
	if (/argument is ambiguous/.test(message) && named)
		return new HpmError("usage", `${named} needs a value, and the word after it is a flag`, {
			hint: `give the value (${named} ${specOf(named, specs)?.value ?? "VALUE"}); a value that starts with "-" is written ${named}=-VALUE`,
		});
	if (/does not take an argument/.test(message) && named)
		return new HpmError("usage", `${named} takes no value`, { hint: `write ${named} alone` });
	const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
	if (unknown) {
		const names = Object.keys(specs).map((name) => `--${name}`);
		const guess = unknown.startsWith("--") ? closest(unknown, names) : undefined;
		return new HpmError("usage", `unknown flag '${unknown}'`, {
			hint: guess ? `did you mean ${guess}? (${all})` : all,
		});
	}
	return new HpmError("usage", message.replace(/\. To specify a positional argument.*$/, ""), { hint: all });
}

function specOf(flag: string, specs: InputSpecs) {
	return specs[flag.replace(/^--/, "")];
}
