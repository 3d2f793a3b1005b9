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
	/** How many combinations the rules allow (`--all` checks them all); undefined: more than the cap. */
	readonly space: number | undefined;
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
		return { combinations: all, space, declared: declaredPairs(registry, factors) };
	}
	return { combinations: pairwise(registry, factors), space, declared: declaredPairs(registry, factors) };
}

/** Every complete combination the rules allow, up to `limit` (and at most 200,000 looked at). */
function enumerate(
	registry: Registry,
	factors: readonly Factor[],
	limit: number,
): { found: Selection[]; complete: boolean } {
	const out: Selection[] = [];
	const levels: number[] = [];
	let looked = 0;
	const walk = (depth: number) => {
		if (out.length >= limit || looked > 200_000) return;
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
	return { found: out, complete: out.length < limit && looked <= 200_000 };
}

const pairKey = (i: number, a: number, j: number, b: number) => `${i}:${a}|${j}:${b}`;

/** A factor's level, as an index pair. */
type Pick = readonly [factor: number, level: number];

/**
 * The registry's requires/conflicts as implications between factor levels: choosing a level
 * forces others (`requires`) and rules others out (`conflicts`, both ways).
 */
function implications(registry: Registry, factors: readonly Factor[]) {
	const where = (group: string, option: string): Pick | undefined => {
		const index = factors.findIndex((f) => f.group === group && (f.kind === "one" || f.option === option));
		const factor = factors[index];
		if (!factor) return undefined;
		return factor.kind === "one" ? [index, factor.levels.indexOf(option)] : [index, 0];
	};
	const forces = new Map<string, Pick[]>();
	const excludes = new Map<string, Pick[]>();
	const push = (map: Map<string, Pick[]>, from: Pick, to: Pick) => {
		const key = `${from[0]}:${from[1]}`;
		map.set(key, [...(map.get(key) ?? []), to]);
	};
	for (const group of registry.groups.values())
		for (const rule of group.constraints) {
			const from = where(group.key, rule.option);
			const to = where(rule.target.group, rule.target.option);
			if (!from || !to || from[1] < 0 || to[1] < 0) continue;
			if (rule.kind === "requires") push(forces, from, to);
			else {
				push(excludes, from, to);
				push(excludes, to, from);
			}
		}
	return { forces, excludes };
}

function pairwise(registry: Registry, factors: readonly Factor[]): Selection[] {
	const { forces, excludes } = implications(registry, factors);
	/**
	 * Sets factor `at` to `level` in `levels` and everything that forces, in place; false when that
	 * contradicts what is set (a level set otherwise, or ruled out by a `conflicts`).
	 */
	const fix = (levels: (number | undefined)[], at: number, level: number): boolean => {
		const current = levels[at];
		if (current !== undefined) return current === level;
		for (let other = 0; other < factors.length; other++) {
			const set = levels[other];
			if (set === undefined) continue;
			if ((excludes.get(`${other}:${set}`) ?? []).some(([f, l]) => f === at && l === level)) return false;
		}
		levels[at] = level;
		for (const [f, l] of forces.get(`${at}:${level}`) ?? []) if (!fix(levels, f, l)) return false;
		return true;
	};
	const tryFix = (levels: readonly (number | undefined)[], at: number, level: number) => {
		const trial = [...levels];
		return fix(trial, at, level) ? trial : undefined;
	};
	// every pair of levels of two factors is to be covered
	const uncovered = new Set<string>();
	for (let i = 0; i < factors.length; i++)
		for (let j = i + 1; j < factors.length; j++)
			for (let a = 0; a < (factors[i]?.levels.length ?? 0); a++)
				for (let b = 0; b < (factors[j]?.levels.length ?? 0); b++) uncovered.add(pairKey(i, a, j, b));
	const combinations: Selection[] = [];
	const seen = new Set<string>();
	// the pairs not yet covered that a trial adds: those touching a factor it set
	const gain = (before: readonly (number | undefined)[], trial: readonly (number | undefined)[]) => {
		let count = 0;
		for (let x = 0; x < factors.length; x++) {
			const lx = trial[x];
			if (lx === undefined || before[x] !== undefined) continue;
			for (let y = 0; y < factors.length; y++) {
				const ly = trial[y];
				if (y === x || ly === undefined) continue;
				// a pair of two newly set factors is counted once
				if (before[y] === undefined && y < x) continue;
				if (uncovered.has(x < y ? pairKey(x, lx, y, ly) : pairKey(y, ly, x, lx))) count++;
			}
		}
		return count;
	};
	while (uncovered.size > 0 && combinations.length < MATRIX_CAP) {
		const [seed] = uncovered;
		if (seed === undefined) break;
		uncovered.delete(seed);
		const match = /^(\d+):(\d+)\|(\d+):(\d+)$/.exec(seed);
		const [i, a, j, b] = [1, 2, 3, 4].map((n) => Number(match?.[n] ?? 0)) as [number, number, number, number];
		// the seed pair, with what it forces; a pair the rules never allow together is dropped here
		let levels: (number | undefined)[] | undefined = factors.map(() => undefined);
		levels = tryFix(levels, i, a);
		levels = levels && tryFix(levels, j, b);
		if (!levels) continue;
		for (let at = 0; at < factors.length && levels; at++) {
			if (levels[at] !== undefined) continue;
			let best: (number | undefined)[] | undefined;
			let bestGain = -1;
			for (let index = 0; index < (factors[at]?.levels.length ?? 0); index++) {
				const trial = tryFix(levels, at, index);
				if (!trial) continue;
				const score = gain(levels, trial);
				if (score > bestGain) {
					best = trial;
					bestGain = score;
				}
			}
			levels = best;
		}
		if (!levels) continue;
		const selection = selectionOf(factors, levels);
		// min and max of M-of-N groups are checked on the whole combination
		if (!allowed(registry, selection)) continue;
		const key = JSON.stringify([...selection].sort());
		if (seen.has(key)) continue;
		seen.add(key);
		combinations.push(selection);
		for (let x = 0; x < factors.length; x++)
			for (let y = x + 1; y < factors.length; y++) {
				const lx = levels[x];
				const ly = levels[y];
				if (lx !== undefined && ly !== undefined) uncovered.delete(pairKey(x, lx, y, ly));
			}
	}
	return combinations;
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
	if (text.trim() === "")
		throw new HpmError("usage", "--combination needs group=option[,group=option+option...]", {
			hint: 'for example --combination "inference=vlm-adapter-qwen,metrics=metric-bleu+metric-rouge"',
		});
	for (const part of text.split(",").map((p) => p.trim())) {
		const match = /^([^=\s]+)\s*=\s*([^=\s]+)$/.exec(part);
		if (!match)
			throw new HpmError("usage", `--combination: "${part}" is not group=option`, {
				hint: 'for example --combination "inference=vlm-adapter-qwen,metrics=metric-bleu+metric-rouge"',
			});
		const group = registry.groups.get(normalizeName(match[1] ?? ""));
		if (!group)
			throw new HpmError("unknown-group", `--combination: no group "${match[1]}"`, {
				hint: `groups: ${[...registry.groups.values()].map((g) => g.name).join(", ")}`,
			});
		const given = (match[2] ?? "").split("+");
		if (given.some((option) => option === ""))
			throw new HpmError("usage", `--combination: "${part}" has an empty option (write a+b)`);
		const options = given.map(normalizeName);
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
