import { HpmError } from "../base/errors.js";
import { type Machine, probeMachine } from "../os/machine-probe.js";
import { type AutoVerdict, autoChoice, describeMachine } from "./auto-choice.js";
import { openSelection, type Where } from "./open-selection.js";

export type Detection = {
	readonly machine: Machine;
	/** What was detected, in words. */
	readonly detected: string;
	/** Each `choose: auto` group of the registry and the option it would take here. */
	readonly groups: readonly AutoVerdict[];
};

/**
 * Probes the machine and says which option each `choose: auto` group would take on it. Reads
 * only: outside a project, or without a registry, it says what it detected and no group.
 */
export async function detect(
	where: Where,
	options: { readonly env: NodeJS.ProcessEnv; readonly signal?: AbortSignal | undefined },
): Promise<Detection> {
	const [machine, registry] = await Promise.all([
		probeMachine({ env: options.env, signal: options.signal }),
		openSelection(where, { project: "optional", signal: options.signal }).then(
			(opened) => opened.registry,
			(error: unknown) => {
				if (error instanceof HpmError && (error.code === "registry-not-found" || error.code === "project-not-found"))
					return undefined;
				throw error;
			},
		),
	]);
	const groups = registry
		? [...registry.groups.values()].filter((group) => group.auto).map((group) => autoChoice(registry, group, machine))
		: [];
	return { machine, detected: describeMachine(machine), groups };
}
