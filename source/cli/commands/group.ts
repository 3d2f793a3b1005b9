import { type Context, loadContextRegistry, requireProject } from "../../core/context.js";
import type { Output } from "../output.js";
import { HpmError } from "../../core/errors.js";
import { writeProjectEdits } from "../../core/project/write.js";
import { isInteractive } from "../interactive.js";
import {
	addToGroup,
	entryValues,
	findGroup,
	optionNames,
	removeFromGroup,
	replaceGroup,
	type SelectionChange,
} from "../../core/selection.js";

export async function runGroupAdd(
	context: Context,
	output: Output,
	groupName: string,
	options: readonly string[],
): Promise<number> {
	const project = requireProject(context);
	const registry = await loadContextRegistry(context);
	if (options.length === 0 && isInteractive(output.json)) {
		const group = findGroup(registry, groupName);
		const { pickOptions } = await import("../../../screens/picker.js");
		const entry = project.selection.get(group.key);
		const picked = await pickOptions({
			group: group.name,
			strategy: group.strategy,
			options: group.options.map((key) => ({
				name: registry.packages.get(key)?.name ?? key,
				description: registry.packages.get(key)?.description ?? "",
			})),
			selected: entryValues(entry),
		});
		if (picked === undefined)
			throw new HpmError("cancelled", "nothing chosen; pyproject.toml was not changed", { exitCode: 1 });
		if (group.strategy === "M-of-N")
			return apply(output, project, replaceGroup(registry, project, group.name, picked), groupName);
		return apply(output, project, addToGroup(registry, project, groupName, picked), groupName);
	}
	if (options.length === 0) {
		const group = findGroup(registry, groupName);
		const kind = group.strategy === "1-of-N" ? "one option" : "one or more options";
		throw new HpmError("option-required", `choose ${kind} for group "${group.name}" with --option NAME`, {
			hint: `options: ${optionNames(registry, group).join(", ")}`,
		});
	}
	return apply(output, project, addToGroup(registry, project, groupName, options), groupName);
}

export async function runGroupRemove(
	context: Context,
	output: Output,
	groupName: string,
	option: string | undefined,
): Promise<number> {
	const project = requireProject(context);
	const registry = await loadContextRegistry(context);
	return apply(output, project, removeFromGroup(registry, project, groupName, option), groupName);
}

async function apply(
	output: Output,
	project: ReturnType<typeof requireProject>,
	change: SelectionChange,
	group: string,
): Promise<number> {
	if (change.changed) await writeProjectEdits(project, [change.edit]);
	const value = change.edit.value;
	const selected = value === undefined ? [] : typeof value === "string" ? [value] : [...value];
	if (output.json) {
		output.data({
			group,
			selected,
			changed: change.changed,
			message: change.message,
			project: project.file,
		});
	} else {
		output.out(change.message);
		if (change.changed) output.out("run `hpm sync` to apply it to the environment");
	}
	return 0;
}
