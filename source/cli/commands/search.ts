import { leftOutWarning } from "../../core/plan/context.js";
import { openSelection } from "../../core/plan/open-selection.js";
import { search } from "../../core/plan/search.js";
import { defineCommand } from "../command.js";
import { styles, table } from "../output.js";

export default defineCommand({
	usage: "hpm search QUERY [options]",
	description: "Ranked: exact name, then name prefix, then substring, then description.",
	args: ["QUERY"],
	flags: {},
	run: async ({ locator, cwd, output, args }) => {
		const query = args[0] ?? "";
		const { registry, registryProblems: problems } = await openSelection({ locator, cwd }, { project: "optional" });
		const warning = leftOutWarning(problems);
		if (warning && !output.json) output.err(`warning: ${warning}`);
		const results = search(registry, query);
		if (output.json) {
			output.data({ results: results.map(({ kind, name, description }) => ({ kind, name, description })) });
			return 0;
		}
		if (results.length === 0) {
			output.err(`no group or package matches "${query}"`);
			return 0;
		}
		const style = styles(output.color);
		for (const line of table(results.map((r) => [r.name, style.dim(r.kind), r.description]))) output.out(line);
		return 0;
	},
});
