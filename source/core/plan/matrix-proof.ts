import { type Factor, factorsOf, allowed, selectionOf } from "./matrix-factors.js";
import type { Registry } from "../registry/model.js";
import type { Selection } from "./selection.js";

/**
 * What a matrix proves, pair by pair. A pair of choices goes together only when a set that
 * resolved held both; it conflicts only when a proven minimal set is exactly the two. A choice
 * that fails with the project alone, and a set of three or more that fails only together, are
 * reported as what they are, never as pairs. A pair no resolution proved either way is retried in
 * other combinations that avoid every known conflict, and what stays open is listed with why.
 */

/** `group=option` by keys: one choice of a combination. */
export type ChoiceKey = string;

/** What one combination's check proved. */
export type Evidence = {
	readonly ok: boolean;
	/** Minimal failing sets (by resolutions), as choices. */
	readonly conflicts: readonly (readonly ChoiceKey[])[];
	/** Sets that resolved: each proves its pairs go together. */
	readonly resolved: readonly (readonly ChoiceKey[])[];
	/** The failure was not narrowed to sets (a limit, or uv failing for a reason of its own). */
	readonly unexplained: boolean;
	/** The project's own dependencies fail without any choice: no combination can resolve. */
	readonly projectFails?: boolean | undefined;
};

export type PairProof = {
	readonly a: ChoiceKey;
	readonly b: ChoiceKey;
	readonly status: "compatible" | "conflict" | "uncovered";
	/** For uncovered: why no resolution proved it either way. */
	readonly reason?: string;
};

export type MatrixProof = {
	readonly pairs: readonly PairProof[];
	/** Proven minimal sets: one choice (fails alone), two (a conflicting pair), three or more. */
	readonly conflicts: readonly (readonly ChoiceKey[])[];
	/** Combinations added after the plan to settle pairs the plan left open. */
	readonly retried: number;
	/** The project's own dependencies fail without any choice (every combination fails for it). */
	readonly projectFails: boolean;
};

/** Combinations a matrix adds at most to settle open pairs. */
const MAX_RETRIES = 256;

export function choiceKeysOf(selection: Selection): ChoiceKey[] {
	return [...selection].flatMap(([group, options]) => options.map((option) => `${group}=${option}`));
}

const pairKey = (a: ChoiceKey, b: ChoiceKey) => (a < b ? `${a}\n${b}` : `${b}\n${a}`);

/**
 * Runs `planned` through `runWave` (which resolves combinations, in parallel as it likes), then
 * keeps adding combinations for the pairs no resolution settled, until each is compatible, a
 * conflict, or shown impossible to try without a known conflict (or `maxRetries` is reached).
 */
export async function* proveMatrix<E>(
	registry: Registry,
	planned: readonly Selection[],
	runWave: (combinations: readonly Selection[]) => AsyncGenerator<E, readonly Evidence[]>,
	maxRetries = MAX_RETRIES,
): AsyncGenerator<E, MatrixProof> {
	const factors = factorsOf(registry);
	const targets = new Map<string, [ChoiceKey, ChoiceKey]>();
	const compatible = new Set<string>();
	const conflicts = new Map<string, ChoiceKey[]>();
	const tried = new Set<string>();
	const addPairs = (choices: readonly ChoiceKey[], into: (key: string, a: ChoiceKey, b: ChoiceKey) => void) => {
		for (let x = 0; x < choices.length; x++)
			for (let y = x + 1; y < choices.length; y++) {
				const a = choices[x] ?? "";
				const b = choices[y] ?? "";
				into(pairKey(a, b), a, b);
			}
	};
	for (const selection of planned)
		addPairs(choiceKeysOf(selection), (key, a, b) => targets.set(key, a < b ? [a, b] : [b, a]));
	let wave: readonly Selection[] = planned;
	let retried = 0;
	const blocked = new Map<string, string>();
	let projectFails = false;
	for (;;) {
		for (const s of wave) tried.add(comboKey(s));
		const evidence = yield* runWave(wave);
		for (const found of evidence) {
			// a set proves its pairs only when the registry's rules could hold it: a `requires` whose
			// target the set lacks would bring that target along in every allowed combination
			for (const set of found.resolved)
				if (closedUnderRequires(registry, set)) addPairs(set, (key) => compatible.add(key));
			for (const set of found.conflicts) conflicts.set([...set].sort().join("\n"), [...set].sort());
			if (found.projectFails) projectFails = true;
		}
		if (projectFails) {
			for (const [key] of targets)
				if (!settled(key))
					blocked.set(key, "not proven: the project's own dependencies do not resolve, whatever is chosen");
			break;
		}
		const open = [...targets].filter(([key]) => !settled(key));
		if (open.length === 0 || retried >= maxRetries) {
			for (const [key] of open)
				if (!blocked.has(key)) blocked.set(key, `not tried: the matrix adds at most ${maxRetries} combinations`);
			break;
		}
		// combinations that hold open pairs and no known conflict
		const next: Selection[] = [];
		const claimed = new Set<string>();
		for (const [key, [a, b]] of open) {
			if (claimed.has(key) || retried + next.length >= maxRetries) continue;
			const selection = completeWith(
				registry,
				factors,
				[a, b],
				[...conflicts.values()],
				(choice, chosen) =>
					chosen.filter((other) => {
						const k = pairKey(choice, other);
						return targets.has(k) && !settled(k) && !claimed.has(k);
					}).length,
			);
			if (!selection) {
				// allowed by the rules, but only alongside a known conflict (a `requires` can bring one)
				const anyway = completeWith(registry, factors, [a, b], [], () => 0);
				const inside = anyway
					? [...conflicts.values()].filter((set) => set.every((c) => choiceKeysOf(anyway).includes(c)))
					: [];
				blocked.set(
					key,
					anyway && inside.length > 0
						? `not proven: every combination the rules allow with both also holds a known conflict (${inside
								.slice(0, 3)
								.map((set) => set.join(" + "))
								.join("; ")})`
						: blockReason(a, b, [...conflicts.values()]),
				);
				continue;
			}
			if (tried.has(comboKey(selection))) {
				// tried, and it failed for a reason not narrowed to choices (a limit, uv's own failure)
				blocked.set(
					key,
					"not proven: the combinations holding both failed for a reason hpm could not narrow to choices (see their problems)",
				);
				continue;
			}
			blocked.delete(key);
			tried.add(comboKey(selection));
			next.push(selection);
			addPairs(choiceKeysOf(selection), (k) => claimed.add(k));
		}
		if (next.length === 0) break;
		retried += next.length;
		wave = next;
	}
	const pairs: PairProof[] = [...targets].map(([key, [a, b]]) =>
		compatible.has(key)
			? { a, b, status: "compatible" }
			: conflicts.has(key)
				? { a, b, status: "conflict" }
				: {
						a,
						b,
						status: "uncovered",
						reason: conflicts.has(a)
							? `not tried together: ${a} fails on its own`
							: conflicts.has(b)
								? `not tried together: ${b} fails on its own`
								: (blocked.get(key) ?? blockReason(a, b, [...conflicts.values()])),
					},
	);
	return { pairs, conflicts: [...conflicts.values()], retried, projectFails };

	function settled(key: string): boolean {
		if (compatible.has(key) || conflicts.has(key)) return true;
		// a pair with a choice that fails on its own cannot be tried: that is its answer
		const [a, b] = key.split("\n");
		return conflicts.has(a ?? "") || conflicts.has(b ?? "");
	}
}

/** Whether every `requires` of a choice in `set` names a choice the set also holds. */
function closedUnderRequires(registry: Registry, set: readonly ChoiceKey[]): boolean {
	const held = new Set(set);
	for (const choice of set) {
		const [group, option] = choice.split("=");
		for (const rule of registry.groups.get(group ?? "")?.constraints ?? [])
			if (rule.kind === "requires" && rule.option === option && !held.has(`${rule.target.group}=${rule.target.option}`))
				return false;
	}
	return true;
}

function comboKey(selection: Selection): string {
	return choiceKeysOf(selection).sort().join(",");
}

/** Why a pair could not be tried: every way to hold both also holds a known conflict. */
function blockReason(a: ChoiceKey, b: ChoiceKey, conflicts: readonly (readonly ChoiceKey[])[]): string {
	const touching = conflicts.filter((set) => set.length > 1 && (set.includes(a) || set.includes(b)));
	const named = touching.slice(0, 3).map((set) => set.join(" + "));
	return touching.length > 0
		? `not proven: every combination the rules allow with both also holds a known conflict (${named.join("; ")})`
		: "not proven: no combination the rules allow holds both";
}

/**
 * A complete combination the rules allow holding every choice of `must` and no whole set of
 * `avoid`, preferring at each factor the level `gain` rates highest; undefined when none exists
 * (or 20,000 partial combinations were looked at).
 */
function completeWith(
	registry: Registry,
	factors: readonly Factor[],
	must: readonly ChoiceKey[],
	avoid: readonly (readonly ChoiceKey[])[],
	gain: (choice: ChoiceKey, chosen: readonly ChoiceKey[]) => number,
): Selection | undefined {
	const choiceAt = (factor: Factor, level: number): ChoiceKey | undefined =>
		factor.kind === "one"
			? factor.levels[level]
				? `${factor.group}=${factor.levels[level]}`
				: undefined
			: level === 0
				? `${factor.group}=${factor.option}`
				: undefined;
	const levels: (number | undefined)[] = factors.map(() => undefined);
	const chosen: ChoiceKey[] = [];
	let looked = 0;
	const containsAvoided = () => avoid.some((set) => set.length > 0 && set.every((choice) => chosen.includes(choice)));
	const walk = (depth: number): Selection | undefined => {
		if (++looked > 20_000) return undefined;
		if (depth === factors.length) {
			const selection = selectionOf(factors, levels);
			return allowed(registry, selection) ? selection : undefined;
		}
		const factor = factors[depth];
		if (!factor) return undefined;
		const options = factor.levels.map((_, level) => level);
		const forced = options.filter((level) => {
			const choice = choiceAt(factor, level);
			return choice !== undefined && must.includes(choice);
		});
		const order = forced.length > 0 ? forced : options.sort((x, y) => score(factor, y) - score(factor, x));
		for (const level of order) {
			const choice = choiceAt(factor, level);
			levels[depth] = level;
			if (choice !== undefined) chosen.push(choice);
			const found = containsAvoided() ? undefined : walk(depth + 1);
			if (choice !== undefined) chosen.pop();
			if (found) return found;
		}
		levels[depth] = undefined;
		return undefined;
	};
	const score = (factor: Factor, level: number) => {
		const choice = choiceAt(factor, level);
		// leaving an M-of-N option out scores zero: it adds no pair, and it can never conflict
		return choice === undefined ? 0 : gain(choice, chosen) + 0.5;
	};
	return walk(0);
}
