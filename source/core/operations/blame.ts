/**
 * Minimal blame: which choices a failure is really about, proven by resolutions rather than read
 * from uv's prose. Dependency resolution is monotone (a set of requirements that resolves still
 * resolves with any requirement taken away), so a failing set narrowed by deletion ends as a
 * minimal one: together with the project's own dependencies it fails, and without any one of its
 * choices it resolves. Each narrowing step is one resolution; uv's explanation only chooses where
 * to start (the options it names are tried first), it never decides the verdict.
 */

/** What one resolution of a subset of the choices said (`D`: what the caller keeps of a failure). */
export type Outcome<T, D = unknown> =
	| { readonly ok: true }
	| {
			readonly ok: false;
			/** The caller's record of the failure (uv's lines), kept with the answer. */
			readonly data?: D | undefined;
			/** The choices uv's explanation names: tried first when narrowing. */
			readonly suspects: readonly T[];
			/**
			 * The failure is the source of exactly these choices (a git ref that does not exist, a source
			 * that cannot be reached, a build that fails): it is theirs whatever else is chosen, so it is
			 * taken without narrowing (narrowing would fetch or build it again for each step).
			 */
			readonly attributed?: readonly T[] | undefined;
			/**
			 * Packages the resolver could not find at all. A smaller set that misses a package the larger
			 * one found does not conflict: a choice taken away supplied it (an adapter whose sources bring
			 * the interface package), so that choice stays in the set.
			 */
			readonly missing?: readonly string[] | undefined;
			/** A failure narrowing cannot help with: uv failed for a reason of its own. Ends the search. */
			readonly final?: boolean | undefined;
	  };

export type Conflict<T, D = unknown> = {
	/**
	 * A minimal set: it fails, and (when `proven`) every set with one choice less resolves, or lacks
	 * a package only the missing choice supplies.
	 */
	readonly items: readonly T[];
	/** The failure of exactly `items` (its explanation is about them and nothing else). */
	readonly outcome: Extract<Outcome<T, D>, { ok: false }>;
	/** Minimality was shown by resolutions (false for an attributed source failure, taken as is). */
	readonly proven: boolean;
};

export type Blame<T, D = unknown> = {
	readonly conflicts: readonly Conflict<T, D>[];
	/** The project's own dependencies fail without any choice: no choice is to blame. */
	readonly projectFails?: Extract<Outcome<T, D>, { ok: false }> | undefined;
	/** A failure that ended the search without a set (uv failed for a reason of its own). */
	readonly unexplained?: Extract<Outcome<T, D>, { ok: false }> | undefined;
	/** A limit stopped the search while something still failed: more conflicts may exist. */
	readonly truncated: boolean;
	/**
	 * What is left once the conflicts are set aside fails only for want of a package they brought:
	 * it could not be checked on its own, so more conflicts may exist among it.
	 */
	readonly incomplete: boolean;
	/** Subsets that resolved (each proves every pair of its choices goes together). */
	readonly resolvedSets: readonly (readonly T[])[];
	/** Resolutions run (the first, of the whole set, included when it was run here). */
	readonly resolutions: number;
};

export type BlameLimits = {
	/** Resolutions at most, the first included. */
	readonly resolutions: number;
	/** Conflicts at most: past it, the search stops and says more may exist. */
	readonly conflicts: number;
};

/** README "Verdicts" states these. */
export const BLAME_LIMITS: BlameLimits = { resolutions: 64, conflicts: 12 };

class OutOfResolutions extends Error {}

/** Whether `smaller` misses a package `larger` found: a choice taken away supplied it. */
function lacksMore<T, D>(smaller: Outcome<T, D>, larger: Outcome<T, D>): boolean {
	if (smaller.ok || !smaller.missing || smaller.missing.length === 0) return false;
	const before = new Set(larger.ok ? [] : (larger.missing ?? []));
	return smaller.missing.some((name) => !before.has(name));
}

/**
 * Every independent conflict of `items`: a minimal failing set, then the same search in what is
 * left without it, until what is left resolves. `test` resolves a subset (the project's own
 * dependencies always included); `first` is the answer for the whole set when the caller has it.
 * Resolutions are remembered by `memo` (keyed by the sorted keys), which a caller may share across
 * selections: a matrix asks about the same subsets many times.
 */
export async function* minimalConflicts<T, E, D = unknown>(
	items: readonly T[],
	key: (item: T) => string,
	test: (subset: readonly T[]) => AsyncGenerator<E, Outcome<T, D>>,
	options: {
		readonly first?: Outcome<T, D> | undefined;
		readonly limits?: BlameLimits | undefined;
		readonly memo?: Map<string, Outcome<T, D>> | undefined;
	} = {},
): AsyncGenerator<E, Blame<T, D>> {
	const limits = options.limits ?? BLAME_LIMITS;
	const memo = options.memo ?? new Map<string, Outcome<T, D>>();
	const setKey = (subset: readonly T[]) => subset.map(key).sort().join("\n");
	const resolvedSets: T[][] = [];
	let resolutions = 0;
	async function* run(subset: readonly T[]): AsyncGenerator<E, Outcome<T, D>> {
		const k = setKey(subset);
		const known = memo.get(k);
		if (known) {
			if (known.ok) resolvedSets.push([...subset]);
			return known;
		}
		if (resolutions >= limits.resolutions) throw new OutOfResolutions();
		resolutions++;
		const outcome = yield* test(subset);
		memo.set(k, outcome);
		if (outcome.ok) resolvedSets.push([...subset]);
		return outcome;
	}
	const keysOf = (list: readonly T[]) => new Set(list.map(key));
	const within = (subset: readonly T[], of: readonly T[]) => {
		const keys = new Set(of.map(key));
		return subset.length > 0 && subset.length < of.length && subset.every((item) => keys.has(key(item)));
	};

	const conflicts: Conflict<T, D>[] = [];
	let projectFails: Extract<Outcome<T, D>, { ok: false }> | undefined;
	let unexplained: Extract<Outcome<T, D>, { ok: false }> | undefined;
	let truncated = false;
	let incomplete = false;
	let remaining = [...items];
	// the whole selection's failure: a smaller set that misses a package it found misses what a
	// choice taken away brings, which is no conflict of the smaller set's own
	let top: Outcome<T, D> | undefined;
	try {
		let current = options.first ?? (yield* run(remaining));
		if (options.first) memo.set(setKey(remaining), options.first);
		top = current;
		while (!current.ok) {
			if (current.final) {
				unexplained = current;
				break;
			}
			if (conflicts.length >= limits.conflicts) {
				truncated = true;
				break;
			}
			const narrowed = yield* narrow(remaining, current);
			if (narrowed === "project") {
				const base = memo.get("");
				projectFails = base && !base.ok ? base : current;
				break;
			}
			conflicts.push(narrowed);
			const out = new Set(narrowed.items.map(key));
			remaining = remaining.filter((item) => !out.has(key(item)));
			// a set proven minimal leaves a rest that resolved while narrowing, or one not tried yet
			if (remaining.length === 0) break;
			current = yield* run(remaining);
			// the rest fails only for want of a package the choices set aside brought: it cannot be
			// checked without them, and what it holds is not said to conflict
			if (!current.ok && lacksMore(current, top)) {
				incomplete = true;
				break;
			}
		}
	} catch (error) {
		if (!(error instanceof OutOfResolutions)) throw error;
		truncated = true;
	}
	return { conflicts, projectFails, unexplained, truncated, incomplete, resolvedSets, resolutions };

	/** A minimal failing subset of `set`, which fails with `failure`; "project" when none is needed. */
	async function* narrow(
		set: readonly T[],
		failure: Extract<Outcome<T, D>, { ok: false }>,
	): AsyncGenerator<E, Conflict<T, D> | "project"> {
		let failing = [...set];
		let outcome = failure;
		let uncertain = false;
		// a source's own failure is its own, whatever else is chosen
		if (outcome.attributed && outcome.attributed.length > 0 && outcome.attributed.every((a) => keysOf(set).has(key(a))))
			return { items: outcome.attributed, outcome, proven: false };
		// start from what uv names, when that alone fails
		if (within(outcome.suspects, failing)) {
			const suspects = yield* run(outcome.suspects);
			if (!suspects.ok && !suspects.final && !lacksMore(suspects, top ?? outcome)) {
				failing = [...outcome.suspects];
				outcome = suspects;
			}
		}
		// divide and conquer (Junker's QuickXplain): a minimal failing subset in about 2k·log(n/k)
		// resolutions for k choices at fault among n, where removing one at a time costs n
		failing = yield* quickXplain([], false, failing);
		// then each choice is tried out of the final set itself: minimality holds even where adding a
		// choice can help (it brings a source), and a smaller failing set found here is narrowed again
		for (let verified = false; !verified;) {
			verified = true;
			for (const item of failing) {
				const rest = failing.filter((other) => other !== item);
				const answer = yield* run(rest);
				if (!fails(answer)) continue;
				if (rest.length === 0) return "project";
				failing = yield* quickXplain([], false, rest);
				verified = false;
				break;
			}
		}
		// the explanation of exactly this set (already run, or run now: it fails by monotonicity)
		const exact = memo.get(setKey(failing));
		// in the order the choices were given, whatever order the search found them in
		const order = new Map(items.map((item, at) => [key(item), at]));
		failing.sort((x, y) => (order.get(key(x)) ?? 0) - (order.get(key(y)) ?? 0));
		return { items: failing, outcome: exact && !exact.ok ? exact : outcome, proven: !uncertain };

		/** A failure that counts as a conflict of its set (not a package a removed choice supplied). */
		function fails(answer: Outcome<T, D>): boolean {
			// uv failing for a reason of its own proves nothing either way: the set found is not proven
			if (!answer.ok && answer.final) uncertain = true;
			return !answer.ok && !answer.final && !lacksMore(answer, top ?? failure);
		}

		/** A minimal subset X of `candidates` such that `base` with X fails (`base` with all of them does). */
		async function* quickXplain(base: readonly T[], added: boolean, candidates: readonly T[]): AsyncGenerator<E, T[]> {
			if (added && fails(yield* run(base))) return [];
			if (candidates.length <= 1) return [...candidates];
			const half = Math.ceil(candidates.length / 2);
			const first = candidates.slice(0, half);
			const second = candidates.slice(half);
			const fromSecond = yield* quickXplain([...base, ...first], first.length > 0, second);
			const fromFirst = yield* quickXplain([...base, ...fromSecond], fromSecond.length > 0, first);
			return [...fromFirst, ...fromSecond];
		}
	}
}
