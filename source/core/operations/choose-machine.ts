/**
 * A choice in a per-machine group (`machine: true`): this machine's option goes into
 * `.hpm/machine.toml` only, so pyproject.toml stays the same whichever option a machine uses. The
 * group itself joins (or leaves) the project in `[tool.hpm] machine-groups`, once: that is a change
 * of the project, shared like any other.
 */
import { HpmError } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import { MAX_FILE_BYTES } from "../project/files.js";
import { pruneHistory, recordEditFirst } from "../project/history.js";
import { forgetMachineChoice, readMachineChoices, recordMachineChoice } from "../project/machine-choice.js";
import { readRegularFile } from "../os/read-file.js";
import { projectMachineGroups } from "../project/machine-edits.js";
import type { Project } from "../project/project.js";
import { writeProjectEdits } from "../project/write.js";
import type { Group, Registry } from "../registry/model.js";
import { asksAuto, probeGroup } from "./machine-auto.js";

/** What `choose` reports of a choice (its ChoiceResult, without an undo). */
type MachineChoiceResult = {
	readonly group: string;
	readonly selected: readonly string[];
	readonly changed: boolean;
	readonly message: string;
	readonly project: string;
	readonly breaks: readonly string[];
};

/** `options` undefined: the group leaves the project (group remove). */
export async function chooseOnMachine(
	project: Project,
	registry: Registry,
	group: Group,
	options: readonly string[] | undefined,
): Promise<MachineChoiceResult> {
	const command = options === undefined ? "group remove" : "group add";
	const groups = projectMachineGroups(project.data);
	const member = groups.map(normalizeName).includes(group.key);
	const base = { group: group.name, project: project.file, breaks: [] };
	if (options === undefined) {
		if (!member) {
			forgetMachineChoice(project.root, group.key);
			return { ...base, selected: [], changed: false, message: `${group.name}: nothing was selected` };
		}
		const rest = groups.filter((key) => normalizeName(key) !== group.key);
		// the entry (with this machine's choice as it was) first, then the local choice goes
		await writeProjectEdits(
			project,
			[{ path: ["tool", "hpm", "machine-groups"], value: rest.length ? rest : undefined }],
			{
				command,
				summary: `${command}: ${group.name} left the project (per-machine group)`,
			},
		);
		forgetMachineChoice(project.root, group.key);
		return { ...base, selected: [], changed: true, message: `${group.name}: removed (per-machine group)` };
	}
	const asked = options.length === 1 ? normalizeName(options[0] ?? "") : undefined;
	const probed = asked !== undefined && asksAuto(group, asked) ? await probedOption(registry, group) : undefined;
	const option = probed?.option ?? asked;
	if (option === undefined || !group.options.includes(option))
		throw new HpmError("cardinality", `group "${group.name}" is per-machine: give exactly one of its options`, {
			hint: `choose from: ${group.options.join(", ")}${group.auto ? ", or auto (probe this machine)" : ""}`,
		});
	const why = probed?.why ?? "chosen with hpm group add";
	// the history entry first (it keeps .hpm/machine.toml as it was): `hpm rollback` brings the previous local choice back
	if (!member)
		await writeProjectEdits(project, [{ path: ["tool", "hpm", "machine-groups"], value: [...groups, group.key] }], {
			command,
			summary: `${command}: ${group.name} joined the project (per-machine group), this machine uses ${option}`,
		});
	else if (readMachineChoices(project.root).get(group.key)?.option !== option) {
		const id = recordEditFirst(
			project.root,
			command,
			`${command}: ${group.name}: this machine uses ${option} (local choice)`,
			readRegularFile(project.file, MAX_FILE_BYTES),
		);
		pruneHistory(project.root, id);
	}
	recordMachineChoice(project.root, group.key, option, why);
	return {
		...base,
		selected: [option],
		changed: true,
		message: `${group.name}: this machine uses ${option}${probed ? `, chosen by probing: ${probed.reason}` : ""} (kept in .hpm/machine.toml; \`hpm sync\` installs it)`,
	};
}

/**
 * `--option auto` on a group that chooses by probing (`choose: auto`): the probe's option, and why.
 * A group that does not is refused: its options state no needs to choose by.
 */
async function probedOption(
	registry: Registry,
	group: Group,
): Promise<{ option: string; why: string; reason: string }> {
	if (!group.auto)
		throw new HpmError(
			"invalid-argument",
			`group "${group.name}" does not choose by probing (it has no choose: auto)`,
			{
				hint: `choose one of: ${group.options.join(", ")}`,
			},
		);
	const { verdict } = await probeGroup(registry, group);
	if (verdict.option === undefined)
		throw new HpmError("invalid-argument", `${group.name}: ${verdict.reason}`, {
			hint: `choose one yourself: ${group.options.join(", ")}`,
		});
	return { option: normalizeName(verdict.option), why: `auto: ${verdict.reason}`, reason: verdict.reason };
}
