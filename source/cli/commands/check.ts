import { HpmError } from "../../core/base/errors.js";
import { defineCommand, MODE_FLAG } from "../command.js";
import { runReported } from "../operation.js";
import { problemJson } from "../output.js";

export default defineCommand({
	usage: "hpm check [--mode MODE] [--strict] [--combination C | --matrix [--all|--pairwise]] [options]",
	description:
		"Static validation, then a real resolution by uv in a scratch copy. Changes nothing in the project.\nExit 1 when a problem is found.\n--matrix checks combinations of the registry's choices instead of the project's one (a pairwise-covering set by default, every allowed one with --all), in parallel, and prints which choices conflict; --combination checks exactly one (as --matrix --format github lists them, for a CI matrix).",
	args: [],
	flags: {
		mode: MODE_FLAG,
		strict: {
			type: "boolean",
			help: "warnings are problems: a 1-of-N group without a choice, a broken registry file nobody chose",
		},
		combination: {
			type: "string",
			value: "C",
			help: 'check exactly this choice instead of the project\'s: "inference=a,metrics=b+c"',
		},
		matrix: { type: "boolean", help: "check combinations of the registry's choices" },
		all: { type: "boolean", help: "with --matrix: every combination the rules allow (capped at 512)" },
		pairwise: { type: "boolean", help: "with --matrix: a set covering every pair of choices (the default)" },
		jobs: { type: "string", value: "N", help: "with --matrix: resolutions at once (default: one per core, at most 8)" },
		"print-rules": {
			type: "boolean",
			help: "with --matrix: print the conflicts it proved as registry rules (conflicts: lines), for a review",
		},
		"write-rules": {
			type: "boolean",
			help: "with --matrix: write the conflicts it proved into the group files as conflicts: rules, the reason as a comment",
		},
		format: {
			type: "string",
			value: "F",
			help: "with --matrix: table (default), github or gitlab (the combination list as a CI matrix, nothing resolved)",
		},
		run: {
			type: "string",
			value: "CMD",
			help: "with --matrix --format gitlab: a child pipeline whose jobs each sync one combination, then run CMD",
		},
	},
	run: async (input) => {
		const { output, flags } = input;
		const matrixOnly = (["all", "pairwise", "jobs", "format", "run", "print-rules", "write-rules"] as const).filter(
			(f) => flags[f] !== undefined && flags[f] !== false,
		);
		if (!flags.matrix && matrixOnly.length > 0)
			throw new HpmError("usage", `--${matrixOnly[0]} goes with --matrix`, { hint: "hpm check --matrix --help" });
		if (flags.matrix) {
			if (flags.combination !== undefined) throw new HpmError("usage", "give --matrix or --combination, not both");
			const { runMatrixCommand } = await import("../matrix-report.js");
			return runMatrixCommand(input, {
				all: flags.all === true,
				pairwise: flags.pairwise === true,
				jobs: flags.jobs,
				format: flags.format,
				mode: flags.mode,
				run: flags.run,
				rules: flags["write-rules"] ? "write" : flags["print-rules"] ? "print" : undefined,
			});
		}
		const result = await runReported(
			{ kind: "check", mode: flags.mode, strict: flags.strict, combination: flags.combination },
			input,
		);
		if (output.json) {
			output.data({
				ok: result.ok,
				problems: result.problems.map(problemJson),
				resolved: result.resolved,
				...(result.warnings.length > 0 ? { warnings: result.warnings.map(problemJson) } : {}),
			});
		} else {
			output.out(result.summary);
		}
		return result.ok ? 0 : 1;
	},
});
