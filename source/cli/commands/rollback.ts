import { defineCommand } from "../command.js";
import { runReported } from "../operation.js";
import { entryId } from "./diff.js";

export default defineCommand({
	usage: "hpm rollback [N] [options]",
	description:
		"Brings back pyproject.toml and uv.lock as history entry N had them (without N, the newest: the state before the last change), then syncs the environment.\nOne transaction, like sync: if uv fails or you press Ctrl-C, the files are restored. The rollback itself is recorded, so `hpm rollback` again undoes it.",
	writes: true,
	args: [],
	optionalArgs: ["N"],
	flags: {},
	run: async (input) => {
		const { output, args } = input;
		const result = await runReported({ kind: "rollback", id: entryId(args[0]) }, input, { plan: false });
		if (output.json) output.data({ entry: result.entry, changed: result.changed, relocked: result.relocked });
		else output.out(result.summary);
		return 0;
	},
});
