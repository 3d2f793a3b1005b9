import type { Locator } from "../core/plan/context.js";
import type { InputSpecs, InputValues } from "../core/base/inputs.js";
import type { Prompter } from "../core/plan/ports.js";
import type { LockHooks } from "../core/project/lock.js";
import type { Output } from "./output.js";

/** Flags every command takes, declared once: parsed with the command's own, printed under its help. */
export const COMMON_FLAGS = {
	registry: {
		type: "string",
		short: "r",
		multiple: true,
		value: "DIR|URL",
		help: "the registry: a folder or git+https://host/repo.git@ref (default: [tool.hpm] registry, else registry/); repeat for layers, first wins",
	},
	project: {
		type: "string",
		short: "p",
		value: "DIR",
		help: "the project (default: the nearest pyproject.toml upward)",
	},
	json: { type: "boolean", help: "machine-readable output on stdout (schemas: README); errors too" },
	"no-color": { type: "boolean", help: "no colour (as NO_COLOR=1 does; FORCE_COLOR=1 forces it)" },
	help: { type: "boolean", short: "h", help: "this help" },
} as const satisfies InputSpecs;

/** `--version`: hpm's version, before or after the command words (registry add has its own). */
export const VERSION_FLAG = { type: "boolean", help: "hpm's version" } as const satisfies InputSpecs[string];

/** `--mode`, which check, sync and install share. */
export const MODE_FLAG = {
	type: "string",
	short: "m",
	value: "MODE",
	help: "use each package's source for this mode (prod, dev, ...); default: [tool.hpm] mode, else prod",
} as const satisfies InputSpecs[string];

/** What a command's `run` gets: typed flags, where to write, and the ports the entry point chose. */
export type CommandInput<F extends InputSpecs> = {
	readonly locator: Locator;
	readonly cwd: string;
	readonly output: Output;
	readonly args: readonly string[];
	readonly flags: InputValues<F>;
	/** Present only when a person can answer (decided once, in the entry point). */
	readonly prompter: Prompter | undefined;
	/** Tells the person about waits for the project lock and recoveries. */
	readonly hooks: LockHooks;
};

/**
 * One command, declared once: its synopsis and help, positional arguments, flags (typed from the
 * declaration) and what it does. `run` parses nothing and decides nothing: it calls the core and
 * presents the result, returning the exit code.
 */
export type Command<F extends InputSpecs> = {
	/** `hpm group add GROUP --option NAME [--option NAME]...` */
	readonly usage: string;
	/** A paragraph under the usage line of `--help`. */
	readonly description: string;
	readonly args: readonly string[];
	/** Positional arguments that may be left out, after `args`. */
	readonly optionalArgs?: readonly string[];
	/** More positional arguments than declared reach `run`, which says what they should have been. */
	readonly extraArgs?: true;
	readonly flags: F;
	/** Writes the project: it finishes a killed hpm's change first; the others only report one. */
	readonly writes?: true;
	// a method, so a command over its own flags is usable where any command is
	run(input: CommandInput<F>): Promise<number> | number;
};

export function defineCommand<F extends InputSpecs>(command: Command<F>): Command<F> {
	return command;
}

/** A titled list of flags, one line each: `  -r, --registry DIR  the registry (…)`. */
export function flagSection(title: string, specs: InputSpecs): string {
	const rows = Object.entries(specs).map(([name, spec]) => {
		const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.value ? ` ${spec.value}` : ""}`;
		return [flag, spec.help] as const;
	});
	const width = Math.max(...rows.map(([flag]) => flag.length));
	return [title, ...rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`)].join("\n");
}

/** `--help` of one command: usage, description, its flags, then the common ones. */
export function commandHelp(command: Command<InputSpecs>): string {
	const own = Object.keys(command.flags).length > 0 ? `\n${flagSection("Options", command.flags)}\n` : "";
	const description = command.description.split("\n").join("\n  ");
	return `Usage\n  ${command.usage}\n\n  ${description}\n${own}\n${flagSection("Options for every command", COMMON_FLAGS)}`;
}
