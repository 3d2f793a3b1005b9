import { defineCommand } from "../command.js";

export default defineCommand({
	usage: "hpm mode [MODE] [options]",
	description:
		"Shows the project's mode, or records a new one in [tool.hpm] mode (then run `hpm sync`).\nA mode picks each package's source: prod (e.g. git tags) or dev (e.g. editable local folders).\nA mode some selected package has no source for is refused (exit 2), naming each one.",
	writes: true,
	args: [],
	optionalArgs: ["MODE"],
	flags: {},
	run: async ({ locator, cwd, output, args, hooks }) => {
		const { readMode, setMode } = await import("../../core/operations/mode.js");
		const wanted = args[0];
		const state = wanted === undefined ? await readMode(locator, cwd) : await setMode(locator, cwd, wanted, hooks);
		if (output.json) {
			output.data({ mode: state.mode, offered: state.offered, partial: state.partial, changed: state.changed });
			return 0;
		}
		output.out(state.message);
		if (wanted === undefined && state.offered.length > 0)
			output.out(`the selected packages offer: ${state.offered.join(", ")}`);
		if (wanted === undefined)
			for (const { mode, missing } of state.partial)
				output.out(`not ${mode}: no ${mode} source for ${missing.map((gap) => `${gap.group}=${gap.name}`).join(", ")}`);
		if (state.changed) output.out("run `hpm sync` to apply it to the environment");
		return 0;
	},
});
