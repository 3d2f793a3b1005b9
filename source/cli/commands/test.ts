import { HpmError } from "../../core/base/errors.js";
import { defineCommand, MODE_FLAG } from "../command.js";

export default defineCommand({
	usage: 'hpm test [--all | --combination "g=a,h=b+c"]... [--jobs N] [--mode MODE] -- CMD [ARGS...]',
	description:
		"Runs CMD in every chosen combination of the registry's choices (a pairwise-covering set by default, every allowed one with --all, or the ones given with --combination), in the project root, each in its own environment under hpm's cache with the project installed editable from the working tree. The project's .venv, pyproject.toml and uv.lock are never touched. Environments are reused while their lock is unchanged; a combination's result is reused while nothing changed (its environment, the command, its variables, the working tree: git's HEAD and every changed or untracked file), --rerun or HPM_NO_CACHE=1 runs it again. Each combination's output goes to a log file (the folder is printed).\nExit 1 when a combination failed or did not resolve.",
	args: [],
	extraArgs: true,
	flags: {
		mode: MODE_FLAG,
		all: { type: "boolean", help: "every combination the rules allow (capped at 512)" },
		pairwise: { type: "boolean", help: "a set covering every pair of choices (the default)" },
		combination: {
			type: "string",
			multiple: true,
			value: "C",
			help: 'exactly this combination: "inference=a,metrics=b+c" (repeatable)',
		},
		jobs: { type: "string", value: "N", help: "combinations at once (default: one per core, at most 8)" },
		rerun: { type: "boolean", help: "run the command even where a result with nothing changed is kept" },
		"print-rules": {
			type: "boolean",
			help: "print the conflicts uv proved as registry rules (conflicts: lines), for a review",
		},
		"write-rules": {
			type: "boolean",
			help: "write the conflicts uv proved into the group files as conflicts: rules, the reason as a comment",
		},
	},
	run: async (input) => {
		const { flags, args } = input;
		// the command is what follows `--`, word for word: a word before it is a mistake, not a command
		const dash = process.argv.indexOf("--");
		const after = dash === -1 ? [] : process.argv.slice(dash + 1);
		if (args.length === 0 || after.length !== args.length || after.some((word, i) => word !== args[i]))
			throw new HpmError(
				"usage",
				args.length === 0 || dash === -1
					? "hpm test needs a command to run, after --"
					: `hpm test takes no words before --, got ${JSON.stringify(args[0])}`,
				{ hint: 'for example: hpm test -- python -c "import vlm_interface"' },
			);
		const given = flags.combination ?? [];
		if (given.length > 0 && (flags.all || flags.pairwise))
			throw new HpmError("usage", "give --combination or --all/--pairwise, not both");
		if (flags.all && flags.pairwise) throw new HpmError("usage", "give --all or --pairwise, not both");
		const { runTestCommand } = await import("../test-report.js");
		return runTestCommand(input, {
			how: flags.all ? "all" : "pairwise",
			only: given.length > 0 ? given : undefined,
			jobs: flags.jobs,
			mode: flags.mode,
			command: args,
			rerun: flags.rerun === true,
			rules: flags["write-rules"] ? "write" : flags["print-rules"] ? "print" : undefined,
		});
	},
});
