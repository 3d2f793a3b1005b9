import { cpus } from "node:os";
import { formatLocation, HpmError, type Problem } from "../base/errors.js";
import { formatCombination } from "../plan/combination.js";
import type { Context } from "../plan/context.js";
import { drain } from "../plan/events.js";
import { planMatrix } from "../plan/matrix.js";
import { type Evidence, proveMatrix } from "../plan/matrix-proof.js";
import { openSelection } from "../plan/open-selection.js";
import type { PlanEntry } from "../plan/plan.js";
import type { Selection } from "../plan/selection.js";
import { groupProblems } from "../registry/broken.js";
import type { Registry } from "../registry/model.js";
import { findUv } from "../uv/driver.js";
import type { Blame, Outcome } from "./blame.js";
import { check } from "./check.js";
import type { Failure } from "./check-verdict.js";
import { type Answer, cachedAnswer, cacheKey, evidenceOf, missingAnswer, storeAnswer } from "./matrix-answer.js";

/** One combination's answer. */
export type CombinationResult = {
	readonly combination: string;
	readonly ok: boolean;
	readonly problems: readonly Problem[];
	readonly seconds: number;
	/** Read from the result cache: no input of it changed since it was resolved. */
	readonly cached: boolean;
	/** Added after the plan, to settle pairs the plan left open. */
	readonly retry: boolean;
	/** Only with `cachedOnly`: no cached answer, so nothing is known of it. */
	readonly missing?: true;
};

/**
 * A set of choices that does not go together, proven by resolutions: one choice that fails with
 * the project alone, a pair, or three or more that fail only together; or a pair a rule declares.
 */
export type PairRow = {
	readonly choices: readonly string[];
	readonly status: "fails-alone" | "conflict" | "set" | "declared";
	readonly reason: string;
};

/** A pair of choices no resolution proved either way, and why. */
export type OpenPair = { readonly a: string; readonly b: string; readonly reason: string };

export type MatrixResult = {
	readonly how: "all" | "pairwise";
	/** Combinations the rules allow in all; undefined: more than --all would take. */
	readonly space: number | undefined;
	readonly results: readonly CombinationResult[];
	readonly pairs: readonly PairRow[];
	readonly workers: number;
	readonly seconds: number;
	/** Combinations resolved by uv (not from the cache) per second of wall time. */
	readonly perSecond: number;
	readonly ok: boolean;
	/** Pairs of choices proven to go together (a set that resolved held both), each as [a, b]. */
	readonly compatible: readonly (readonly [string, string])[];
	/** Pairs neither proven to go together nor proven to conflict, each with the reason. */
	readonly uncovered: readonly OpenPair[];
	/** Pairs the plan could not place at all: it stopped at the cap of combinations. */
	readonly unplanned: number;
	/** The project's own dependencies do not resolve, whatever is chosen: every combination fails for it. */
	readonly projectFails: boolean;
};

export type MatrixEvent =
	| { readonly type: "matrix-plan"; readonly combinations: readonly string[]; readonly space: number | undefined }
	/** More combinations, to settle pairs no resolution proved either way. */
	| { readonly type: "matrix-retry"; readonly combinations: readonly string[] }
	| { readonly type: "matrix-result"; readonly index: number; readonly result: CombinationResult };

/** How many uv resolutions run at once by default: one per core, at most 8. */
/**
 * Refuses a matrix over a registry where a group or an option does not load: it would be missing
 * from every combination, unsaid (a CI matrix without it, all green).
 */
export function refuseMissingGroups(opened: {
	readonly registry: Registry;
	readonly registryProblems: readonly Problem[];
}): void {
	const missing = groupProblems(opened.registry, opened.registryProblems);
	const first = missing[0];
	if (!first) return;
	const at = formatLocation(first.location);
	const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : "";
	throw new HpmError(
		first.code,
		`the matrix would leave out what does not load: ${at ? `${at}: ` : ""}${first.message}${more}; nothing was checked`,
		{ exitCode: 1, hint: "fix it (`hpm registry lint` lists every problem), then run this again", problems: missing },
	);
}

export function defaultJobs(): number {
	return Math.max(1, Math.min(8, cpus().length));
}

/**
 * Checks each combination of the plan with uv, `jobs` at a time, each in its own scratch copy
 * (the uv cache is shared). A combination whose inputs (the project's pyproject.toml, the
 * manifests of its packages and their local folders' pyproject.toml, hpm's and uv's versions) are
 * unchanged since it was last resolved is answered from the result cache.
 */
export async function* runMatrix(
	context: Context,
	options: {
		readonly how: "all" | "pairwise";
		readonly jobs: number;
		readonly mode?: string | undefined;
		readonly signal?: AbortSignal | undefined;
		/** Only these combinations (`--combination`), instead of a planned set. */
		readonly only?: readonly Selection[] | undefined;
		/** Answer from the result cache only, never run uv (`hpm report`): a miss is `missing`. */
		readonly cachedOnly?: boolean | undefined;
	},
): AsyncGenerator<MatrixEvent, MatrixResult> {
	const started = Date.now();
	const opened = await openSelection(context);
	refuseMissingGroups(opened);
	const { project, registry } = opened;
	const plan = options.only
		? { combinations: options.only, space: options.only.length, declared: [], uncovered: 0 }
		: planMatrix(registry, options.how);
	const labels = plan.combinations.map((selection) => formatCombination(registry, selection));
	yield { type: "matrix-plan", combinations: labels, space: plan.space };
	const uv = await findUv();
	const mode = options.mode ?? project.mode;
	const results: CombinationResult[] = [];
	const reasons = new Map<string, string>();
	// subsets of choices already resolved, shared by every combination of this run
	const memo = new Map<string, Outcome<PlanEntry, Failure>>();
	let resolvedByUv = 0;
	let jobs = 1;
	let wave = 0;
	const runWave = async function* (wanted: readonly Selection[]): AsyncGenerator<MatrixEvent, readonly Evidence[]> {
		const retry = wave++ > 0;
		const names = wanted.map((selection) => formatCombination(registry, selection));
		if (retry) yield { type: "matrix-retry", combinations: names };
		const evidence: Evidence[] = [];
		const done: { index: number; result: CombinationResult }[] = [];
		let wake: (() => void) | undefined;
		let next = 0;
		const worker = async () => {
			for (;;) {
				const at = next++;
				const selection = wanted[at];
				if (selection === undefined || options.signal?.aborted) return;
				const t0 = Date.now();
				const answer = await answerOf(selection);
				const result: CombinationResult = {
					combination: names[at] ?? "",
					ok: answer.ok,
					problems: answer.problems,
					seconds: answer.cached ? 0 : (Date.now() - t0) / 1000,
					cached: answer.cached,
					retry,
					...(answer.missing ? { missing: true as const } : {}),
				};
				evidence[at] = answer.evidence;
				for (const [set, reason] of answer.reasons) if (!reasons.has(set)) reasons.set(set, reason);
				done.push({ index: results.length + done.length, result });
				wake?.();
			}
		};
		jobs = Math.max(jobs, Math.max(1, Math.min(options.jobs, wanted.length || 1)));
		// every worker is waited for, even after one failed (an interrupt): each removes its scratch copy
		const running = Promise.allSettled(
			Array.from({ length: Math.max(1, Math.min(options.jobs, wanted.length || 1)) }, worker),
		);
		let finished = false;
		const end = () => {
			finished = true;
			wake?.();
		};
		void running.then(end, end);
		for (;;) {
			const item = done.shift();
			if (item) {
				results.push(item.result);
				yield { type: "matrix-result", index: results.length - 1, result: item.result };
				continue;
			}
			if (finished) break;
			await new Promise<void>((resolve) => {
				wake = resolve;
			});
			wake = undefined;
		}
		// a worker's error (uv missing, interrupted) is the matrix's error, once all have stopped
		const failed = (await running).find((r): r is PromiseRejectedResult => r.status === "rejected");
		if (failed) throw failed.reason;
		return evidence;
	};

	/** One combination's answer: from the result cache when no input changed, else resolved by uv. */
	async function answerOf(selection: Selection): Promise<Answer> {
		const key = cacheKey(registry, project.text, selection, mode, uv.version);
		const cached = cachedAnswer(key);
		if (cached) return cached;
		if (options.cachedOnly) return missingAnswer();
		let blame: Blame<PlanEntry, Failure> | undefined;
		const checked = await drain(
			check(context, { mode, selection, signal: options.signal, memo, onBlame: (b) => (blame = b) }),
			() => undefined,
		);
		resolvedByUv++;
		const answer = evidenceOf(selection, checked.ok, checked.problems, blame);
		if (!options.signal?.aborted) storeAnswer(key, answer);
		return answer;
	}

	const proof = yield* proveMatrix(registry, plan.combinations, runWave);
	const seconds = (Date.now() - started) / 1000;
	const label = (choice: string) => {
		const [group, option] = choice.split("=");
		return `${registry.groups.get(group ?? "")?.name ?? group}=${registry.packages.get(option ?? "")?.name ?? option}`;
	};
	const rows: PairRow[] = proof.conflicts.map((set) => {
		const choices = set.map(label);
		return {
			choices,
			status: set.length === 1 ? "fails-alone" : set.length === 2 ? "conflict" : "set",
			reason: reasons.get(set.join("\n")) ?? "",
		};
	});
	return {
		how: options.how,
		space: plan.space,
		results,
		pairs: [
			...rows.sort((x, y) => x.choices.length - y.choices.length),
			...plan.declared.map((d) => ({
				choices: [d.a, d.b],
				status: "declared" as const,
				reason: `a rule: ${d.where}`,
			})),
		],
		workers: jobs,
		seconds,
		perSecond: seconds > 0 ? resolvedByUv / seconds : 0,
		ok: results.every((r) => r.ok),
		compatible: proof.pairs.filter((p) => p.status === "compatible").map((p) => [label(p.a), label(p.b)] as const),
		uncovered: proof.pairs
			.filter((p) => p.status === "uncovered")
			.map((p) => ({ a: label(p.a), b: label(p.b), reason: p.reason ?? "" })),
		unplanned: plan.uncovered,
		projectFails: proof.projectFails,
	};
}
