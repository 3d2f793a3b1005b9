/**
 * This machine's options as they stand, without probing (verify, list, run): HPM_MACHINE_CHOICE,
 * else `.hpm/machine.toml`, else the group's default; their checks; and drift: a build in .venv
 * that is not this machine's option, as after a plain `uv sync` or `uv run` where a base
 * dependency also requires the family's package (uv then installs the default index's build).
 */
import type { Problem } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import { drain } from "../plan/events.js";
import { groupArgs, machineChoices } from "../plan/machine-groups.js";
import { type CheckItem, checkItems } from "../plan/option-checks.js";
import { parseForcedChoices, readMachineChoices, MACHINE_CHOICE_VARIABLE } from "../project/machine-choice.js";
import { projectMachineGroups } from "../project/machine-edits.js";
import type { Project } from "../project/project.js";
import type { Registry } from "../registry/model.js";
import { openSelection, type Where } from "../plan/open-selection.js";
import { findUv, runUv } from "../uv/driver.js";
import { AUTO } from "./machine-auto.js";

/** One package whose installed build is not the one this machine's option installs. */
export type Drift = {
	/** `group=option`. */
	readonly choice: string;
	readonly package: string;
	/** The version in .venv, or undefined when it is not installed. */
	readonly installed: string | undefined;
	/** The version this machine's option installs (uv.lock's, from the option's source). */
	readonly wanted: string;
};

/** Group key → option key of this machine, and the `--group` flags that install them (`asked`: a forced choice). */
export function machineNow(
	registry: Registry,
	project: Project,
	asked: { readonly value: string | undefined; readonly from: string } = {
		value: process.env[MACHINE_CHOICE_VARIABLE],
		from: MACHINE_CHOICE_VARIABLE,
	},
): {
	readonly chosen: ReadonlyMap<string, string>;
	readonly args: readonly string[];
	readonly problems: readonly Problem[];
} {
	const groups = projectMachineGroups(project.data);
	if (groups.length === 0) return { chosen: new Map(), args: [], problems: [] };
	const forced = parseForcedChoices(asked.value, asked.from);
	// `auto` asks a sync to probe again: until then the recorded choice stands
	for (const [group, option] of forced) if (option === AUTO) forced.delete(group);
	const { chosen, problems } = machineChoices(registry, groups, readMachineChoices(project.root), forced);
	return { chosen, args: groupArgs(chosen), problems };
}

/** The checks of this machine's options (lock-forbids judged on what .venv holds). */
export function machineItems(registry: Registry, chosen: ReadonlyMap<string, string>): CheckItem[] {
	const entries = [...chosen].map(([group, key]) => ({ key, groups: [registry.groups.get(group)?.name ?? group] }));
	return checkItems(registry, entries, true);
}

/**
 * What `uv sync --locked --dry-run` with this machine's groups would change in .venv, kept to the
 * distributions of the chosen options' families: each is drift. Empty when there is no lock, no
 * environment, or uv cannot say (verify's checks and `hpm sync` then say more).
 */
export async function machineDrift(
	registry: Registry,
	project: Project,
	chosen: ReadonlyMap<string, string>,
	signal?: AbortSignal,
): Promise<Drift[]> {
	if (chosen.size === 0) return [];
	const owners = new Map<string, string>();
	for (const [group, key] of chosen) {
		const source = registry.packages.get(key)?.sources.get(project.mode);
		if (source?.type !== "index") continue;
		const names = source.family?.map((member) => member.name) ?? [key];
		for (const name of names) owners.set(name, `${registry.groups.get(group)?.name ?? group}=${key}`);
	}
	const args = ["sync", "--locked", "--dry-run", ...groupArgs(chosen)];
	const run = await drain(runUv(await findUv(), args, { cwd: project.root, signal, readOnly: true }), () => undefined);
	if (run.exitCode !== 0) return [];
	const removed = new Map<string, string>();
	const added = new Map<string, string>();
	for (const line of run.lines) {
		const match = /^ ([+-]) ([A-Za-z0-9._-]+)==(\S+)$/.exec(line);
		if (match?.[2] && match[3]) (match[1] === "+" ? added : removed).set(normalizeName(match[2]), match[3]);
	}
	return [...added].flatMap(([name, wanted]) => {
		const choice = owners.get(name);
		return choice === undefined ? [] : [{ choice, package: name, installed: removed.get(name), wanted }];
	});
}

/** One sentence: `torchlike 2.5.0 is installed, torch-backend=torch-cu128 installs 2.5.0+cu128`. */
export function driftSentence(drift: readonly Drift[]): string {
	return drift
		.map(
			(d) =>
				`${d.package} ${d.installed ?? "is not installed"}${d.installed ? " is installed" : ""}, ${d.choice} installs ${d.wanted}`,
		)
		.join("; ");
}

/** The drift of the project at `where` (none outside a project or without per-machine groups). */
export async function driftHere(where: Where, signal?: AbortSignal): Promise<Drift[]> {
	const { project, registry } = await openSelection(where, { project: "optional", signal });
	if (!project || projectMachineGroups(project.data).length === 0) return [];
	return machineDrift(registry, project, machineNow(registry, project).chosen, signal);
}
