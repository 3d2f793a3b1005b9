import { existsSync } from "node:fs";
import path from "node:path";
import { HpmError, refusal } from "../base/errors.js";
import type { Context } from "../plan/context.js";
import { drain, type HpmEvent } from "../plan/events.js";
import { combinationEdits, formatCombination } from "../plan/combination.js";
import type { Selection } from "../plan/selection.js";
import { isEmptyPlan, type Plan, planCredentialsEnv } from "../plan/plan.js";
import { exclusionEdits } from "../plan/replacements.js";
import { exclusionWrites } from "./sync-exclusions.js";
import { historyLine, sameList } from "./sync-history.js";
import { provenConflict } from "./sync-proven.js";
import { projectEnvironment } from "../project/dependencies.js";
import { lockFileProblem, readUvLockBytes } from "../project/files.js";
import { type LockChange, lockChanges } from "../project/lock-diff.js";
import { readProject } from "../project/project.js";
import type { TomlEdit } from "../project/toml-edit.js";
import { findWorkspace } from "../project/workspace.js";
import { replaceProjectText, writeProjectEdits } from "../project/write.js";
import { ownedEntries, projectMachineGroups } from "../project/machine-edits.js";
import { machineStep } from "./machine-step.js";
import { runUv } from "../uv/driver.js";
import { prepareWithUv } from "./prepare.js";
import { type EarlyCheck, startEarlyCheck } from "./sync-early-check.js";
import {
	checkUpgradable,
	dryRunChanges,
	formatChange,
	type Upgrade,
	upgradeArgs,
	upgradeWhat,
} from "./sync-upgrade.js";
import { checkRun, transaction } from "./transaction.js";
import { forgetResolutions } from "./known-resolution.js";
import { applyEdits } from "./sync-apply.js";
import { verifyApplied } from "./verify.js";
import type { Registry } from "../registry/model.js";
import { proveChoices } from "./verify-checks.js";

export type { Upgrade };

const NOT_FORCED = { value: undefined, from: "" };

export type SyncResult = {
	readonly kind: "sync";
	readonly ok: true;
	readonly plan: Plan;
	readonly changed: boolean;
	readonly dryRun: boolean;
	/** With --upgrade: what moved in uv.lock (for a dry run, what uv says would). */
	readonly upgraded: readonly LockChange[];
	/** One sentence for a person: what the sync did. */
	readonly summary: string;
};

function synced(plan: Plan, changed: boolean, dryRun: boolean, upgraded: readonly LockChange[] = []): SyncResult {
	const summary = dryRun
		? "dry run: nothing was changed"
		: changed
			? "synced: pyproject.toml, uv.lock and .venv match the selection"
			: "nothing to do: the project already matches the selection";
	return { kind: "sync", ok: true, plan, changed, dryRun, upgraded, summary };
}

/**
 * Reconciles the project's dependencies with the selection: at most one `uv remove` for what hpm
 * added and is no longer selected, one `uv add` for everything to add or switch, one resolution
 * in all (sync-apply.ts), then the `[tool.hpm] managed` record. If uv fails or the signal aborts,
 * the files are restored.
 */
export async function* sync(context: Context, options: SyncOptions): AsyncGenerator<HpmEvent, SyncResult> {
	const project = context.project;
	// a named pipe or a link to /dev/zero as uv.lock would hold uv (and hpm) forever
	const lockProblem = project ? lockFileProblem(findWorkspace(project.root)?.root ?? project.root) : undefined;
	if (lockProblem) throw lockProblem;
	const settled =
		options.dryRun ||
		options.upgrade ||
		options.selection ||
		(options.mode !== undefined && options.mode !== project?.mode);
	// without a lock or an environment uv's check can only fail: nothing to start early
	const worth =
		project && existsSync(path.join(project.root, "uv.lock")) && existsSync(projectEnvironment(project.root));
	// per-machine groups: uv's check needs this machine's --group flags, which only the plan knows
	const machine = project
		? projectMachineGroups(project.data).length > 0 || ownedEntries(project.data).length > 0
		: false;
	const early =
		project && worth && !settled && !machine ? await startEarlyCheck(project.root, options.signal) : undefined;
	try {
		const seen: Seen = {};
		const result = yield* syncWith(context, options, early, seen);
		return seen.registry && !result.dryRun
			? yield* proveChoices(result, seen.registry, options.signal, seen.machine)
			: result;
	} catch (error) {
		// uv's own words blame whichever options it happened to name: once the files are restored,
		// the failure is narrowed to the choices at fault, as check does, and said in its terms
		if (!(error instanceof HpmError) || error.code !== "resolution" || options.signal?.aborted) throw error;
		throw yield* provenConflict(context, options, error);
	} finally {
		await early?.stop();
	}
}

/** What the sync saw, for the checks after it: the registry, this machine's per-machine choices. */
type Seen = { registry?: Registry; machine?: ReadonlyMap<string, string> };

type SyncOptions = {
	readonly mode?: string | undefined;
	readonly dryRun?: boolean;
	readonly signal?: AbortSignal | undefined;
	readonly upgrade?: Upgrade | undefined;
	readonly machineChoice?: { readonly value: string | undefined; readonly from: string } | undefined;
	/** `sync --combination`: this selection instead of the project's, recorded in `[tool.hpm.groups]`. */
	readonly selection?: Selection | undefined;
};

async function* syncWith(
	context: Context,
	options: SyncOptions,
	early: EarlyCheck | undefined,
	seen: Seen,
): AsyncGenerator<HpmEvent, SyncResult> {
	const prepared = await prepareWithUv(context, options.mode, options.selection, options.signal);
	seen.registry = prepared.registry;
	const { project, plan, warnings, workspace, uv: uvProbe } = prepared;
	const machine = machineStep(prepared.registry, project, plan.mode, options.machineChoice ?? NOT_FORCED);
	seen.machine = machine.chosen;
	const problems = [...prepared.problems, ...machine.problems];
	const groups = machine.args;
	yield { type: "plan", plan };
	for (const problem of warnings) yield { type: "warning", problem };
	if (problems.length > 0) {
		// each problem is said once, as check says it; the error only counts them
		for (const problem of problems) yield { type: "problem", problem };
		throw refusal("sync", problems, "hpm sync");
	}
	const { signal, upgrade } = options;
	const cwd = project.root;
	if (upgrade) checkUpgradable(cwd, upgrade);
	if (options.dryRun) {
		if (!upgrade) return synced(plan, false, true);
		// what an upgrade would move, as uv says it without writing anything
		const uv = await uvProbe;
		const run = yield* runUv(uv, ["lock", "--dry-run", ...upgradeArgs(upgrade)], { cwd, signal, readOnly: true });
		checkRun(run, "uv lock --upgrade --dry-run", plan);
		return synced(plan, false, true, dryRunChanges(run.lines));
	}

	const uv = await uvProbe;
	// credentials in a declared index's URL: uv keeps them out of pyproject.toml, so each run gets them
	const env = planCredentialsEnv(plan);
	const machineText = await machine.text(project);
	const edits = !isEmptyPlan(plan, project.managed) || machineText !== project.text;
	// `--mode M` is part of the declared state: it is recorded, as the selection is
	const recordMode = options.mode !== undefined && options.mode !== project.mode;
	// the registry commits the selection was synced against are recorded, as uv.lock records versions
	const pins = context.pinned && !sameList(prepared.commits, project.registryRevs) ? prepared.commits : undefined;
	// `--combination`: the choice is recorded as part of the change, so a failure restores it too
	const choiceEdits = options.selection ? combinationEdits(prepared.registry, project, options.selection) : [];
	if (!edits && !recordMode && !upgrade && !pins && choiceEdits.length === 0) {
		// Nothing to edit, but the files are the truth only if uv.lock and .venv follow them: a fresh
		// clone has neither, a teammate's change may have left the environment stale.
		const known = early !== undefined && Object.keys(env).length === 0 ? await early.result : undefined;
		const checked =
			known ??
			(await drain(
				runUv(uv, ["sync", "--locked", "--check", ...groups], { cwd, signal, env, readOnly: true }),
				() => undefined,
			));
		if (checked.aborted) throw new HpmError("interrupted", "interrupted; nothing was changed", { exitCode: 1 });
		if (checked.exitCode === 0) return synced(plan, false, false);
	}
	// a change is coming: uv's early check is stopped before anything is written
	await early?.stop();
	return yield* transaction(project.file, "sync", signal, async function* (tx) {
		const chose =
			choiceEdits.length > 0 && options.selection ? formatCombination(prepared.registry, options.selection) : "";
		tx.describe(historyLine(plan, recordMode ? project.mode : undefined, edits, pins, chose));
		if (machineText !== project.text) {
			// the entries of per-machine groups, written from the file as it is now
			yield { type: "phase", phase: "record", message: "writing the [tool.uv] entries of per-machine groups" };
			const fresh = readProject(project.file);
			tx.checkpoint();
			replaceProjectText(fresh, await machine.text(fresh));
			tx.wrote();
		}
		let upgraded: readonly LockChange[] = [];
		if (upgrade) {
			// first the lock moves (git branches to their newest commits, unpinned requirements to
			// their newest versions), and each package that moved is shown before the environment does
			yield { type: "phase", phase: "resolve", message: `upgrading ${upgradeWhat(upgrade)}` };
			tx.checkpoint();
			// what hpm resolved before kept the old versions: forgotten once the lock moves on
			forgetResolutions(cwd);
			checkRun(yield* runUv(uv, ["lock", ...upgradeArgs(upgrade)], { cwd, signal, env }), "uv lock --upgrade", plan);
			upgraded = lockChanges(tx.before.lock, readUvLockBytes(path.join(cwd, "uv.lock")));
			for (const change of upgraded)
				yield { type: "phase", phase: "resolve", message: `upgrade ${formatChange(change)}` };
			if (upgraded.length === 0) yield { type: "phase", phase: "resolve", message: "nothing to upgrade" };
			// what the selection changed, then what the upgrade moved
			const changes = historyLine(plan, recordMode ? project.mode : undefined, edits).replace(/^sync: /, "");
			const moved = upgraded.length === 0 ? "nothing moved" : upgraded.map(formatChange).join(", ");
			tx.describe(`sync --upgrade: ${moved}${edits ? `; ${changes}` : ` (mode ${plan.mode})`}`);
		}
		if (!edits) {
			if (!upgrade)
				yield { type: "phase", phase: "sync", message: "uv.lock or .venv does not match pyproject.toml: syncing them" };
			tx.checkpoint();
			checkRun(yield* runUv(uv, ["sync", ...groups], { cwd, signal, env }), "uv sync", plan);
		}
		// what uv is about to add is recorded as hpm's first: a sync stopped after uv wrote (killed,
		// its journal unusable, or an edit racing its last write) leaves dependencies the next sync
		// still knows as hpm's, not the person's. The final list is written at the end.
		const adding = [...project.managed, ...plan.add.map((entry) => entry.key)].filter(
			(key, at, all) => all.indexOf(key) === at,
		);
		// what the chosen options replace is excluded before uv resolves (hpm's own entries, recorded
		// as hpm's in the same write); what they no longer replace is let back in after uv's edits
		const { staged, letBack } = exclusionWrites(plan);
		if (adding.length > project.managed.length || staged) {
			const first: TomlEdit[] = [];
			if (adding.length > project.managed.length)
				first.push({ path: ["tool", "hpm", "managed"], value: adding.sort() });
			if (staged) {
				yield { type: "phase", phase: "record", message: `excluding ${staged.owned.join(", ")} (replaced)` };
				first.push(...exclusionEdits(staged));
			}
			tx.checkpoint();
			await writeProjectEdits(readProject(project.file), first);
			tx.wrote();
		}
		yield* applyEdits(tx, uv, {
			project,
			plan,
			workspace,
			signal,
			env,
			reuse: upgrade === undefined,
			groups,
			letBack,
			// uv add's own sync knows no --group: with per-machine groups one `uv sync --group` ends it
			exact: machine.active && edits,
		});
		verifyApplied(project.file, plan);
		yield { type: "phase", phase: "record", message: "recording what hpm manages in [tool.hpm] managed" };
		const value = plan.managed.length > 0 ? plan.managed : undefined;
		const record: TomlEdit[] = [{ path: ["tool", "hpm", "managed"], value }, ...choiceEdits];
		if (recordMode) record.push({ path: ["tool", "hpm", "mode"], value: plan.mode });
		// one commit is a string, several a list; none (no git registry any more) removes the key
		if (pins)
			record.push({
				path: ["tool", "hpm", "registry-rev"],
				value: pins.length === 0 ? undefined : pins.length === 1 ? pins[0] : pins,
			});
		tx.checkpoint();
		await writeProjectEdits(readProject(project.file), record);
		tx.wrote();
		return synced(plan, true, false, upgraded);
	});
}
