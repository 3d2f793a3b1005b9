import { choose } from "../../core/operations/choose.js";
import { defineCommand } from "../command.js";
import { printChoice } from "../print-choice.js";

export default defineCommand({
	usage: "hpm group remove GROUP [--option NAME] [options]",
	description: "Without --option the group's whole choice is dropped.",
	writes: true,
	args: ["GROUP"],
	flags: { option: { type: "string", short: "o", value: "NAME", help: "drop only this option" } },
	run: async ({ locator, cwd, output, args, flags, hooks }) =>
		printChoice(
			output,
			await choose(locator, cwd, { kind: "remove", group: args[0] ?? "", option: flags.option }, hooks),
		),
});
