import { closeSync, openSync } from "node:fs";
import path from "node:path";
import { HpmError } from "../base/errors.js";
import { cacheFolder, makeCacheFolder } from "../os/cache-trust.js";
import { formatCombination, parseCombination } from "../plan/combination.js";
import type { Context } from "../plan/context.js";
import { drain } from "../plan/events.js";
import { planMatrix } from "../plan/matrix.js";
import { choiceKeysOf, type Evidence, proveMatrix } from "../plan/matrix-proof.js";
import { openSelection } from "../plan/open-selection.js";
import { type PlanEntry, registryCredentialsEnv } from "../plan/plan.js";
import type { Selection } from "../plan/selection.js";
import { findWorkspace } from "../project/workspace.js";
import { findUv } from "../uv/driver.js";
import type { Blame, Outcome } from "./blame.js";
import { check } from "./check.js";
import type { Failure } from "./check-verdict.js";
import { cachedAnswer, cacheKey, evidenceOf, storeAnswer } from "./matrix-answer.js";
import type { OpenPair, PairRow } from "./matrix-run.js";
import { runCommand } from "./test-command.js";
import { type ReuseSummary, startReuse } from "./test-reuse.js";
import { environmentFor, findPython, removeDeadBuilds, say } from "./test-env.js";
import { cachedLock, pruneLogs, slug, storeLock } from "./test-files.js";
import { verdictRows } from "./test-verdict.js";

/** One combination's outcome, as `hpm test --json` prints it (briefs/shared-shapes.md). */
export type TestCombination = {
	readonly combination: string;
	readonly choices: readonly string[];
	readonly status: "passed" | "failed" | "unresolved";
	/** The command's exit code; null when it did not run. */
	readonly exitCode: number | null;
	readonly seconds: number;
	readonly log: string;
	readonly firstFailingLine?: string;
	/** uv's reason, when the combination did not resolve. */
	readonly reason?: string;
	/** Whether its environment was built for this run, taken from the cache, or not needed. */
	readonly environment: "built" | "reused" | "none";
	/** The command's result was kept from an earlier run with nothing changed (test-reuse.ts); it did not run. */
	readonly reused?: true;
};

export type TestResult = {
	readonly command: readonly string[];
	readonly how: "all" | "pairwise" | "given";
	readonly combinations: readonly TestCombination[];
	readonly pairs: readonly PairRow[];
	readonly compatible: readonly (readonly [string, string])[];
	readonly uncovered: readonly OpenPair[];
	readonly logs: string;
	readonly workers: number;
	readonly seconds: number;
	readonly ok: boolean;
	readonly reuse: ReuseSummary;
};

export type TestEvent =
	| { readonly type: "test-plan"; readonly combinations: readonly string[]; readonly logs: string }
	| { readonly type: "test-result"; readonly index: number; readonly result: TestCombination };

/**
 * `hpm test`: runs `command` in every chosen combination (pairwise by default, `all`, or `only`
 * the given ones), each in its own environment (test-env.ts) with the project editable from its
 * working tree, in the project root, `jobs` at a time. A combination is resolved as the matrix
 * resolves it (its cached answer and lock are reused while their inputs are unchanged); the
 * command's result is reused while nothing it depends on changed (test-reuse.ts), else it runs. Each combination's output goes to its own log file under the cache.
 */
export async function* runTests(
	context: Context,
	options: {
		readonly how: "all" | "pairwise";
		/** Exactly these combinations (`--combination`, as `inference=a,metrics=b+c`), instead of a planned set. */
		readonly only?: readonly string[] | undefined;
		readonly command: readonly string[];
		readonly jobs: number;
		readonly mode?: string | undefined;
		readonly signal?: AbortSignal | undefined;
		/** Run the command even where a result with nothing changed is kept. */
		readonly rerun?: boolean | undefined;
	},
): AsyncGenerator<TestEvent, TestResult> {
	const started = Date.now();
	const { project, registry } = await openSelection(context);
	if (findWorkspace(project.root))
		throw new HpmError("workspace-unsupported", "hpm test does not run in a uv workspace yet", {
			hint: "check the combinations with `hpm check --matrix`; run the tests in each with `hpm sync --combination`",
		});
	const plan = options.only
		? { combinations: options.only.map((text) => parseCombination(registry, text)), declared: [] }
		: planMatrix(registry, options.how);
	const combinations = plan.combinations;
	const labels = combinations.map((selection) => formatCombination(registry, selection));
	const logs = path.join(
		cacheFolder(),
		"test-logs",
		`${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}`,
	);
	makeCacheFolder(logs);
	pruneLogs(path.dirname(logs), path.basename(logs));
	removeDeadBuilds();
	const reuse = startReuse(project.root, options.command, options.rerun === true, options.signal);
	yield { type: "test-plan", combinations: labels, logs };
	const uv = await findUv();
	const mode = options.mode ?? project.mode;
	const credentials = registryCredentialsEnv(registry);
	const memo = new Map<string, Outcome<PlanEntry, Failure>>();
	let python: Promise<string> | undefined;
	const results: TestCombination[] = [];
	const reasons = new Map<string, string>();
	const jobs = Math.max(1, Math.min(options.jobs, combinations.length || 1));

	/** One combination, start to end: resolve (or the cache), environment, command. */
	async function testOne(selection: Selection, at: number): Promise<{ result: TestCombination; evidence: Evidence }> {
		const t0 = Date.now();
		const combination = labels[at] ?? "";
		const choices = [...selection].flatMap(([group, options]) =>
			options.map(
				(option) => `${registry.groups.get(group)?.name ?? group}=${registry.packages.get(option)?.name ?? option}`,
			),
		);
		const log = path.join(logs, `${String(at + 1).padStart(3, "0")}-${slug(combination)}.log`);
		const fd = openSync(log, "w", 0o600);
		const base = { combination, choices };
		const seconds = () => (Date.now() - t0) / 1000;
		try {
			say(fd, `# hpm test: ${combination || "(no choice)"}`);
			const key = cacheKey(registry, project.text, selection, mode, uv.version);
			let answer = cachedAnswer(key);
			let locked = answer?.ok ? cachedLock(key) : undefined;
			if (!answer || (answer.ok && !locked)) {
				let blame: Blame<PlanEntry, Failure> | undefined;
				say(fd, "# resolving with uv");
				const checked = await drain(
					check(context, {
						mode,
						selection,
						signal: options.signal,
						memo,
						onBlame: (b) => (blame = b),
						onLocked: (l) => (locked = l),
					}),
					(event) => {
						if (event.type === "uv-line") say(fd, event.line);
					},
				);
				answer = evidenceOf(selection, checked.ok, checked.problems, blame);
				if (!options.signal?.aborted) {
					storeAnswer(key, answer);
					if (locked) storeLock(key, locked);
				}
			} else say(fd, "# resolved before (hpm's cache): the same inputs resolve the same");
			for (const [set, reason] of answer.reasons) if (!reasons.has(set)) reasons.set(set, reason);
			// only what the command proved counts: a pair goes together when a combination holding it passed
			const conflictsOnly: Evidence = { ...answer.evidence, resolved: [] };
			if (!answer.ok || !locked) {
				const reason = answer.problems.map((p) => p.message).join("; ") || "uv did not resolve it";
				say(fd, `# unresolved: ${reason}`);
				return {
					result: {
						...base,
						status: "unresolved",
						exitCode: null,
						seconds: seconds(),
						log,
						firstFailingLine: answer.problems[0]?.message ?? reason,
						reason,
						environment: "none",
					},
					evidence: conflictsOnly,
				};
			}
			const lockedNow = locked;
			python ??= findPython(uv, project, lockedNow, options.signal);
			const environment = await environmentFor(uv, project, lockedNow, await python, fd, options.signal, credentials);
			if ("failed" in environment) {
				say(fd, `# ${environment.failed}`);
				return {
					result: {
						...base,
						status: "failed",
						exitCode: null,
						seconds: seconds(),
						log,
						firstFailingLine: environment.failed,
						environment: "none",
					},
					evidence: { ...conflictsOnly, ok: false, unexplained: true },
				};
			}
			say(fd, `# environment ${environment.folder} (${environment.reused ? "reused" : "built"})`);
			const kept = await reuse.lookup(environment, fd, log);
			const run = kept ?? (await runCommand(options.command, project.root, environment.folder, fd, options.signal));
			if (!run.aborted)
				await reuse.record(environment, { ...run, time: kept?.time ?? t0, seconds: kept?.seconds ?? seconds(), log });
			if (run.aborted) throw new HpmError("interrupted", "test interrupted; nothing was changed", { exitCode: 1 });
			const passed = run.exitCode === 0;
			return {
				result: {
					...base,
					status: passed ? "passed" : "failed",
					exitCode: run.exitCode,
					seconds: seconds(),
					log,
					...(passed ? {} : { firstFailingLine: run.firstFailingLine }),
					environment: environment.reused ? "reused" : "built",
					...(kept ? { reused: true as const } : {}),
				},
				evidence: passed
					? { ok: true, conflicts: [], resolved: [choiceKeysOf(selection).sort()], unexplained: false }
					: { ok: false, conflicts: [], resolved: [], unexplained: true },
			};
		} finally {
			closeSync(fd);
		}
	}

	const outcome = new Map<string, TestCombination>();
	// one wave, the planned combinations: hpm test adds none (each would run the command again)
	const runWave = async function* (wanted: readonly Selection[]): AsyncGenerator<TestEvent, readonly Evidence[]> {
		const evidence: Evidence[] = [];
		const done: { index: number; result: TestCombination }[] = [];
		let wake: (() => void) | undefined;
		let next = 0;
		const worker = async () => {
			for (;;) {
				const at = next++;
				const selection = wanted[at];
				if (selection === undefined || options.signal?.aborted) return;
				const one = await testOne(selection, at);
				evidence[at] = one.evidence;
				outcome.set(choiceKeysOf(selection).sort().join(","), one.result);
				done.push({ index: at, result: one.result });
				wake?.();
			}
		};
		// every worker is waited for, even after one failed (an interrupt): each cleans up after itself
		const running = Promise.allSettled(Array.from({ length: jobs }, worker));
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
				yield { type: "test-result", index: item.index, result: item.result };
				continue;
			}
			if (finished) break;
			await new Promise<void>((resolve) => {
				wake = resolve;
			});
			wake = undefined;
		}
		const failed = (await running).find((r): r is PromiseRejectedResult => r.status === "rejected");
		if (failed) throw failed.reason;
		return evidence;
	};
	const proof = yield* proveMatrix(registry, combinations, runWave, 0);
	const reused = await reuse.finish();
	const ordered = combinations.flatMap((s) => outcome.get(choiceKeysOf(s).sort().join(",")) ?? []);
	const verdict = verdictRows(registry, proof, reasons, combinations, ordered);
	return {
		command: options.command,
		how: options.only ? "given" : options.how,
		combinations: ordered,
		...verdict,
		pairs: [
			...verdict.pairs,
			...plan.declared.map((d) => ({ choices: [d.a, d.b], status: "declared" as const, reason: `a rule: ${d.where}` })),
		],
		logs,
		workers: jobs,
		seconds: (Date.now() - started) / 1000,
		ok: ordered.every((r) => r.status === "passed"),
		reuse: reused,
	};
}
