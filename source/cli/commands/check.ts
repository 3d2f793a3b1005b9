import { defineCommand, MODE_FLAG } from "../command.js";
import { runReported } from "../operation.js";
import { problemJson } from "../output.js";

export default defineCommand({
	usage: "hpm check [--mode MODE] [--strict] [options]",
	description:
		"Static validation, then a real resolution by uv in a scratch copy. Changes nothing in the project.\nExit 1 when a problem is found.",
	args: [],
	flags: {
		mode: MODE_FLAG,
		strict: {
			type: "boolean",
			help: "warnings are problems: a 1-of-N group without a choice, a broken registry file nobody chose",
		},
	},
	run: async (input) => {
		const { output, flags } = input;
		const result = await runReported({ kind: "check", mode: flags.mode, strict: flags.strict }, input);
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
