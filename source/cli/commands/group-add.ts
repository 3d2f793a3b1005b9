import { choose, optionsQuestion } from "../../core/operations/choose.js";
import { HpmError } from "../../core/errors.js";
import { defineCommand } from "../command.js";
import { printChoice } from "../print-choice.js";

export default defineCommand({
	usage: "hpm group add GROUP --option NAME [--option NAME]... [options]",
	description:
		"1-of-N: exactly one --option, replacing the old choice. M-of-N: adds each --option.\nWithout --option on a terminal, a picker asks.",
	writes: true,
	args: ["GROUP"],
	flags: {
		option: {
			type: "string",
			short: "o",
			multiple: true,
			value: "NAME",
			help: "an option of the group (repeatable, or several separated by commas)",
		},
	},
	run: async ({ locator, cwd, output, args, flags, prompter, hooks }) => {
		const group = args[0] ?? "";
		// `--option a,b` is `--option a --option b` (a package name never holds a comma)
		const options = flags.option.flatMap((value) => value.split(",")).map((value) => value.trim());
		if (options.some((value) => value === ""))
			throw new HpmError("usage", "an empty --option", {
				hint: "give each option's name: --option a,b or --option a --option b",
			});
		if (options.length > 0) {
			return printChoice(output, await choose(locator, cwd, { kind: "add", group, options }, hooks));
		}
		const question = await optionsQuestion(locator, cwd, group);
		if (!prompter) {
			const kind = question.strategy === "1-of-N" ? "one option" : "one or more options";
			throw new HpmError("option-required", `choose ${kind} for group "${question.group}" with --option NAME`, {
				hint: `options: ${question.options.map((o) => o.name).join(", ")}`,
			});
		}
		const picked = await prompter.pickOptions(question);
		if (picked === undefined)
			throw new HpmError("cancelled", "cancelled: nothing chosen; pyproject.toml was not changed", { exitCode: 1 });
		// the picker confirms an M-of-N group's whole choice; in 1-of-N it picks the one option
		// (applied to the choice as it is by then: an option someone else added meanwhile stays)
		const choice =
			question.strategy === "M-of-N"
				? { kind: "replace" as const, group, options: picked, seen: question.selected }
				: { kind: "add" as const, group, options: picked };
		return printChoice(output, await choose(locator, cwd, choice, hooks));
	},
});
