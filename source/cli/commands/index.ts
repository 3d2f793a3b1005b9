import type { InputSpecs } from "../../core/base/inputs.js";
import type { Command } from "../command.js";

type CommandEntry = {
	/** The line `hpm --help` shows: the command with its main arguments. */
	readonly synopsis: string;
	readonly summary: string;
	/** Each command's module loads only when it runs, so start-up pays for one. */
	readonly load: () => Promise<{ readonly default: Command<InputSpecs> }>;
};

/** Every command by its words, in the order `hpm --help` lists them. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
	init: {
		synopsis: "init [--registry DIR]",
		summary: "make this folder an hpm project (and an empty registry)",
		load: () => import("./init.js"),
	},
	list: {
		synopsis: "list",
		summary: "groups, their options and the project's selection",
		load: () => import("./list.js"),
	},
	show: { synopsis: "show NAME", summary: "one group or package", load: () => import("./show.js") },
	search: { synopsis: "search QUERY", summary: "search names and descriptions", load: () => import("./search.js") },
	why: {
		synopsis: "why PACKAGE",
		summary: "why a package is in the environment (the chain from a choice)",
		load: () => import("./why.js"),
	},
	"why-not": {
		synopsis: "why-not GROUP=OPTION",
		summary: "what choosing it would break",
		load: () => import("./why-not.js"),
	},
	graph: {
		synopsis: "graph [--format F]",
		summary: "interfaces, implementations, groups, rules and the choice",
		load: () => import("./graph.js"),
	},
	"group add": {
		synopsis: "group add GROUP --option NAME [--option NAME]...",
		summary: "choose options in a group",
		load: () => import("./group-add.js"),
	},
	"group remove": {
		synopsis: "group remove GROUP [--option NAME]",
		summary: "drop a choice",
		load: () => import("./group-remove.js"),
	},
	mode: {
		synopsis: "mode [MODE]",
		summary: "show or record the project's mode (prod, dev, ...)",
		load: () => import("./mode.js"),
	},
	check: {
		synopsis: "check [--mode MODE]",
		summary: "prove the selection resolves, changing nothing",
		load: () => import("./check.js"),
	},
	test: {
		synopsis: "test [--all | --combination C] -- CMD...",
		summary: "run a command in every combination's own environment",
		load: () => import("./test.js"),
	},
	sync: {
		synopsis: "sync [--mode MODE] [--dry-run]",
		summary: "apply the selection through uv",
		load: () => import("./sync.js"),
	},
	export: {
		synopsis: "export [--combination C] [--format F] [-o FILE]",
		summary: "requirements.txt or pylock.toml of one combination, for an image",
		load: () => import("./export.js"),
	},
	install: {
		synopsis: "install --manifest FILE [--mode MODE]",
		summary: "install one package from its manifest",
		load: () => import("./install.js"),
	},
	history: {
		synopsis: "history",
		summary: "what each change did, newest first, to roll back to",
		load: () => import("./history.js"),
	},
	diff: { synopsis: "diff [N]", summary: "what rolling back to entry N would change", load: () => import("./diff.js") },
	rollback: {
		synopsis: "rollback [N]",
		summary: "bring back pyproject.toml and uv.lock as entry N had them, and sync",
		load: () => import("./rollback.js"),
	},
	report: {
		synopsis: "report [-o FILE] [--from FILE]",
		summary: "one HTML file: the component graph and which choices go together",
		load: () => import("./report.js"),
	},
	ui: { synopsis: "ui", summary: "the full-screen interactive UI", load: () => import("./ui.js") },
	"registry add": {
		synopsis: "registry add [flags]",
		summary: "add a package manifest to the registry",
		load: () => import("./registry-add.js"),
	},
	"registry group add": {
		synopsis: "registry group add NAME --strategy S",
		summary: "create a group of interchangeable options",
		load: () => import("./registry-group-add.js"),
	},
	"registry update": {
		synopsis: "registry update [--dry-run]",
		summary: "move the pin of a git registry to its newest commit",
		load: () => import("./registry-update.js"),
	},
	"registry lint": {
		synopsis: "registry lint",
		summary: "every problem in the registry, one per line",
		load: () => import("./registry-lint.js"),
	},
	detect: {
		synopsis: "detect",
		summary: "what this machine has (CUDA, ROCm, Apple silicon) and what each auto group would take",
		load: () => import("./detect.js"),
	},
	verify: {
		synopsis: "verify",
		summary: "run the chosen options' checks in the project's environment",
		load: () => import("./verify.js"),
	},
	"ci init": {
		synopsis: "ci init github|gitlab [--run CMD]",
		summary: "a CI pipeline: lint, check the combinations, test each",
		load: () => import("./ci-init.js"),
	},
	completion: {
		synopsis: "completion bash|zsh|fish",
		summary: "a shell completion script",
		load: () => import("./completion.js"),
	},
	run: {
		synopsis: "run -- COMMAND [ARGS]...",
		summary: "run a command in the environment, keeping this machine's options",
		load: () => import("./run.js"),
	},
};
