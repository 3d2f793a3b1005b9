import { defineCommand, MODE_FLAG } from "../command.js";
import { runReported } from "../operation.js";

export default defineCommand({
	usage: "hpm sync [--mode MODE] [--dry-run] [options]",
	description:
		"Prints the plan (+ add, - remove, ~ switch source), then applies it with one uv add and at most one uv remove.\nIf uv fails or you press Ctrl-C, pyproject.toml and uv.lock are restored byte for byte.",
	writes: true,
	args: [],
	flags: {
		mode: MODE_FLAG,
		"dry-run": { type: "boolean", help: "print the plan and change nothing" },
	},
	run: async (input) => {
		const { output, flags } = input;
		const result = await runReported({ kind: "sync", mode: flags.mode, dryRun: flags["dry-run"] }, input);
		const { plan } = result;
		if (output.json) {
			const names = (entries: readonly { readonly name: string }[]) => entries.map((e) => e.name);
			output.data({
				plan: {
					add: names(plan.add),
					remove: names(plan.remove),
					switch: names(plan.switch),
					unchanged: names(plan.unchanged),
				},
				changed: result.changed,
				dryRun: result.dryRun,
				mode: plan.mode,
			});
		} else {
			output.out(result.summary);
		}
		return 0;
	},
});
