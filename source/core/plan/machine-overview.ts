/**
 * What a listing says of the project's per-machine groups: this machine's option and where it
 * comes from (forced for this run, `.hpm/machine.toml`, the group's default), read without a probe.
 */
import { normalizeName } from "../base/names.js";
import { MACHINE_CHOICE_VARIABLE, parseForcedChoices, readMachineChoices } from "../project/machine-choice.js";
import { installedPackages } from "../project/dependencies.js";
import { projectMachineGroups } from "../project/machine-edits.js";
import { findWorkspace } from "../project/workspace.js";
import type { Project } from "../project/project.js";
import type { Registry } from "../registry/model.js";
import { parseRequirement } from "../registry/requirement.js";
import { machineChoices } from "./machine-groups.js";

/** This machine's choice in a per-machine group the project uses. */
export type MachineGroupChoice = {
	/** The option's key, or null when the machine has none (no choice, no default). */
	readonly option: string | null;
	/** `forced`: HPM_MACHINE_CHOICE; `local`: .hpm/machine.toml; else the group's own rule (`default`, or `auto`). */
	readonly from: "forced" | "local" | "default" | "auto" | "none";
	/** Why it was made, as `.hpm/machine.toml` records it. */
	readonly why?: string | undefined;
};

/**
 * Per machine group of `project` (group key): this machine's choice, by the rule sync follows
 * (`machineChoices`); empty without a project.
 */
export function machineGroupChoices(
	project: Project | undefined,
	registry: Registry,
	env: NodeJS.ProcessEnv = process.env,
): Map<string, MachineGroupChoice> {
	const result = new Map<string, MachineGroupChoice>();
	const keys = project ? projectMachineGroups(project.data).map(normalizeName) : [];
	if (!project || !keys.some((key) => registry.groups.get(key)?.machine)) return result;
	const local = readMachineChoices(project.root);
	const forced = parseForcedChoices(env[MACHINE_CHOICE_VARIABLE], MACHINE_CHOICE_VARIABLE);
	const { chosen } = machineChoices(registry, keys, local, forced);
	for (const key of keys) {
		const group = registry.groups.get(key);
		if (!group?.machine) continue;
		const option = chosen.get(key);
		const from =
			option === undefined
				? "none"
				: forced.get(key) === option
					? "forced"
					: local.get(key)?.option === option
						? "local"
						: group.defaults[0] === option
							? "default"
							: "auto";
		result.set(key, { option: option ?? null, from, ...(from === "local" ? { why: local.get(key)?.why } : {}) });
	}
	return result;
}

/**
 * Whether this machine's option looks installed: each of its distributions (the requirement's and
 * the family's) is in the environment. Which build is installed is `hpm verify`'s question.
 */
export function machineOptionInstalled(project: Project, registry: Registry, option: string | null): boolean {
	if (option === null) return true;
	const source = registry.packages.get(option)?.sources.get(project.mode);
	if (source?.type !== "index") return false;
	const first = parseRequirement(source.requirement);
	const names = [typeof first === "string" ? option : first.name, ...(source.family ?? []).map((m) => m.name)];
	const installed = installedPackages(findWorkspace(project.root)?.root ?? project.root);
	return names.every((name) => installed?.has(name) === true);
}

/** Where this machine's option comes from, in words (`hpm list`, the UI). */
export function machineChoiceWords(from: MachineGroupChoice["from"]): string {
	switch (from) {
		case "forced":
			return "forced by HPM_MACHINE_CHOICE";
		case "local":
			return "local: .hpm/machine.toml, not in git";
		case "default":
			return "the group's default; local, not in git";
		case "auto":
			return "auto; local, not in git";
		case "none":
			return "no choice on this machine";
	}
}
