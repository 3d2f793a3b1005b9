/**
 * What a sync does for the project's per-machine groups: the `[tool.uv]` entries hpm owns for them
 * (one record, whichever option this machine uses) and the `--group` flags that make `uv sync`
 * install this machine's option.
 */
import type { Problem } from "../base/errors.js";
import { groupArgs, machineChoices, machineRecord } from "../plan/machine-groups.js";
import { parseForcedChoices, readMachineChoices } from "../project/machine-choice.js";
import { ownedEntries, projectMachineGroups, withMachineEntries } from "../project/machine-edits.js";
import type { Project } from "../project/project.js";
import type { Registry } from "../registry/model.js";

export type MachineStep = {
	/** Whether the project has per-machine groups or entries hpm owns for them: every `uv sync` then takes `args`. */
	readonly active: boolean;
	/** `--group hpm-<group>-<option>` for this machine's options. */
	readonly args: readonly string[];
	/** The chosen option of each machine group (group key → option key). */
	readonly chosen: ReadonlyMap<string, string>;
	readonly problems: readonly Problem[];
	/** The project's text with the entries written, when that differs from what it has. */
	readonly text: (project: Project) => Promise<string>;
};

/** The machine step of `project` in `mode`; `forced` is `--machine-choice`'s value, else HPM_MACHINE_CHOICE's. */
export function machineStep(
	registry: Registry,
	project: Project,
	mode: string,
	forced: { readonly value: string | undefined; readonly from: string },
): MachineStep {
	const groups = projectMachineGroups(project.data);
	const active = groups.length > 0 || ownedEntries(project.data).length > 0;
	if (!active) return { active, args: [], chosen: new Map(), problems: [], text: async (p) => p.text };
	const { record, problems } = machineRecord(registry, groups, mode);
	const choice = machineChoices(
		registry,
		groups,
		readMachineChoices(project.root),
		parseForcedChoices(forced.value, forced.from),
	);
	return {
		active,
		args: groupArgs(choice.chosen),
		chosen: choice.chosen,
		problems: [...problems, ...choice.problems],
		text: (p) => withMachineEntries(p.text, p.file, record),
	};
}
