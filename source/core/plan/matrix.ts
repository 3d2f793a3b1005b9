import path from "node:path";
import { HpmError } from "../base/errors.js";
import type { Registry } from "../registry/model.js";
import { allowed, type Factor, factorsOf, selectionOf } from "./matrix-factors.js";
import { MATRIX_CAP, pairwise } from "./matrix-pairwise.js";
import type { Selection } from "./selection.js";

export type MatrixPlan = {
	readonly combinations: readonly Selection[];
	/** How many combinations the rules allow (`--all` checks them all); undefined: more than the cap. */
	readonly space: number | undefined;
	/** Pairs of choices no combination may hold: a rule of the registry forbids them. */
	readonly declared: readonly { readonly a: string; readonly b: string; readonly where: string }[];
	/** Pairs of choices no planned combination holds: the cap was reached first (0 when all are covered). */
	readonly uncovered: number;
};

/**
 * The combinations to check: every one the rules allow (`all`, refused past `cap` with the size of
 * the space), or a set in which every allowed pair of choices appears at least once (`pairwise`,
 * greedy as in AETG: each new combination takes the choices that cover the most pairs not yet
 * covered, keeping to the rules).
 */
export function planMatrix(registry: Registry, how: "all" | "pairwise", cap = MATRIX_CAP): MatrixPlan {
	const factors = factorsOf(registry);
	if (factors.length === 0)
		throw new HpmError("empty-matrix", "the registry has no group with options: there is nothing to combine", {
			hint: "add groups with `hpm registry group add` and options with `hpm registry add --group`",
		});
	const { found: all, complete } = enumerate(registry, factors, cap + 1);
	const space = complete && all.length <= cap ? all.length : undefined;
	if (how === "all") {
		if (space === undefined)
			throw new HpmError(
				"matrix-too-large",
				`more than ${cap} combinations are allowed by the rules (${factors.length} factors); --all stops there`,
				{
					hint: "check a pairwise-covering set instead (--pairwise, the default), or declare rules that narrow the space",
				},
			);
		return { combinations: all, space, declared: declaredPairs(registry), uncovered: 0 };
	}
	const { combinations, uncovered } = pairwise(registry, factors);
	return { combinations, space, declared: declaredPairs(registry), uncovered };
}

/** Every complete combination the rules allow, up to `limit` (and at most 20,000 looked at). */
function enumerate(
	registry: Registry,
	factors: readonly Factor[],
	limit: number,
): { found: Selection[]; complete: boolean } {
	const out: Selection[] = [];
	const levels: number[] = [];
	let looked = 0;
	const walk = (depth: number) => {
		if (out.length >= limit || looked > 20_000) return;
		if (depth === factors.length) {
			looked++;
			const selection = selectionOf(factors, levels);
			if (allowed(registry, selection)) out.push(selection);
			return;
		}
		const factor = factors[depth];
		if (!factor) return;
		for (let index = 0; index < factor.levels.length; index++) {
			levels[depth] = index;
			walk(depth + 1);
		}
		levels.length = depth;
	};
	walk(0);
	return { found: out, complete: out.length < limit && looked <= 20_000 };
}

/** The pairs a `conflicts` rule names: no combination holds them, and the table says so. */
function declaredPairs(registry: Registry): { a: string; b: string; where: string }[] {
	const pairs: { a: string; b: string; where: string }[] = [];
	const label = (group: string, option: string) =>
		`${registry.groups.get(group)?.name ?? group}=${registry.packages.get(option)?.name ?? option}`;
	for (const group of registry.groups.values())
		for (const rule of group.constraints)
			if (rule.kind === "conflicts")
				pairs.push({
					a: label(group.key, rule.option),
					b: label(rule.target.group, rule.target.option),
					where: `${path.relative(registry.root, rule.location.file)}:${rule.location.line ?? 1}`,
				});
	return pairs;
}
