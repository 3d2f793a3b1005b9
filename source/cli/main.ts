#!/usr/bin/env node
import nodeModule from "node:module";
import { COMMON_FLAGS, commandHelp, flagSection } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { HpmError } from "../core/errors.js";
import type { LockHooks } from "../core/project/lock.js";
import { HPM_VERSION } from "../core/version.js";
import { parseFlags } from "./flags.js";
import { createOutput, type Output, reportError } from "./output.js";
import { isInteractive } from "./interactive.js";
import { installSignalHandlers, outputBroken } from "./signals.js";

// Node 22.1+ keeps compiled code of the command chunks between runs; Node 20 has no such cache.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

function mainHelp(): string {
	const entries = Object.values(COMMANDS);
	const width = Math.max(...entries.map((c) => c.synopsis.length));
	const commands = entries.map((c) => `    ${c.synopsis.padEnd(width)}  ${c.summary}`).join("\n");
	return `hpm — compose Python projects from interchangeable components, on top of uv

  Usage
    hpm <command> [options]

  Commands
${commands}

  Run \`hpm <command> --help\` for a command's options.

${flagSection("Options for every command", COMMON_FLAGS)}

  Exit codes: 0 ok, 1 a check found a problem or uv failed, 2 usage or input error.`;
}

async function main(argv: readonly string[]): Promise<number> {
	const output = createOutput(argv.includes("--json"));
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
		if (process.env.HPM_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
		return 2;
	}
}

/** The command's words (`group add`), its declaration, and the arguments after the words. */
async function findCommand(argv: readonly string[]) {
	// the words that name a command are read one by one while they lead to one (`registry group add`)
	const names = Object.keys(COMMANDS);
	const words: string[] = [];
	for (const word of argv) {
		if (word.startsWith("-")) break;
		const next = [...words, word].join(" ");
		if (!names.some((name) => name === next || name.startsWith(`${next} `))) break;
		words.push(word);
		if (COMMANDS[next]) break;
	}
	const name = words.join(" ");
	const entry = COMMANDS[name];
	if (!entry) {
		if (words.length > 0) {
			const children = names.filter((n) => n.startsWith(`${name} `));
			const asked = argv[words.length];
			throw new HpmError(
				"unknown-command",
				asked === undefined || asked.startsWith("-")
					? `hpm ${name} needs a subcommand`
					: `unknown command "hpm ${name} ${asked}"`,
				{ hint: `use one of: ${children.map((c) => `hpm ${c}`).join(", ")}` },
			);
		}
		throw new HpmError("unknown-command", `unknown command "${argv[0] ?? ""}"`, {
			hint: `commands: ${names.join(", ")}`,
		});
	}
	return { name, command: (await entry.load()).default, rest: argv.slice(words.length) };
}

async function dispatch(argv: readonly string[], output: Output): Promise<number> {
	// Commands come first, as in git and uv: `hpm group add inference --option x`.
	if (argv[0] === undefined || argv[0].startsWith("-")) {
		if (argv.includes("--version") || argv.includes("-v")) {
			output.out(HPM_VERSION);
			return 0;
		}
		output.out(mainHelp());
		return argv.length === 0 || argv.includes("--help") || argv.includes("-h") ? 0 : 2;
	}
	const { name, command, rest } = await findCommand(argv);
	const parsed = parseFlags(rest, { ...COMMON_FLAGS, ...command.flags });
	const flags = parsed.values;
	if (flags.help) {
		output.out(commandHelp(command));
		return 0;
	}
	const optional = command.optionalArgs ?? [];
	const count = parsed.positionals.length;
	if (count < command.args.length || count > command.args.length + optional.length) {
		const names = [...command.args, ...optional.map((a) => `[${a}]`)];
		const expected = names.length === 0 ? "no arguments" : names.join(" ");
		const got = parsed.positionals.length ? parsed.positionals.map((a) => JSON.stringify(a)).join(" ") : "none";
		throw new HpmError("usage", `hpm ${name} takes ${expected}, got ${got}`, {
			hint: `usage: ${command.usage}`,
		});
	}
	const locator = { registry: flags.registry, project: flags.project };
	const cwd = process.cwd();
	const hooks: LockHooks = {
		onWait: (owner) => output.err(`waiting for another hpm to finish (pid ${owner.pid}: hpm ${owner.command})…`),
		onRecovered: (message) => output.err(`hpm: ${message}`),
		onNotice: (message) => output.err(`hpm: ${message}`),
	};
	// A change a killed hpm left unfinished is undone by the next command that writes (inside the
	// core, under the lock); the others only say so.
	if (!command.writes) {
		const notice = await (await import("../core/context.js")).unfinishedChange(locator, cwd);
		if (notice) output.err(`hpm: ${notice}`);
	}
	// Interactive or not is decided once, here: a prompter exists only when a person can answer.
	const prompter = isInteractive(flags.json) ? (await import("./ui.js")).inkPrompter() : undefined;
	return command.run({ locator, cwd, output, args: parsed.positionals, flags, prompter, hooks });
}

installSignalHandlers();
const code = await main(process.argv.slice(2));
// like `git log | head`: a reader that went away early makes a successful run exit 141 (SIGPIPE)
process.exitCode = code === 0 && outputBroken() ? 141 : code;
