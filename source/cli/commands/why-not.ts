import { formatLocation } from "../../core/base/errors.js";
import { whyNotChoice } from "../../core/plan/why.js";
import { defineCommand } from "../command.js";
import { styles } from "../output.js";

export default defineCommand({
	usage: "hpm why-not GROUP=OPTION [options]",
	description:
		"What choosing GROUP=OPTION would break with the rest of the project's choice: each registry rule (requires, conflicts, max) with the line that states it. Exit 1 when something would.",
	args: ["GROUP=OPTION"],
	flags: {},
	run: async ({ locator, cwd, output, args }) => {
		const answer = await whyNotChoice(locator, cwd, args[0] ?? "");
		if (output.json) {
			output.data(answer);
			return answer.reasons.length > 0 ? 1 : 0;
		}
		const style = styles(output.color);
		const label = `${answer.group}=${answer.option}`;
		if (answer.reasons.length === 0) {
			output.out(
				`${label}: ${answer.chosen ? "already chosen" : "nothing in the registry's rules forbids it"}${style.dim("; `hpm check` asks uv whether it resolves")}`,
			);
			return 0;
		}
		output.out(`${label} cannot be chosen with the rest of the choice:`);
		for (const { reason, location } of answer.reasons)
			output.out(`  ${reason}  ${style.dim(formatLocation(location) ?? "")}`);
		return 1;
	},
});
