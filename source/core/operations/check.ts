import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { makeScratch } from "../os/scratch.js";
import { stringify } from "smol-toml";
import { HpmError, type Problem } from "../base/errors.js";
import type { Context } from "../plan/context.js";
import { drain, type HpmEvent } from "../plan/events.js";
import { isEmptyPlan, type Plan, type PlanEntry, planCredentialsEnv } from "../plan/plan.js";
import type { Selection } from "../plan/selection.js";
import { lockFileProblem } from "../project/files.js";
import type { Project } from "../project/project.js";
import { runUv, type Uv } from "../uv/driver.js";
import { uvDetail } from "../uv/shown-lines.js";
import { type Blame, BLAME_LIMITS, type BlameLimits, minimalConflicts, type Outcome } from "./blame.js";
import { blameProblems, type Failure, hasChanges, missingPackages, uvLeftNoLock } from "./check-verdict.js";
import { explainFailure } from "./conflict.js";
import { checkMachineOptions } from "./check-machine.js";
import { prepareWithUv } from "./prepare.js";
import { knownResolution, resolutionKey, storeResolution } from "./known-resolution.js";
import { fillScratch, removeScratch } from "./scratch-copy.js";
import { wouldBeProject } from "./would-be-project.js";
import { machineEntries } from "./would-be-machine.js";

export type CheckResult = {
	readonly kind: "check";
	readonly ok: boolean;
	readonly problems: readonly Problem[];
	/** Packages uv resolved, or null when it did not get that far. */
	readonly resolved: number | null;
	readonly plan: Plan;
	/** Problems of registry files the selection does not use: reported, never blocking. */
	readonly warnings: readonly Problem[];
	/** One sentence for a person: `ok: the selection resolves (12 packages); nothing was changed`. */
	readonly summary: string;
};

/**
 * Static validation, then a real resolution by uv of the would-be dependency set, done in a
 * scratch copy outside the project: the project's files are never opened for writing, so
 * pyproject.toml, uv.lock and .venv stay byte-identical even if hpm is killed half-way.
 */
export async function* check(
	context: Context,
	options: {
		mode?: string | undefined;
		strict?: boolean | undefined;
		signal?: AbortSignal | undefined;
		/** Check this selection instead of the project's (the project's files are still never written). */
		selection?: Selection | undefined;
		/** Resolutions of subsets already answered (a matrix shares one across its combinations). */
		memo?: Map<string, Outcome<PlanEntry, Failure>> | undefined;
		/** Limits of the search for minimal conflicts (README "Verdicts" states the defaults). */
		limits?: BlameLimits | undefined;
		/** Told what the search proved: the minimal sets and the subsets that resolved. */
		onBlame?: ((blame: Blame<PlanEntry, Failure>) => void) | undefined;
		/** Told what uv locked for the whole selection when it resolves: the would-be pyproject.toml and uv.lock. */
		onLocked?: ((locked: { readonly pyproject: string; readonly lock: Buffer }) => void) | undefined;
	},
): AsyncGenerator<HpmEvent, CheckResult> {
	const prepared = await prepareWithUv(context, options.mode, options.selection, options.signal);
	const { project, plan, problems, workspace, uv: uvProbe } = prepared;
	// --strict: every warning is a problem; it fails the check but does not stop the resolution,
	// so that what uv would say is reported in the same run
	const promoted = options.strict ? prepared.warnings : [];
	const warnings = options.strict ? [] : prepared.warnings;
	const all: Problem[] = [...problems];
	let uv: Uv | undefined;
	try {
		uv = await uvProbe;
	} catch (error) {
		if (!(error instanceof HpmError) || error.code === "interrupted") throw error;
		all.push({ code: error.code, message: `${error.message}${error.hint ? ` (${error.hint})` : ""}` });
	}
	// a named pipe or a link to /dev/zero as uv.lock would hold uv (and hpm) forever
	const lockProblem = lockFileProblem(workspace?.root ?? project.root);
	if (lockProblem)
		all.push({
			code: lockProblem.code,
			message: lockProblem.message,
			location: { file: path.join(workspace?.root ?? project.root, "uv.lock") },
		});
	yield { type: "plan", plan };
	for (const problem of warnings) yield { type: "warning", problem };
	for (const problem of [...promoted, ...all]) yield { type: "problem", problem };
	if (all.length > 0 || !uv) return checked(plan, [...promoted, ...all], null, warnings);

	// a selection already synced, whose uv.lock is current: that lock is uv's own proof it resolves
	if (isEmptyPlan(plan, project.managed) && !options.memo) {
		const current = await lockIsCurrent(uv, workspace?.root ?? project.root, plan, options.signal);
		if (current !== undefined) {
			yield { type: "phase", phase: "resolve", message: "already synced: uv.lock is current (uv lock --check)" };
			return checked(plan, promoted, current, warnings);
		}
	}
	// a would-be project hpm resolved before (a sync, a check): its answer stands, no resolver runs
	const known = options.memo || options.selection || workspace ? undefined : knownKey(project, plan, uv.version);
	const answer = known ? knownResolution(project.root, known) : undefined;
	if (answer) {
		yield {
			type: "phase",
			phase: "resolve",
			message: "a known resolution: hpm resolved this would-be pyproject.toml before (HPM_NO_CACHE=1 resolves again)",
		};
		return checked(plan, promoted, answer.resolved, warnings);
	}
	yield { type: "phase", phase: "resolve", message: `resolving the would-be dependencies with uv ${uv.version}` };
	const scratch = makeScratch("check");
	try {
		const copy = fillScratch(project, workspace, scratch);
		const { here, lockBytes, environment } = copy;
		// the resolution of one subset of the choices (the project's own dependencies always in)
		const settable = settableEntries(plan);
		// a per-machine group's option (a matrix's dimension) resolves as a machine installs it
		const machine = machineEntries(prepared.registry, plan);
		let runs = 0;
		const uvFound = uv;
		let resolved: number | null = null;
		let lied: Problem | undefined;
		async function* resolve(subset: readonly PlanEntry[]): AsyncGenerator<HpmEvent, Outcome<PlanEntry, Failure>> {
			const attempt = keepOnly(plan, settable, subset);
			const pyproject = stringify(wouldBeProject(project, attempt, workspace?.members, machine));
			writeFileSync(path.join(here, "pyproject.toml"), pyproject);
			if (lockBytes) writeFileSync(path.join(scratch, "uv.lock"), lockBytes);
			else rmSync(path.join(scratch, "uv.lock"), { force: true });
			const lock = runUv(uvFound, ["lock", "--directory", here], {
				cwd: here,
				readOnly: true,
				signal: options.signal,
				env: { ...planCredentialsEnv(attempt), UV_PROJECT_ENVIRONMENT: environment },
			});
			// the first resolution is streamed; the narrowing steps after it are said once, and each
			// conflict they prove carries uv's explanation of exactly its own choices
			if (runs++ === 1)
				yield {
					type: "phase",
					phase: "resolve",
					message: "narrowing the failure down to the choices at fault (one uv resolution per step)",
				};
			let step = await lock.next();
			while (!step.done) {
				if (runs === 1) yield step.value;
				step = await lock.next();
			}
			const run = step.value;
			if (run.aborted) throw new HpmError("interrupted", "check interrupted; nothing was changed", { exitCode: 1 });
			if (run.exitCode === 0) {
				// a uv that says it locked but wrote no lock proves nothing: the check cannot pass on its word
				const why = uvLeftNoLock(path.join(scratch, "uv.lock"), lockBytes, hasChanges(attempt));
				if (why) {
					lied = { code: "uv-unreliable", message: why, detail: uvDetail(run.lines) };
					return { ok: false, suspects: [], final: true };
				}
				if (subset.length === settable.length) {
					const count = Number(/Resolved (\d+) packages?/.exec(run.lines.join("\n"))?.[1] ?? Number.NaN);
					resolved = Number.isNaN(count) ? null : count;
					options.onLocked?.({ pyproject, lock: readFileSync(path.join(scratch, "uv.lock")) });
				}
				return { ok: true };
			}
			const explained = explainFailure(run.lines, run.exitCode, attempt.selected, workspace?.names);
			const data: Failure = { lines: run.lines, exitCode: run.exitCode, explained };
			// "No solution found" with no option named is still a resolution: the project's own requirements
			// (a workspace that does not lock is narrowed alike: a chosen option may be what its members cannot take)
			if (
				explained?.code === "resolution" ||
				explained?.code === "workspace-conflict" ||
				(!explained && /No solution found/.test(run.lines.join("\n")))
			)
				return {
					ok: false,
					data,
					suspects: (explained?.entries ?? []).filter((e) => subset.includes(e)),
					missing: missingPackages(run.lines),
				};
			if (explained && explained.entries.length > 0)
				return { ok: false, data, suspects: explained.entries, attributed: explained.entries };
			return { ok: false, data, suspects: [], final: true };
		}
		const blame = yield* minimalConflicts(settable, (entry) => entry.key, resolve, {
			...(options.limits ? { limits: options.limits } : {}),
			...(options.memo ? { memo: options.memo } : {}),
		});
		options.onBlame?.(blame);
		const found = blameProblems(blame, lied, options.limits ?? BLAME_LIMITS);
		// with the selection resolving, every option of a per-machine group must too; a matrix (memo)
		// checks each option as a dimension of its own, and never blames one a combination lacks
		if (found.length === 0 && uv && !options.memo)
			found.push(...(yield* checkMachineOptions({ ...prepared, uv, scratch, copy, signal: options.signal })));
		for (const problem of found) yield { type: "problem", problem };
		if (found.length === 0) {
			if (known) storeResolution(project.root, known, { resolved, lock: undefined });
			return checked(plan, promoted, resolved, warnings);
		}
		return checked(plan, [...promoted, ...found], null, warnings);
	} finally {
		removeScratch(scratch);
	}
}

/**
 * The number of packages of the project's uv.lock when `uv lock --check` says it is current for
 * pyproject.toml as it is (nothing is written); undefined when it is not, or there is none. uv's
 * lines are not shown: a stale lock is no problem of the check, which then resolves in a scratch.
 */
async function lockIsCurrent(
	uv: Uv,
	folder: string,
	plan: Plan,
	signal: AbortSignal | undefined,
): Promise<number | null | undefined> {
	if (!existsSync(path.join(folder, "uv.lock"))) return undefined;
	const result = await drain(
		runUv(uv, ["lock", "--check", "--directory", folder], {
			cwd: folder,
			readOnly: true,
			signal,
			env: planCredentialsEnv(plan),
		}),
		() => undefined,
	);
	if (result.aborted) throw new HpmError("interrupted", "check interrupted; nothing was changed", { exitCode: 1 });
	if (result.exitCode !== 0) return undefined;
	const count = Number(/Resolved (\d+) packages?/.exec(result.lines.join("\n"))?.[1] ?? Number.NaN);
	return Number.isNaN(count) ? null : count;
}

/** The key of the project's would-be pyproject.toml's resolution (known-resolution.ts). */
function knownKey(project: Project, plan: Plan, uvVersion: string): string {
	return resolutionKey(wouldBeProject(project, plan), project.root, uvVersion);
}

/** The selected entries hpm manages (added or recorded by it): the choices a check may set aside. */
function settableEntries(plan: Plan): PlanEntry[] {
	const managed = new Set(plan.managed);
	return plan.selected.filter((entry) => managed.has(entry.key));
}

/** The plan with only `keep` of the `settable` choices: the others are not added, and removed if recorded. */
function keepOnly(plan: Plan, settable: readonly PlanEntry[], keep: readonly PlanEntry[]): Plan {
	if (keep.length === settable.length) return plan;
	const kept = new Set(keep.map((entry) => entry.key));
	const out = settable.filter((entry) => !kept.has(entry.key));
	const aside = new Set(out.map((entry) => entry.key));
	const stays = (entry: { key: string }) => !aside.has(entry.key);
	const adding = new Set(plan.add.map((entry) => entry.key));
	return {
		...plan,
		add: plan.add.filter(stays),
		switch: plan.switch.filter(stays),
		selected: plan.selected.filter(stays),
		// a choice the project already depends on through hpm is taken out of the would-be project
		remove: [...plan.remove, ...out.filter((e) => !adding.has(e.key)).map((e) => ({ key: e.key, name: e.name }))],
	};
}

function checked(
	plan: Plan,
	problems: readonly Problem[],
	resolved: number | null,
	warnings: readonly Problem[],
): CheckResult {
	const ok = problems.length === 0;
	// "more may exist" is said by its own line, not counted as a problem
	const counted = problems.filter((problem) => problem.code !== "more-conflicts").length;
	const more = counted < problems.length ? ", and more may exist" : "";
	const summary = ok
		? `ok: the selection resolves (${resolved ?? "?"} packages); nothing was changed`
		: `check failed: ${counted} problem${counted === 1 ? "" : "s"}${more}; nothing was changed`;
	return { kind: "check", ok, problems, resolved, plan, warnings, summary };
}
