#!/usr/bin/env node
import nodeModule from "node:module";
import { type Command, COMMON_FLAGS, commandHelp, flagSection, VERSION_FLAG } from "./command.js";
import type { InputSpecs } from "../core/base/inputs.js";
import { COMMANDS } from "./commands/index.js";
import { HpmError } from "../core/base/errors.js";
import type { LockHooks } from "../core/project/lock.js";
import { HPM_VERSION } from "../core/base/version.js";
import { parseFlags } from "./flags.js";
import { createOutput, type Output, reportError } from "./output.js";
import { isInteractive } from "./interactive.js";
import { children, route } from "./route.js";
import { installSignalHandlers, reportInterruptWith } from "./signals.js";
import { isTerminal, outputBroken, outputIdle, write } from "./stdio.js";

// Node 22.1+ keeps compiled code of the command chunks between runs; Node 20 has no such cache.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

function mainHelp(): string {
	const entries = Object.values(COMMANDS);
	const width = Math.max(...entries.map((c) => c.synopsis.length));
	const commands = entries.map((c) => `    ${c.synopsis.padEnd(width)}  ${c.summary}`).join("\n");
	return `hpm - compose Python projects from interchangeable components, on top of uv

  Usage
    hpm <command> [options]

  Commands
${commands}

  Run \`hpm help <command>\` (or \`hpm <command> --help\`) for a command's options.

${flagSection("Options for every command (before or after the command)", { ...COMMON_FLAGS, version: VERSION_FLAG })}

  Exit codes: 0 ok, 1 a check found a problem, uv failed or you cancelled, 2 usage or input error,
  130 / 143 interrupted (Ctrl-C / SIGTERM).`;
}

async function main(argv: readonly string[]): Promise<number> {
	// before anything prints, and before Ink loads: --no-color is NO_COLOR for the whole run
	const flagsEnd = argv.indexOf("--");
	const flagArgs = flagsEnd === -1 ? argv : argv.slice(0, flagsEnd);
	if (flagArgs.includes("--no-color")) process.env.NO_COLOR = "1";
	// NO_COLOR wins over FORCE_COLOR everywhere; Ink's colours (chalk) follow FORCE_COLOR only
	if (process.env.NO_COLOR) process.env.FORCE_COLOR = "0";
	const output = createOutput(flagArgs.includes("--json"));
	// a signal before or between operations (a registry fetch, a read) is said like any interruption
	reportInterruptWith((code) => reportError(output, new HpmError("interrupted", "interrupted", { exitCode: code })));
	try {
		return await dispatch(argv, output);
	} catch (error) {
		if (error instanceof HpmError) {
			reportError(output, error);
			return error.exitCode;
		}
		const internal = new HpmError(
			"internal",
			`unexpected error: ${error instanceof Error ? error.message : String(error)}`,
			{
				hint: "this is a bug in hpm; please report it with the command you ran (set HPM_DEBUG=1 for details)",
			},
		);
		reportError(output, internal);
		if (process.env.HPM_DEBUG) write(2, `${error instanceof Error ? error.stack : String(error)}\n`);
		return 2;
	}
}

/** A command's help: text, or with --json its usage, description and every flag. */
/**
 * Where git's progress goes while a registry is fetched: a terminal's stderr, each update over the
 * last (a finished step keeps its line); nowhere for a pipe or --json.
 */
function fetchProgress(json: boolean): ((line: string) => void) | undefined {
	if (json || !isTerminal(2)) return undefined;
	return (line) => {
		// asked only when a fetch reports: the terminal's width needs Node's terminal stream
		const width = Math.max(20, (process.stderr.columns || 80) - 1);
		const text = `hpm: ${line}`.slice(0, width);
		const finished = !/\d+%/.test(line) || /done\.?$/.test(line);
		write(2, `\r\x1b[K${text}${finished ? "\n" : ""}`);
	};
}

function printHelp(output: Output, command: Command<InputSpecs>): void {
	if (!output.json) {
		output.out(commandHelp(command));
		return;
	}
	const specs: InputSpecs = { ...command.flags, ...COMMON_FLAGS };
	const flags = Object.entries(specs).map(([name, spec]) => ({
		name: `--${name}`,
		...(spec.short ? { short: `-${spec.short}` } : {}),
		...(spec.value ? { value: spec.value } : {}),
		help: spec.help,
	}));
	output.data({ usage: command.usage, description: command.description, flags });
}

/** `hpm group --help`: the commands under a group's words, with what each does. */
function groupHelp(prefix: string, names: readonly string[]): string {
	const entries = children(prefix, names).flatMap((name) => {
		const entry = COMMANDS[name];
		return entry ? [entry] : [];
	});
	const width = Math.max(...entries.map((c) => c.synopsis.length));
	const lines = entries.map((c) => `    ${c.synopsis.padEnd(width)}  ${c.summary}`).join("\n");
	return `Usage\n  hpm ${prefix} <command> [options]\n\n  Commands\n${lines}\n\n  Run \`hpm ${prefix} <command> --help\` for a command's options.`;
}

async function dispatch(argv: readonly string[], output: Output): Promise<number> {
	// what a shell's completion asks (`hpm completion SHELL` installs the asking): one word per
	// line, never an error while someone is typing
	if (argv[0] === "__complete") {
		try {
			const { completions } = await import("./complete.js");
			for (const word of await completions(argv.slice(1), process.cwd())) output.out(word);
		} catch {
			// nothing to offer
		}
		return 0;
	}
	const names = Object.keys(COMMANDS);
	const where = route(argv, names);
	switch (where.kind) {
		case "version":
			if (output.json) output.data({ version: HPM_VERSION });
			else output.out(HPM_VERSION);
			return 0;
		case "main-help":
			if (output.json) {
				if (where.exitCode !== 0)
					throw new HpmError("usage", "no command given", { hint: "`hpm help` lists every command" });
				output.data({
					commands: Object.entries(COMMANDS).map(([name, c]) => ({ name, synopsis: c.synopsis, summary: c.summary })),
				});
			} else output.out(mainHelp());
			return where.exitCode;
		case "group-help":
			if (output.json)
				output.data({
					commands: children(where.prefix, names).map((name) => ({ name, summary: COMMANDS[name]?.summary ?? "" })),
				});
			else output.out(groupHelp(where.prefix, names));
			return 0;
		case "help": {
			const entry = COMMANDS[where.name ?? ""];
			if (entry) printHelp(output, (await entry.load()).default);
			return 0;
		}
		case "command":
			break;
	}
	const name = where.name;
	const entry = COMMANDS[name];
	if (!entry) throw new HpmError("unknown-command", `unknown command "hpm ${name}"`);
	const command = (await entry.load()).default;
	// `--version` after the words is hpm's own, unless the command has a --version of its own
	const ownVersion = "version" in command.flags;
	const parsed = parseFlags(where.args, {
		...COMMON_FLAGS,
		...(ownVersion ? {} : { version: VERSION_FLAG }),
		...command.flags,
	});
	const flags = parsed.values;
	if (flags.help) {
		printHelp(output, command);
		return 0;
	}
	if (!ownVersion && (parsed.values as { version?: boolean }).version === true) {
		if (output.json) output.data({ version: HPM_VERSION });
		else output.out(HPM_VERSION);
		return 0;
	}
	const optional = command.optionalArgs ?? [];
	const count = parsed.positionals.length;
	if (count < command.args.length || (count > command.args.length + optional.length && !command.extraArgs)) {
		const names = [...command.args, ...optional.map((a) => `[${a}]`)];
		const expected = names.length === 0 ? "no arguments" : names.join(" ");
		const got = parsed.positionals.length ? parsed.positionals.map((a) => JSON.stringify(a)).join(" ") : "none";
		throw new HpmError("usage", `hpm ${name} takes ${expected}, got ${got}`, {
			hint: `usage: ${command.usage}`,
		});
	}
	const registries: readonly string[] = typeof flags.registry === "string" ? [flags.registry] : (flags.registry ?? []);
	for (const [name, value] of [
		...registries.map((r) => ["registry", r] as const),
		["project", flags.project],
	] as const) {
		if (value === "") throw new HpmError("usage", `--${name} needs a folder, got an empty value`);
	}
	const locator = {
		registry: registries.length === 0 ? undefined : registries,
		project: flags.project,
		progress: fetchProgress(output.json),
		// once per run: the registry's layers are resolved once
		warn: (message: string) => output.err(`warning: ${message}`),
	};
	const cwd = process.cwd();
	const hooks: LockHooks = {
		onWait: (owner) => output.err(`waiting for another hpm to finish (pid ${owner.pid}: hpm ${owner.command})...`),
		onRecovered: (message) => output.err(`hpm: ${message}`),
		onNotice: (message) => output.err(`hpm: ${message}`),
	};
	// A change a killed hpm left unfinished is undone by the next command that writes (inside the
	// core, under the lock); the others only say so.
	if (!command.writes) {
		const notice = await (await import("../core/plan/context.js")).unfinishedChange(locator, cwd);
		if (notice) output.err(`hpm: ${notice}`);
	}
	// Interactive or not is decided once, here: a prompter exists only when a person can answer.
	const prompter = isInteractive(flags.json) ? (await import("./ui.js")).inkPrompter() : undefined;
	return command.run({ locator, cwd, output, args: parsed.positionals, flags, prompter, hooks });
}

installSignalHandlers();
// no top-level await: the bundle is CommonJS, for V8's code cache (source/launcher.ts)
void main(process.argv.slice(2)).then((code) => {
	// like `git log | head`: a reader that went away early makes a successful run exit 141 (SIGPIPE)
	process.exitCode = code === 0 && outputBroken() ? 141 : code;
	// Everything is done and said: exit now instead of waiting for Node to take the heap down
	// (a few ms per command). Output still on its way in Node's streams (a pipe is written
	// asynchronously on macOS) is waited for as usual.
	if (outputIdle()) process.exit();
});
