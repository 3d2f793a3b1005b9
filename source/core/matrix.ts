import path from "node:path";
import { constraintProblems } from "./constraints.js";
import { HpmError } from "./errors.js";
import { normalizeName } from "./names.js";
import type { Registry } from "./registry/model.js";
import type { Selection } from "./selection.js";

/**
 * The factors a matrix varies: each 1-of-N group is one factor whose levels are its options; each
 * option of an M-of-N group is a factor of its own, in or out (so two options of one M-of-N group
 * are also tried together).
 */
type Factor =
	| { readonly kind: "one"; readonly group: string; readonly levels: readonly string[] }
	| { readonly kind: "some"; readonly group: string; readonly option: string; readonly levels: readonly [true, false] };

/** One value of a factor: `group=option` chosen (or, for an M-of-N option, left out). */
export type Level = { readonly group: string; readonly option: string; readonly chosen: boolean };

export type MatrixPlan = {
	readonly combinations: readonly Selection[];
	/** How many combinations the rules allow (`--all` checks them all; counted up to the cap). */
	readonly space: number;
	/** Pairs of choices no combination may hold: a rule of the registry forbids them. */
	readonly declared: readonly { readonly a: string; readonly b: string; readonly where: string }[];
};

export const MATRIX_CAP = 512;

function factorsOf(registry: Registry): Factor[] {
	const factors: Factor[] = [];
	for (const group of registry.groups.values()) {
		if (group.options.length === 0) continue;
		if (group.strategy === "1-of-N") factors.push({ kind: "one", group: group.key, levels: group.options });
		else
			for (const option of group.options)
				factors.push({ kind: "some", group: group.key, option, levels: [true, false] });
	}
	return factors;
}

function levelOf(factor: Factor, index: number): Level {
	return factor.kind === "one"
		? { group: factor.group, option: factor.levels[index] ?? "", chosen: true }
		: { group: factor.group, option: factor.option, chosen: index === 0 };
}

function selectionOf(factors: readonly Factor[], levels: readonly (number | undefined)[]): Map<string, string[]> {
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
function allowed(registry: Registry, selection: Selection): boolean {
	return constraintProblems(registry, selection).length === 0;
}

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
	const all = enumerate(registry, factors, cap + 1);
	if (how === "all") {
		if (all.length > cap)
			throw new HpmError(
				"matrix-too-large",
				`more than ${cap} combinations are allowed by the rules (${factors.length} factors); --all stops there`,
				{
					hint: "check a pairwise-covering set instead (--pairwise, the default), or declare rules that narrow the space",
				},
			);
		return { combinations: all, space: all.length, declared: declaredPairs(registry, factors) };
	}
	return { combinations: pairwise(registry, factors), space: all.length, declared: declaredPairs(registry, factors) };
}

/** Every complete combination the rules allow, up to `limit`. */
function enumerate(registry: Registry, factors: readonly Factor[], limit: number): Selection[] {
	const out: Selection[] = [];
	const levels: number[] = [];
	const walk = (depth: number) => {
		if (out.length >= limit) return;
		if (depth === factors.length) {
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
	return out;
}

const pairKey = (i: number, a: number, j: number, b: number) => `${i}:${a}|${j}:${b}`;

function pairwise(registry: Registry, factors: readonly Factor[]): Selection[] {
	// every pair of levels of two factors, except those the rules forbid outright
	const uncovered = new Set<string>();
	for (let i = 0; i < factors.length; i++)
		for (let j = i + 1; j < factors.length; j++)
			for (let a = 0; a < (factors[i]?.levels.length ?? 0); a++)
				for (let b = 0; b < (factors[j]?.levels.length ?? 0); b++) uncovered.add(pairKey(i, a, j, b));
	const combinations: Selection[] = [];
	const seen = new Set<string>();
	const gain = (levels: readonly (number | undefined)[], at: number, index: number) => {
		let count = 0;
		for (let other = 0; other < factors.length; other++) {
			const level = levels[other];
			if (other === at || level === undefined) continue;
			if (uncovered.has(other < at ? pairKey(other, level, at, index) : pairKey(at, index, other, level))) count++;
		}
		return count;
	};
	while (uncovered.size > 0 && combinations.length < MATRIX_CAP) {
		const [seed] = uncovered;
		if (seed === undefined) break;
		const match = /^(\d+):(\d+)\|(\d+):(\d+)$/.exec(seed);
		const [i, a, j, b] = [1, 2, 3, 4].map((n) => Number(match?.[n]));
		const levels: (number | undefined)[] = factors.map(() => undefined);
		levels[i ?? 0] = a;
		levels[j ?? 0] = b;
		// the seed pair itself may be one the rules forbid in every combination: then it is dropped
		for (let at = 0; at < factors.length; at++) {
			if (levels[at] !== undefined) continue;
			const factor = factors[at];
			if (!factor) continue;
			let best: number | undefined;
			let bestGain = -1;
			for (let index = 0; index < factor.levels.length; index++) {
				levels[at] = index;
				const score = gain(levels, at, index);
				levels[at] = undefined;
				if (score > bestGain) {
					best = index;
					bestGain = score;
				}
			}
			levels[at] = best;
		}
		let selection: Selection = selectionOf(factors, levels);
		if (!allowed(registry, selection)) selection = repair(registry, factors, levels, [i ?? 0, j ?? 0]) ?? selection;
		const valid = allowed(registry, selection);
		const key = JSON.stringify([...selection].sort());
		if (valid && !seen.has(key)) {
			seen.add(key);
			combinations.push(selection);
		}
		// what this combination covers is covered; an impossible seed is never tried again
		const chosen = factors.map((factor, index) => levelIndex(factor, selection, levels[index]));
		if (valid)
			for (let x = 0; x < factors.length; x++)
				for (let y = x + 1; y < factors.length; y++) {
					const lx = chosen[x];
					const ly = chosen[y];
					if (lx !== undefined && ly !== undefined) uncovered.delete(pairKey(x, lx, y, ly));
				}
		uncovered.delete(seed);
	}
	return combinations;
}

/** The level a factor has in a combination (repair may have changed what greedy chose). */
function levelIndex(factor: Factor, selection: Selection, fallback: number | undefined): number | undefined {
	const chosen = selection.get(factor.group) ?? [];
	if (factor.kind === "one") {
		const index = factor.levels.findIndex((option) => chosen.includes(option));
		return index === -1 ? fallback : index;
	}
	return chosen.includes(factor.option) ? 0 : 1;
}

/**
 * A combination that keeps the two fixed factors and breaks no rule, found by trying each other
 * factor's levels in turn (a `requires` is met by choosing what it names, a `conflicts` by leaving
 * it out); undefined when none is found that way.
 */
function repair(
	registry: Registry,
	factors: readonly Factor[],
	start: readonly (number | undefined)[],
	fixed: readonly number[],
): Selection | undefined {
	const levels = [...start];
	for (let pass = 0; pass < 3; pass++) {
		for (let at = 0; at < factors.length; at++) {
			if (fixed.includes(at)) continue;
			const factor = factors[at];
			if (!factor) continue;
			const before = constraintProblems(registry, selectionOf(factors, levels)).length;
			if (before === 0) return selectionOf(factors, levels);
			for (let index = 0; index < factor.levels.length; index++) {
				const trial = [...levels];
				trial[at] = index;
				if (constraintProblems(registry, selectionOf(factors, trial)).length < before) {
					levels[at] = index;
					break;
				}
			}
		}
	}
	const selection = selectionOf(factors, levels);
	return allowed(registry, selection) ? selection : undefined;
}

/** The pairs a `conflicts` rule names: no combination holds them, and the table says so. */
function declaredPairs(registry: Registry, factors: readonly Factor[]): { a: string; b: string; where: string }[] {
	const pairs: { a: string; b: string; where: string }[] = [];
	const label = (group: string, option: string) =>
		`${registry.groups.get(group)?.name ?? group}=${registry.packages.get(option)?.name ?? option}`;
	void factors;
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

/** `inference=a,metrics=b+c` as a selection: exactly these choices, every other group unchosen. */
export function parseCombination(registry: Registry, text: string): Selection {
	const selection = new Map<string, string[]>();
	for (const part of text
		.split(",")
		.map((p) => p.trim())
		.filter(Boolean)) {
		const match = /^([^=\s]+)=([^=\s]*)$/.exec(part);
		if (!match)
			throw new HpmError("usage", `--combination: "${part}" is not group=option`, {
				hint: 'for example --combination "inference=vlm-adapter-qwen,metrics=metric-bleu+metric-rouge"',
			});
		const group = registry.groups.get(normalizeName(match[1] ?? ""));
		if (!group)
			throw new HpmError("unknown-group", `--combination: no group "${match[1]}"`, {
				hint: `groups: ${[...registry.groups.values()].map((g) => g.name).join(", ")}`,
			});
		const options = (match[2] ?? "").split("+").filter(Boolean).map(normalizeName);
		for (const option of options)
			if (!group.options.includes(option))
				throw new HpmError("unknown-option", `--combination: group "${group.name}" has no option "${option}"`, {
					hint: `its options: ${group.options.map((o) => registry.packages.get(o)?.name ?? o).join(", ")}`,
				});
		if (group.strategy === "1-of-N" && options.length > 1)
			throw new HpmError(
				"usage",
				`--combination: group "${group.name}" is 1-of-N; give one option, not ${options.length}`,
			);
		if (selection.has(group.key)) throw new HpmError("usage", `--combination names group "${group.name}" twice`);
		selection.set(group.key, options);
	}
	return selection;
}

/** A selection as `--combination` takes it back: `inference=a,metrics=b+c`, in registry order. */
export function formatCombination(registry: Registry, selection: Selection): string {
	return [...registry.groups.values()]
		.filter((group) => (selection.get(group.key) ?? []).length > 0)
		.map(
			(group) =>
				`${group.name}=${(selection.get(group.key) ?? []).map((o) => registry.packages.get(o)?.name ?? o).join("+")}`,
		)
		.join(",");
}
