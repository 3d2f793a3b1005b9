import { HpmError } from "../../core/base/errors.js";
import { defineCommand } from "../command.js";

export default defineCommand({
	usage: "hpm ui [options]",
	description: "The full-screen interactive UI: browse the registry, choose options, check and sync, add packages.",
	args: [],
	flags: {
		"no-mouse": { type: "boolean", help: "leave the mouse to the terminal (select and copy text as usual)" },
	},
	run: async ({ locator, cwd, prompter, flags }) => {
		if (!prompter) {
			throw new HpmError(
				"not-a-terminal",
				"hpm ui needs an interactive terminal (stdin and stdout a TTY, not CI, not --json)",
				{
					hint: "in scripts use `hpm list`, `hpm group add GROUP --option NAME` and `hpm sync`",
				},
			);
		}
		// a project that cannot be read is an error here, as in every other command, not a screen
		(await import("../../core/plan/context.js")).resolveContext(locator, cwd);
		const { openUi } = await import("../ui.js");
		return openUi(locator, cwd, { mouse: !flags["no-mouse"] });
	},
});
