/**
 * What a sync does for the project's per-machine groups: the `[tool.uv]` entries hpm owns for them
 * (one record, whichever option this machine uses) and the `--group` flags that make `uv sync`
 * install this machine's option, chosen by probing where a group says `choose: auto`.
 */
import type { Problem } from "../base/errors.js";
import type { HpmEvent } from "../plan/events.js";
import { groupArgs, machineChoices, machineRecord } from "../plan/machine-groups.js";
import { parseForcedChoices, readMachineChoices } from "../project/machine-choice.js";
import { ownedEntries, projectMachineGroups, withMachineEntries } from "../project/machine-edits.js";
import type { Project } from "../project/project.js";
import type { Registry } from "../registry/model.js";
import { autoChoices } from "./machine-auto.js";

/** One machine group's option on this machine and where it came from (sync --json's `machine`). */
export type MachineChoiceReport = {
	readonly group: string;
	readonly option: string;
	/** `forced` (flag or HPM_MACHINE_CHOICE), `probed` (choose: auto, this run), `recorded` (.hpm/machine.toml), `default`. */
	readonly from: "forced" | "probed" | "recorded" | "default";
	/** Why, as recorded (auto's detection, or who chose it). */
	readonly why?: string | undefined;
};

export type MachineStep = {
	/** Whether the project has per-machine groups or entries hpm owns for them: every `uv sync` then takes `args`. */
	readonly active: boolean;
	/** `--group hpm-<group>-<option>` for this machine's options. */
	readonly args: readonly string[];
	/** The chosen option of each machine group (group key → option key). */
	readonly chosen: ReadonlyMap<string, string>;
	readonly report: readonly MachineChoiceReport[];
	readonly problems: readonly Problem[];
	/** The project's text with the entries written, when that differs from what it has. */
	readonly text: (project: Project) => Promise<string>;
};

/** The machine step of `project` in `mode`; `forced` is `--machine-choice`'s value, else HPM_MACHINE_CHOICE's. */
export async function* machineStep(
	registry: Registry,
	project: Project,
	mode: string,
	forced: { readonly value: string | undefined; readonly from: string },
	options: { readonly dryRun?: boolean | undefined; readonly signal?: AbortSignal | undefined } = {},
): AsyncGenerator<HpmEvent, MachineStep> {
	const groups = projectMachineGroups(project.data);
	const active = groups.length > 0 || ownedEntries(project.data).length > 0;
	if (!active) return { active, args: [], chosen: new Map(), report: [], problems: [], text: async (p) => p.text };
	const { record, problems } = machineRecord(registry, groups, mode);
	const asked = parseForcedChoices(forced.value, forced.from);
	const auto = yield* autoChoices(registry, project.root, groups, asked, readMachineChoices(project.root), options);
	const choice = machineChoices(registry, groups, auto.local, auto.forced);
	const report = [...choice.chosen].map(([group, option]): MachineChoiceReport => {
		const local = auto.local.get(group);
		const from = auto.forced.has(group)
			? "forced"
			: auto.probed.has(group)
				? "probed"
				: local?.option === option
					? "recorded"
					: "default";
		return { group, option, from, ...(from === "probed" || from === "recorded" ? { why: local?.why } : {}) };
	});
	return {
		active,
		args: groupArgs(choice.chosen),
		chosen: choice.chosen,
		report,
		problems: [...problems, ...auto.problems, ...choice.problems],
		text: (p) => withMachineEntries(p.text, p.file, record),
	};
}
