import path from "node:path";
import { constraintProblems } from "../registry/constraints.js";
import { HpmError } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
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

export type MatrixPlan = {
	readonly combinations: readonly Selection[];
	/** How many combinations the rules allow (`--all` checks them all); undefined: more than the cap. */
	readonly space: number | undefined;
	/** Pairs of choices no combination may hold: a rule of the registry forbids them. */
	readonly declared: readonly { readonly a: string; readonly b: string; readonly where: string }[];
	/** Pairs of choices no planned combination holds: the cap was reached first (0 when all are covered). */
	readonly uncovered: number;
};

export const MATRIX_CAP = 512;

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

function pairwise(registry: Registry, factors: readonly Factor[]): { combinations: Selection[]; uncovered: number } {
	const { forces, excludes } = implications(registry, factors);
	/**
	 * Sets factor `at` to `level` in `levels` and everything that forces, in place; false when that
	 * contradicts what is set (a level set otherwise, or ruled out by a `conflicts`).
	 */
	const fix = (levels: (number | undefined)[], at: number, level: number): boolean => {
		const current = levels[at];
		if (current !== undefined) return current === level;
		for (const [f, l] of excludes.get(`${at}:${level}`) ?? []) if (levels[f] === l) return false;
		levels[at] = level;
		for (const [f, l] of forces.get(`${at}:${level}`) ?? []) if (!fix(levels, f, l)) return false;
		return true;
	};
	const tryFix = (levels: readonly (number | undefined)[], at: number, level: number) => {
		const trial = [...levels];
		return fix(trial, at, level) ? trial : undefined;
	};
	/** A complete assignment extending `start` that the rules allow, by backtracking (20,000 steps at most). */
	const search = (start: readonly (number | undefined)[]): (number | undefined)[] | undefined => {
		let steps = 0;
		const walk = (levels: readonly (number | undefined)[], at: number): (number | undefined)[] | undefined => {
			if (++steps > 20_000) return undefined;
			if (at === factors.length) return allowed(registry, selectionOf(factors, levels)) ? [...levels] : undefined;
			if (levels[at] !== undefined) return walk(levels, at + 1);
			for (let index = 0; index < (factors[at]?.levels.length ?? 0); index++) {
				const trial = tryFix(levels, at, index);
				const found = trial && walk(trial, at + 1);
				if (found) return found;
			}
			return undefined;
		};
		return walk(start, 0);
	};
	// each level of each factor is a number; a pair of them one cell of a bitmap (pairs within one
	// factor start covered: they never occur)
	const offsets: number[] = [];
	let total = 0;
	for (const factor of factors) {
		offsets.push(total);
		total += factor.levels.length;
	}
	const factorOf = new Int32Array(total);
	factors.forEach((factor, f) => factorOf.fill(f, offsets[f], (offsets[f] ?? 0) + factor.levels.length));
	// only the cells a < b of two different factors are pairs to cover; every other cell starts covered
	const covered = new Uint8Array(total * total).fill(1);
	let remaining = 0;
	for (let a = 0; a < total; a++)
		for (let b = a + 1; b < total; b++) {
			if (factorOf[a] === factorOf[b]) continue;
			covered[a * total + b] = 0;
			remaining++;
		}
	const id = (f: number, l: number) => (offsets[f] ?? 0) + l;
	const cell = (x: number, y: number) => (x < y ? x * total + y : y * total + x);
	// the pairs not yet covered that a trial adds: those touching a factor it set
	const gain = (before: readonly (number | undefined)[], trial: readonly (number | undefined)[]) => {
		let count = 0;
		for (let x = 0; x < factors.length; x++) {
			const lx = trial[x];
			if (lx === undefined || before[x] !== undefined) continue;
			const ix = id(x, lx);
			for (let y = 0; y < factors.length; y++) {
				const ly = trial[y];
				if (y === x || ly === undefined || (before[y] === undefined && y < x)) continue;
				if (covered[cell(ix, id(y, ly))] === 0) count++;
			}
		}
		return count;
	};
	const combinations: Selection[] = [];
	const seen = new Set<string>();
	let cursor = 0;
	while (remaining > 0 && combinations.length < MATRIX_CAP) {
		// the next pair not covered yet seeds a combination
		while (cursor < total * total && covered[cursor] !== 0) cursor++;
		if (cursor >= total * total) break;
		const a = Math.floor(cursor / total);
		const b = cursor % total;
		covered[cursor] = 1;
		remaining--;
		const [i, j] = [factorOf[a] ?? 0, factorOf[b] ?? 0];
		let seed: (number | undefined)[] | undefined = factors.map(() => undefined);
		seed = tryFix(seed, i, a - (offsets[i] ?? 0));
		seed = seed && tryFix(seed, j, b - (offsets[j] ?? 0));
		// a pair the rules never allow together is dropped here
		if (!seed) continue;
		let levels: (number | undefined)[] | undefined = seed;
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
		// the greedy fill can walk into a dead end (a rule, or min and max of an M-of-N group, checked
		// on the whole combination): the pair is then placed by a search that backtracks, and dropped
		// only when no combination the rules allow holds it
		if (!levels || !allowed(registry, selectionOf(factors, levels))) levels = search(seed);
		if (!levels) continue;
		const selection = selectionOf(factors, levels);
		const key = JSON.stringify([...selection].sort());
		if (seen.has(key)) continue;
		seen.add(key);
		combinations.push(selection);
		const ids = levels.map((l, f) => (l === undefined ? -1 : id(f, l)));
		for (let x = 0; x < ids.length; x++)
			for (let y = x + 1; y < ids.length; y++) {
				const ix = ids[x] ?? -1;
				const iy = ids[y] ?? -1;
				if (ix < 0 || iy < 0) continue;
				const c = cell(ix, iy);
				if (covered[c] === 0) {
					covered[c] = 1;
					remaining--;
				}
			}
	}
	return { combinations, uncovered: remaining };
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

/** `inference=a,metrics=b+c` as a selection: exactly these choices, every other group unchosen. */
export function parseCombination(registry: Registry, text: string): Selection {
	const selection = new Map<string, string[]>();
	if (text.trim() === "")
		throw new HpmError("usage", "--combination needs group=option[,group=option+option...]", {
			hint: combinationExample(registry),
		});
	for (const part of text.split(",").map((p) => p.trim())) {
		const match = /^([^=\s]+)\s*=\s*([^=\s]+)$/.exec(part);
		if (!match)
			throw new HpmError("usage", `--combination: "${part}" is not group=option`, {
				hint: combinationExample(registry),
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

/** A hint with a combination of this registry's own (its first two groups' first options). */
function combinationExample(registry: Registry): string {
	const parts = [...registry.groups.values()]
		.filter((group) => group.options.length > 0)
		.slice(0, 2)
		.map((group) => `${group.name}=${registry.packages.get(group.options[0] ?? "")?.name ?? group.options[0]}`);
	return parts.length > 0
		? `for example --combination "${parts.join(",")}"`
		: "write --combination group=option[,group=option+option...]";
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
