import { type CommonFlags, loadContextRegistry, requireProject, resolveContext } from "../context.js";
import { lockProject } from "../project/lock.js";
import { writeProjectEdits } from "../project/write.js";
import { addToGroup, entryValues, removeFromGroup } from "../selection.js";

/**
 * Records one choice the way `hpm group add/remove` does, under the project lock and re-reading
 * the project inside it: `pick` selects in a 1-of-N group, `toggle` flips an M-of-N option.
 */
export async function chooseOption(
	flags: CommonFlags,
	cwd: string,
	group: string,
	option: string,
	how: "pick" | "toggle",
): Promise<string> {
	const first = resolveContext(flags, cwd);
	const lock = await lockProject(requireProject(first).root, "ui");
	try {
		const context = resolveContext(flags, cwd);
		const project = requireProject(context);
		const registry = await loadContextRegistry(context);
		const entry = project.selection.get(registry.groups.get(group)?.key ?? group);
		const values = entryValues(entry);
		const selected = values.some(
			(v) => v.replace(/[-_.]+/g, "-").toLowerCase() === option.replace(/[-_.]+/g, "-").toLowerCase(),
		);
		const change =
			how === "toggle" && selected
				? removeFromGroup(registry, project, group, option)
				: addToGroup(registry, project, group, [option]);
		if (change.changed) await writeProjectEdits(project, [change.edit]);
		return change.message;
	} finally {
		lock.release();
	}
}
