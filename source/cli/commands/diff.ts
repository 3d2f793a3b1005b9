import { HpmError } from "../../core/base/errors.js";
import { lockChangeLine } from "../../core/project/lock-diff.js";
import { defineCommand } from "../command.js";

/** `N` or `#N`, a history entry's number. */
export function entryId(text: string | undefined): number | undefined {
	if (text === undefined) return undefined;
	const match = /^#?([1-9][0-9]{0,8})$/.exec(text.trim());
	if (!match)
		throw new HpmError("usage", `"${text}" is not a history entry`, {
			hint: "give its number, as `hpm history` lists it: 3 or #3",
		});
	return Number(match[1]);
}

export default defineCommand({
	usage: "hpm diff [N] [options]",
	description:
		"Shows what `hpm rollback N` would change: pyproject.toml as a unified diff, uv.lock as the packages that would come, go or change version.\nWithout N, the newest history entry.",
	args: [],
	optionalArgs: ["N"],
	flags: {},
	run: async ({ locator, cwd, output, args }) => {
		const [{ requireRoot }, { rollbackPreview }] = await Promise.all([
			import("../../core/plan/context.js"),
			import("../../core/operations/rollback.js"),
		]);
		const preview = rollbackPreview(requireRoot(locator, cwd), entryId(args[0]));
		const { entry } = preview;
		if (output.json) {
			output.data({
				entry: { id: entry.id, time: entry.time, command: entry.command, summary: entry.summary },
				pyproject: preview.pyproject,
				lock: preview.lock,
				lockChanged: preview.lockChanged,
			});
			return 0;
		}
		output.out(`#${entry.id}: ${entry.summary}`);
		if (preview.pyproject === "" && !preview.lockChanged) {
			output.out("pyproject.toml and uv.lock already match it: a rollback would only sync the environment");
			return 0;
		}
		if (preview.pyproject !== "") for (const line of preview.pyproject.trimEnd().split("\n")) output.out(line);
		else output.out("pyproject.toml: no change");
		if (preview.lock.length > 0) {
			output.out("uv.lock:");
			for (const change of preview.lock) output.out(`  ${lockChangeLine(change)}`);
		} else if (preview.lockChanged) output.out("uv.lock: changes, but no package's version or source");
		return 0;
	},
});
