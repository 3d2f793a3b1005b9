#!/usr/bin/env node
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { type FlagSpecs, parseFlags } from "./flags.js";
import type { CommonFlags, resolveContext } from "../core/context.js";
import { createOutput, type Output, reportError } from "./output.js";
import { installSignalHandlers, onInterrupt } from "./signals.js";
import { HpmError } from "../core/errors.js";
import { HPM_VERSION } from "../core/version.js";

const COMMON = `
Options for every command
  -r, --registry DIR   the registry (default: registry/ beside pyproject.toml)
  -p, --project DIR    the project (default: the nearest pyproject.toml upward)
      --json           machine-readable output on stdout (schemas: README)
  -h, --help           this help`;

const commonFlags = {
	registry: { type: "string", short: "r" },
	project: { type: "string", short: "p" },
	json: { type: "boolean" },
	help: { type: "boolean", short: "h" },
} satisfies FlagSpecs;

const MAIN_HELP = `
  hpm — compose Python projects from interchangeable components, on top of uv

  Usage
    hpm <command> [options]

  Commands
    list                      groups, their options and the project's selection
    show NAME                 one group or package
    search QUERY              search names and descriptions
    group add GROUP --option NAME...    choose options in a group
    group remove GROUP [--option NAME]  drop a choice
    check [--mode M]          prove the selection resolves, changing nothing
    sync [--mode M] [--dry-run]         apply the selection through uv
    install --manifest FILE [--mode M]  install one package from its manifest
    ui                        the full-screen interactive UI
    registry add [flags]      add a package manifest to the registry
    registry lint             every problem in the registry, one per line

  Run \`hpm <command> --help\` for a command's options.
${COMMON}
  Exit codes: 0 ok, 1 a check found a problem or uv failed, 2 usage or input error.
`;

type Command = {
	/** Read-modify-write commands hold the project lock from before reading to after writing. */
	readonly locks?: true;
	readonly usage: string;
	readonly flags: FlagSpecs;
	readonly args: readonly string[];
	readonly run: (input: {
		context: ReturnType<typeof resolveContext>;
		output: Output;
		args: string[];
		flags: Record<string, unknown>;
	}) => Promise<number> | number;
};

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const strs = (value: unknown): string[] =>
	Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

const COMMANDS: Record<string, Command> = {
	list: {
		usage: "hpm list [options]\n\n  Groups (strategy, options, selection, sync state) and packages in no group.",
		flags: {},
		args: [],
		run: async ({ context, output }) => (await import("./commands/list.js")).runList(context, output),
	},
	show: {
		usage:
			"hpm show NAME [options]\n\n  One group or package: manifest, sources per mode, groups offering it, selected?, locked version.",
		flags: {},
		args: ["NAME"],
		run: async ({ context, output, args }) =>
			(await import("./commands/show.js")).runShow(context, output, args[0] ?? ""),
	},
	search: {
		usage: "hpm search QUERY [options]\n\n  Ranked: exact name, then name prefix, then substring, then description.",
		flags: {},
		args: ["QUERY"],
		run: async ({ context, output, args }) =>
			(await import("./commands/search.js")).runSearch(context, output, args[0] ?? ""),
	},
	"group add": {
		locks: true,
		usage:
			"hpm group add GROUP --option NAME [--option NAME]... [options]\n\n  1-of-N: exactly one --option, replacing the old choice. M-of-N: adds each --option.",
		flags: { option: { type: "string", short: "o", multiple: true } },
		args: ["GROUP"],
		run: async ({ context, output, args, flags }) =>
			(await import("./commands/group.js")).runGroupAdd(context, output, args[0] ?? "", strs(flags.option)),
	},
	"group remove": {
		locks: true,
		usage:
			"hpm group remove GROUP [--option NAME] [options]\n\n  Without --option the group's whole choice is dropped.",
		flags: { option: { type: "string", short: "o" } },
		args: ["GROUP"],
		run: async ({ context, output, args, flags }) =>
			(await import("./commands/group.js")).runGroupRemove(context, output, args[0] ?? "", str(flags.option)),
	},
	"registry add": {
		locks: true,
		usage: `hpm registry add [flags] [options]

  Writes registry/packages/<name>.yaml. For a local path, name and version are read from
  the package's pyproject.toml when not given.

  --name NAME            package name (PEP 508)
  --type local|git       inferred from --path / --url when omitted
  --path DIR             local source: the folder holding the package
  --url URL              git source, with at most one of --tag, --branch, --rev
  --subdirectory DIR     git source: the package's folder inside the repository
  --version VERSION      the package version
  --mode MODE            which mode this source serves (default: prod)
  --editable             install a local source in editable mode
  --description TEXT     one line for list and search
  --group GROUP          also add it as an option of this group
  --force                overwrite an existing manifest`,
		flags: {
			name: { type: "string" },
			type: { type: "string" },
			path: { type: "string" },
			url: { type: "string" },
			tag: { type: "string" },
			branch: { type: "string" },
			rev: { type: "string" },
			subdirectory: { type: "string" },
			version: { type: "string" },
			mode: { type: "string" },
			editable: { type: "boolean" },
			description: { type: "string" },
			group: { type: "string" },
			force: { type: "boolean" },
		},
		args: [],
		run: async ({ context, output, flags }) =>
			(await import("./commands/registry-add.js")).runRegistryAdd(context, output, {
				name: str(flags.name),
				type: str(flags.type),
				path: str(flags.path),
				url: str(flags.url),
				tag: str(flags.tag),
				branch: str(flags.branch),
				rev: str(flags.rev),
				subdirectory: str(flags.subdirectory),
				version: str(flags.version),
				mode: str(flags.mode),
				editable: flags.editable === true,
				description: str(flags.description),
				group: str(flags.group),
				force: flags.force === true,
			}),
	},
	check: {
		usage:
			"hpm check [--mode M] [options]\n\n  Static validation, then a real resolution by uv in a scratch copy. Changes nothing in the project.\n  Exit 1 when a problem is found.",
		flags: { mode: { type: "string", short: "m" } },
		args: [],
		run: async ({ context, output, flags }) =>
			(await import("./commands/uv-commands.js")).runCheck(context, output, str(flags.mode)),
	},
	sync: {
		locks: true,
		usage:
			"hpm sync [--mode M] [--dry-run] [options]\n\n  Prints the plan (+ add, - remove, ~ switch source), then applies it with one uv add and at most one uv remove.\n  If uv fails or you press Ctrl-C, pyproject.toml and uv.lock are restored byte for byte.",
		flags: { mode: { type: "string", short: "m" }, "dry-run": { type: "boolean" } },
		args: [],
		run: async ({ context, output, flags }) =>
			(await import("./commands/uv-commands.js")).runSync(context, output, str(flags.mode), flags["dry-run"] === true),
	},
	install: {
		locks: true,
		usage:
			"hpm install --manifest FILE [--mode M] [options]\n\n  Installs the package one manifest describes (no registry needed), as your own dependency.",
		flags: { manifest: { type: "string" }, mode: { type: "string", short: "m" } },
		args: [],
		run: async ({ context, output, flags }) =>
			(await import("./commands/uv-commands.js")).runInstall(context, output, str(flags.manifest), str(flags.mode)),
	},
	ui: {
		usage:
			"hpm ui [options]\n\n  The full-screen interactive UI: browse the registry, choose options, check and sync, add packages.",
		flags: {},
		args: [],
		run: async ({ output, flags }) => {
			const { isInteractive } = await import("./interactive.js");
			if (!isInteractive(output.json)) {
				throw new HpmError(
					"not-a-terminal",
					"hpm ui needs an interactive terminal (stdin and stdout a TTY, not CI, not --json)",
					{
						hint: "in scripts use `hpm list`, `hpm group add GROUP --option NAME` and `hpm sync`",
					},
				);
			}
			const { runUi } = await import("../../screens/run-ui.js");
			return runUi({ registry: str(flags.registry), project: str(flags.project), json: false }, process.cwd());
		},
	},
	"registry lint": {
		usage:
			"hpm registry lint [options]\n\n  Every problem in the registry at once, one line each as file:line:col: message. Exit 1 if any.",
		flags: {},
		args: [],
		run: async ({ context, output }) => (await import("./commands/registry-lint.js")).runRegistryLint(context, output),
	},
};

const PARENTS: Record<string, readonly string[]> = {
	group: ["add", "remove"],
	registry: ["add", "lint"],
};

async function main(argv: readonly string[]): Promise<number> {
	const json = argv.includes("--json");
	const output = createOutput(json);
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

async function dispatch(argv: readonly string[], output: Output): Promise<number> {
	// Commands come first, as in git and uv: `hpm group add inference --option x`.
	const first = argv[0]?.startsWith("-") ? undefined : argv[0];
	if (first === undefined) {
		if (argv.includes("--version") || argv.includes("-v")) {
			output.out(await version());
			return 0;
		}
		output.out(MAIN_HELP.trim());
		return argv.length === 0 || argv.includes("--help") || argv.includes("-h") ? 0 : 2;
	}
	let name = first;
	const children = PARENTS[first];
	if (children) {
		const second = argv[1]?.startsWith("-") ? undefined : argv[1];
		if (second === undefined || !children.includes(second)) {
			throw new HpmError(
				"unknown-command",
				second === undefined ? `hpm ${first} needs a subcommand` : `unknown command "hpm ${first} ${second}"`,
				{
					hint: `use one of: ${children.map((c) => `hpm ${first} ${c}`).join(", ")}`,
				},
			);
		}
		name = `${first} ${second}`;
	}
	const command = COMMANDS[name];
	if (!command) {
		throw new HpmError("unknown-command", `unknown command "${first}"`, {
			hint: `commands: ${Object.keys(COMMANDS).join(", ")}`,
		});
	}
	const rest = argv.slice(name.split(" ").length);
	// Loaded only once a command is known: `hpm --version` and `hpm --help` need none of it.
	const { resolveContext } = await import("../core/context.js");
	const parsed = parseFlags(rest, { ...commonFlags, ...command.flags });
	const cli = { flags: parsed.values, input: parsed.positionals };
	if (cli.flags.help === true) {
		output.out(`Usage\n  ${command.usage}\n${COMMON}`);
		return 0;
	}
	if (cli.input.length !== command.args.length) {
		const expected = command.args.length === 0 ? "no arguments" : command.args.join(" ");
		throw new HpmError(
			"usage",
			`hpm ${name} takes ${expected}, got ${cli.input.length ? cli.input.map((a) => JSON.stringify(a)).join(" ") : "none"}`,
			{
				hint: `usage: ${command.usage.split("\n")[0]}`,
			},
		);
	}
	const common: CommonFlags = {
		registry: str(cli.flags.registry),
		project: str(cli.flags.project),
		json: cli.flags.json === true,
	};
	const lock = await lockAndRecover(common, name, command.locks === true, output);
	const unregister = lock ? onInterrupt(() => lock.release()) : undefined;
	try {
		const context = resolveContext(common);
		return await command.run({ context, output, args: cli.input, flags: cli.flags });
	} finally {
		unregister?.();
		lock?.release();
	}
}

/**
 * Takes the project lock for commands that write, and for any command finishes what a killed
 * hpm left behind (its journal), saying so. Read-only commands without a journal touch nothing.
 */
async function lockAndRecover(common: CommonFlags, name: string, locks: boolean, output: Output) {
	const { locateProject } = await import("../core/project/project.js");
	const file = locateProject(common.project, process.cwd());
	if (file === undefined) return undefined;
	const root = dirname(file);
	const { journalPath, recoverJournal } = await import("../core/project/journal.js");
	if (!locks && !existsSync(journalPath(root))) return undefined;
	const { lockProject } = await import("../core/project/lock.js");
	const lock = await lockProject(root, name, {
		onWait: (owner) => output.err(`waiting for another hpm to finish (pid ${owner.pid}: hpm ${owner.command})…`),
	});
	try {
		const recovered = recoverJournal(root);
		if (recovered) output.err(`hpm: ${recovered}`);
	} catch (error) {
		lock.release();
		throw error;
	}
	if (locks) return lock;
	lock.release();
	return undefined;
}

/** Compiled in by scripts/build.mjs, so `hpm --version` reads nothing. */
async function version(): Promise<string> {
	return HPM_VERSION;
}

installSignalHandlers();
process.exitCode = await main(process.argv.slice(2));
