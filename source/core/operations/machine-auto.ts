/**
 * `choose: auto` applied: a per-machine group that chooses by probing the machine, and has no
 * choice forced or recorded here, gets one. The machine is probed once (os/machine-probe.ts), the
 * option picked by `autoChoice` (plan/auto-choice.ts) and recorded in `.hpm/machine.toml` with
 * what was detected and why, so the next sync keeps it without probing again. `GROUP=auto` in
 * `--machine-choice` or HPM_MACHINE_CHOICE (and `hpm group add GROUP --option auto`) asks again.
 */
import type { Problem } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import { type Machine, probeMachine } from "../os/machine-probe.js";
import { type AutoVerdict, autoChoice } from "../plan/auto-choice.js";
import type { HpmEvent } from "../plan/events.js";
import { type MachineChoice, recordMachineChoice } from "../project/machine-choice.js";
import type { Group, Registry } from "../registry/model.js";

/** The word that asks for a probe where an option is expected. */
export const AUTO = "auto";

/** Whether `option` asks `group` to probe: `auto`, unless the group has an option of that name. */
export const asksAuto = (group: Group, option: string | undefined): boolean =>
	option === AUTO && !group.options.includes(AUTO);

/** What the machine's choices became: the forced ones without `auto`, the local ones with the probe's. */
export type AutoOutcome = {
	readonly forced: ReadonlyMap<string, string>;
	readonly local: ReadonlyMap<string, MachineChoice>;
	/** Group keys chosen by probing in this run. */
	readonly probed: ReadonlySet<string>;
	readonly problems: readonly Problem[];
};

/**
 * Probes for the groups that need it (`choose: auto` with no choice yet, or `GROUP=auto` forced),
 * says each verdict as a phase, and records it unless `dryRun`.
 */
export async function* autoChoices(
	registry: Registry,
	root: string,
	groupKeys: readonly string[],
	forced: ReadonlyMap<string, string>,
	local: ReadonlyMap<string, MachineChoice>,
	options: { readonly dryRun?: boolean | undefined; readonly signal?: AbortSignal | undefined },
): AsyncGenerator<HpmEvent, AutoOutcome> {
	const wanted = groupKeys.flatMap((key) => {
		const group = registry.groups.get(normalizeName(key));
		if (!group?.machine) return [];
		const asked = forced.get(group.key);
		const fresh = asked === undefined && !local.has(group.key) && group.auto === true;
		return fresh || asksAuto(group, asked) ? [group] : [];
	});
	const nextForced = new Map(forced);
	const nextLocal = new Map(local);
	// `GROUP=auto` for a group whose options state no needs to choose by is refused, as group add refuses it
	const problems: Problem[] = wanted
		.filter((group) => group.auto !== true)
		.map((group) => ({
			code: "unknown-option",
			groups: [group.name],
			message: `a forced machine choice asks "${group.name}" to choose by probing, and it does not (no choose: auto); choose from: ${group.options.join(", ")}`,
		}));
	for (const group of problems.length > 0 ? wanted : []) nextForced.delete(group.key);
	if (problems.length > 0 || wanted.length === 0)
		return { forced: nextForced, local: nextLocal, probed: new Set(), problems };
	yield { type: "phase", phase: "resolve", message: `probing the machine for ${wanted.map((g) => g.name).join(", ")}` };
	const machine = await probeMachine({ env: process.env, signal: options.signal });
	const probed = new Set<string>();
	for (const group of wanted) {
		nextForced.delete(group.key);
		const verdict = autoChoice(registry, group, machine);
		if (verdict.option === undefined) {
			problems.push(noFit(group, verdict));
			continue;
		}
		const option = normalizeName(verdict.option);
		yield { type: "phase", phase: "record", message: autoSentence(group, verdict, options.dryRun) };
		const choice = { option, why: `auto: ${verdict.reason}` };
		if (!options.dryRun) recordMachineChoice(root, group.key, option, choice.why);
		nextLocal.set(group.key, choice);
		probed.add(group.key);
	}
	return { forced: nextForced, local: nextLocal, probed, problems };
}

/** `torch-backend: chose torch-cu128 (CUDA 12.8 (nvidia-smi); torch-cu128 needs cuda >=12.8, ...)`. */
export function autoSentence(group: Group, verdict: AutoVerdict, dryRun?: boolean): string {
	const kept = dryRun ? "not recorded: a dry run" : "recorded in .hpm/machine.toml";
	return `${group.name}: chose ${verdict.option ?? "nothing"} by probing: ${verdict.reason} (${kept})`;
}

function noFit(group: Group, verdict: AutoVerdict): Problem {
	return {
		code: "unknown-option",
		groups: [group.name],
		message: `${group.name} chooses by probing (choose: auto), and ${verdict.reason}; choose one yourself (\`hpm group add ${group.name} --option OPTION\`)`,
	};
}

/** Probes and picks `group`'s option now (for `hpm group add GROUP --option auto`). */
export async function probeGroup(
	registry: Registry,
	group: Group,
): Promise<{ verdict: AutoVerdict; machine: Machine }> {
	const machine = await probeMachine({ env: process.env });
	return { verdict: autoChoice(registry, group, machine), machine };
}
