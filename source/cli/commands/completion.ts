import { HpmError } from "../../core/base/errors.js";
import { defineCommand } from "../command.js";
import { completionScript } from "../completion-script.js";
import { write } from "../stdio.js";

export default defineCommand({
	usage: "hpm completion bash|zsh|fish",
	description:
		"Prints a completion script for the shell: commands, flags, and from the project's registry\n" +
		"group names, option names and modes (`hpm group add inference --option <TAB>`).\n" +
		'bash: eval "$(hpm completion bash)" in ~/.bashrc; zsh: eval "$(hpm completion zsh)" in ~/.zshrc\n' +
		"after compinit; fish: hpm completion fish > ~/.config/fish/completions/hpm.fish",
	args: ["SHELL"],
	flags: {},
	run: ({ args, output }) => {
		const shell = args[0] ?? "";
		// a shell script is not a result JSON can carry: said as a JSON error, not printed as text
		if (output.json)
			throw new HpmError("usage", "hpm completion prints a shell script, which has no JSON form", {
				hint: `run it without --json: hpm completion ${completionScript(shell) === undefined ? "bash|zsh|fish" : shell}`,
			});
		const script = completionScript(shell);
		if (script === undefined)
			throw new HpmError("usage", `no completion for "${shell}"`, { hint: "use one of: bash, zsh, fish" });
		write(1, script);
		return 0;
	},
});
