import { defineCommand } from "../command.js";

export default defineCommand({
	usage: "hpm mode [MODE] [options]",
	description:
		"Shows the project's mode, or records a new one in [tool.hpm] mode (then run `hpm sync`).\nA mode picks each package's source: prod (e.g. git tags) or dev (e.g. editable local folders).",
	writes: true,
	args: [],
	optionalArgs: ["MODE"],
	flags: {},
	run: async ({ locator, cwd, output, args, hooks }) => {
		const { readMode, setMode } = await import("../../core/operations/mode.js");
		const wanted = args[0];
		const state = wanted === undefined ? await readMode(locator, cwd) : await setMode(locator, cwd, wanted, hooks);
		if (output.json) {
			output.data({ mode: state.mode, offered: state.offered, changed: state.changed });
			return 0;
		}
		output.out(state.message);
		if (wanted === undefined && state.offered.length > 0)
			output.out(`the selected packages offer: ${state.offered.join(", ")}`);
		if (state.changed) output.out("run `hpm sync` to apply it to the environment");
		return 0;
	},
});
