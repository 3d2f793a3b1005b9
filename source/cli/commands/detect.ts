import { detect } from "../../core/plan/detect.js";
import { defineCommand } from "../command.js";
import { styles } from "../output.js";

export default defineCommand({
	usage: "hpm detect [options]",
	description:
		"What hpm finds on this machine (the NVIDIA driver's CUDA version, ROCm, Apple silicon) and which option each `choose: auto` group would take, with why. Changes nothing.",
	args: [],
	flags: {},
	run: async ({ locator, cwd, output }) => {
		const found = await detect({ locator, cwd }, { env: process.env });
		if (output.json) {
			output.data(found);
			return 0;
		}
		const style = styles(output.color);
		output.out(`${style.bold("detected")} ${found.detected}`);
		for (const note of found.machine.notes) output.out(style.dim(`  ${note}`));
		for (const group of found.groups) {
			output.out(
				`\n${style.bold(group.group)} ${group.option === undefined ? style.red("(none)") : style.green(group.option)}`,
			);
			output.out(`  ${group.reason}`);
			for (const option of group.options)
				output.out(
					`  ${option.met ? style.green("yes") : style.dim("no ")} ${option.option}  ${style.dim(`needs ${option.needs}${option.why ? `: ${option.why}` : ""}`)}`,
				);
		}
		return 0;
	},
});
