import { choose, optionsQuestion } from "../../core/operations/choose.js";
import type { Locator } from "../../core/plan/context.js";
import type { OptionsQuestion } from "../../core/plan/ports.js";
import { HpmError } from "../../core/base/errors.js";
import { closest, normalizeName } from "../../core/base/names.js";
import { defineCommand } from "../command.js";
import { printChoice } from "../print-choice.js";

export default defineCommand({
	usage: "hpm group add GROUP --option NAME [--option NAME]... [options]",
	description:
		"1-of-N: exactly one --option, replacing the old choice. M-of-N: adds each --option.\nWithout --option on a terminal, a picker asks; in a script, the group's default (if it declares one) is chosen.",
	writes: true,
	args: ["GROUP"],
	extraArgs: true,
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
		if (args.length > 1) throw await optionsAsWords(locator, cwd, group, args.slice(1), flags.option);
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
		// a group that chooses by probing (choose: auto) needs no answer from a script
		if (!prompter && question.auto) {
			output.err(`probing this machine for group "${question.group}" (choose: auto)`);
			return printChoice(output, await choose(locator, cwd, { kind: "add", group, options: ["auto"] }, hooks));
		}
		// told nothing and nobody to ask: the group's declared default, when it has one
		if (!prompter && question.defaults.length > 0 && question.defaultsBreak) {
			throw new HpmError(
				"default-breaks-rule",
				`the default of group "${question.group}" (${question.defaults.join(", ")}) breaks a rule: ${question.defaultsBreak}`,
				{ hint: `choose with --option NAME (${hintOf(question)})` },
			);
		}
		if (!prompter && question.defaults.length > 0) {
			output.err(`using the default of group "${question.group}": ${question.defaults.join(", ")}`);
			return printChoice(output, await choose(locator, cwd, { kind: "add", group, options: question.defaults }, hooks));
		}
		if (question.options.length === 0)
			throw new HpmError("no-options", `group "${question.group}" has nothing to choose from`, {
				hint: hintOf(question),
			});
		if (!prompter) {
			const kind = question.strategy === "1-of-N" ? "one option" : "one or more options";
			throw new HpmError("option-required", `choose ${kind} for group "${question.group}" with --option NAME`, {
				hint: hintOf(question),
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

/**
 * `hpm group add inference qwen`: options given as words. The error names the command that was
 * meant, checked against the registry: the group's real name, each option's (or the closest), one
 * option for a 1-of-N group.
 */
async function optionsAsWords(
	locator: Locator,
	cwd: string,
	group: string,
	words: readonly string[],
	given: readonly string[],
): Promise<HpmError> {
	const question = await optionsQuestion(locator, cwd, group); // an unknown group says so, with the closest
	const names = question.options.map((o) => o.name);
	const meant = [...given, ...words]
		.flatMap((word) => word.split(","))
		.map((word) => {
			const exact = names.find((name) => normalizeName(name) === normalizeName(word));
			return exact ?? closest(word, names);
		});
	const known = meant.filter((name): name is string => name !== undefined);
	const hint =
		known.length === 0 || known.length < meant.length
			? names.length > 0
				? `the options of ${question.group}: ${names.join(", ")}`
				: hintOf(question)
			: question.strategy === "1-of-N" && known.length > 1
				? `${question.group} is 1-of-N: choose one, e.g. hpm group add ${question.group} --option ${known[0]}`
				: `hpm group add ${question.group} ${known.map((name) => `--option ${name}`).join(" ")}`;
	return new HpmError("usage", `options are given with --option, not as words (${words.join(" ")})`, { hint });
}

/** `options: a, b`, or why there are none (the core says; a question made elsewhere lists the names). */
function hintOf(question: OptionsQuestion): string {
	return question.optionsHint ?? `options: ${question.options.map((o) => o.name).join(", ")}`;
}
