import { constraintProblems } from "../registry/constraints.js";
import type { Registry } from "../registry/model.js";
import type { Selection } from "./selection.js";

/**
 * The factors a matrix varies: each 1-of-N group is one factor whose levels are its options; each
 * option of an M-of-N group is a factor of its own, in or out (so two options of one M-of-N group
 * are also tried together).
 */
export type Factor =
	| { readonly kind: "one"; readonly group: string; readonly levels: readonly string[] }
	| { readonly kind: "some"; readonly group: string; readonly option: string; readonly levels: readonly [true, false] };

/** One value of a factor: `group=option` chosen (or, for an M-of-N option, left out). */
export type Level = { readonly group: string; readonly option: string; readonly chosen: boolean };

export function factorsOf(registry: Registry): Factor[] {
	const factors: Factor[] = [];
	for (const group of registry.groups.values()) {
		if (group.options.length === 0) continue;
		// a 1-of-N group a project need not choose in has one more level: no choice ("")
		if (group.strategy === "1-of-N")
			factors.push({ kind: "one", group: group.key, levels: group.required ? group.options : [...group.options, ""] });
		else
			for (const option of group.options)
				factors.push({ kind: "some", group: group.key, option, levels: [true, false] });
	}
	return factors;
}

function levelOf(factor: Factor, index: number): Level {
	if (factor.kind === "some") return { group: factor.group, option: factor.option, chosen: index === 0 };
	const option = factor.levels[index] ?? "";
	return { group: factor.group, option, chosen: option !== "" };
}

export function selectionOf(
	factors: readonly Factor[],
	levels: readonly (number | undefined)[],
): Map<string, string[]> {
	const selection = new Map<string, string[]>();
	factors.forEach((factor, index) => {
		const at = levels[index];
		if (at === undefined) return;
		const level = levelOf(factor, at);
		if (factor.kind === "some" && !selection.has(factor.group)) selection.set(factor.group, []);
		if (level.chosen) selection.set(level.group, [...(selection.get(level.group) ?? []), level.option]);
	});
	// an M-of-N group with nothing in it is a group this combination does not use
	for (const [group, options] of selection) if (options.length === 0) selection.delete(group);
	return selection;
}

/** Whether the registry's rules allow a (complete) combination. */
export function allowed(registry: Registry, selection: Selection): boolean {
	return constraintProblems(registry, selection).length === 0;
}
