import type { Registry } from "../registry/model.js";
import { allowed, type Factor, selectionOf } from "./matrix-factors.js";
import type { Selection } from "./selection.js";

/** At most this many combinations are planned (and --all checks at most this many). */
export const MATRIX_CAP = 512;

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

/** A set of combinations in which every pair of choices the rules allow appears at least once (greedy, as in AETG). */
export function pairwise(
	registry: Registry,
	factors: readonly Factor[],
): { combinations: Selection[]; uncovered: number } {
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
