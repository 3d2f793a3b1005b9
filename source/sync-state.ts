import { dependencyNames } from "./project/dependencies.js";
import type { Project } from "./project/project.js";
import type { Group } from "./registry/model.js";

/**
 * Whether the project's dependencies already reflect the group's selection: every selected
 * option is a dependency, and no deselected option that hpm added is still one.
 */
export function isGroupSynced(project: Project | undefined, group: Group, selected: readonly string[]): boolean {
	if (!project) return selected.length === 0;
	const dependencies = dependencyNames(project);
	const managed = new Set(project.managed);
	for (const option of group.options) {
		const present = dependencies.has(option);
		if (selected.includes(option) ? !present : present && managed.has(option)) return false;
	}
	return true;
}
