import path from "node:path";
import { HpmError } from "../base/errors.js";
import { writeFilesChecked } from "../os/checked-write.js";
import { readRegularFile } from "../os/read-file.js";
import type { HpmEvent } from "../plan/events.js";
import { exclusionsChange, type Plan } from "../plan/plan.js";
import type { ExclusionRecord } from "../plan/replacements.js";
import { addBatches } from "../plan/uv-record.js";
import { MAX_FILE_BYTES, readUvLockBytes } from "../project/files.js";
import type { Project } from "../project/project.js";
import type { Workspace } from "../project/workspace.js";
import { runUv, type Uv } from "../uv/driver.js";
import {
	knownResolution,
	lockedPackages,
	projectResolutionKey,
	resolutionKey,
	storeResolution,
} from "./known-resolution.js";
import { checkRun, type Tx } from "./transaction.js";
import { letIn, writeExclusions } from "./sync-exclusions.js";
import { uvAddStep } from "./transaction-steps.js";
import { wouldBeProject } from "./would-be-project.js";

type Apply = {
	readonly project: Project;
	readonly plan: Plan;
	readonly workspace: Workspace | undefined;
	readonly signal: AbortSignal | undefined;
	readonly env: NodeJS.ProcessEnv;
	/** Whether a known resolution may stand in for uv's resolver (not after `--upgrade` moved the lock). */
	readonly reuse: boolean;
	/** This machine's `--group` flags (per-machine groups), given to every `uv sync`. */
	readonly groups: readonly string[];
	/** hpm's exclusions once the options no longer replace some: written after uv's edits. */
	readonly letBack: ExclusionRecord | undefined;
	/** One exact `uv sync` at the end whatever the edits (per-machine groups: uv add's sync knows no --group). */
	readonly exact: boolean;
};

/**
 * The uv steps of a sync that edits the dependencies, with uv's resolver run once: every edit but
 * the last only edits pyproject.toml (`--frozen`), the last one locks, and one `uv sync --locked`
 * makes the environment exact when something was removed. When hpm resolved the would-be
 * pyproject.toml before (known-resolution.ts), every edit is `--frozen`, that uv.lock is written
 * and `uv sync --locked` (which refuses a lock that does not satisfy pyproject.toml) installs it:
 * no resolver runs. Requirements on an index are the exception: uv writes the bound it resolved
 * (`>=1.2`) only when `uv add` resolves, so such a change locks in `uv add` as before.
 */
export async function* applyEdits(tx: Tx, uv: Uv, options: Apply): AsyncGenerator<HpmEvent, void> {
	const { project, plan, workspace, signal, env } = options;
	const cwd = project.root;
	const lockFile = path.join(cwd, "uv.lock");
	// a switch to a requirement on the default index: `uv add` would keep the old
	// `[tool.uv.sources]` entry, so the package is removed first and added back
	const removals = [...plan.remove, ...plan.switch.filter((entry) => entry.dropSource)];
	const additions = [...plan.add, ...plan.switch];
	const batches = addBatches(additions, cwd, workspace?.members);
	// `uv add` syncs inexactly (it would leave a removed package installed): with removals, or more
	// than one `uv add`, one exact `uv sync` at the end fixes the environment
	// so too when only the exclusions changed, or when some are let back in after uv's edits
	const exact =
		options.exact ||
		removals.length > 0 ||
		batches.length > 1 ||
		options.letBack !== undefined ||
		(batches.length === 0 && exclusionsChange(plan));
	const bounded = additions.some((entry) => entry.source.type === "index");
	// in a workspace uv locks every member together: no resolution of it is kept
	const reusable = options.reuse && workspace === undefined;
	const predicted = reusable ? resolutionKey(wouldBeProject(project, plan), cwd, uv.version) : undefined;
	const known = predicted !== undefined && !bounded ? knownResolution(cwd, predicted) : undefined;
	const reuse = known?.lock ? { resolved: known.resolved, lock: known.lock } : undefined;

	// whether a uv step locked after hpm's last write of pyproject.toml (else the last sync locks)
	let locked = batches.length > 0;
	if (removals.length > 0) {
		if (plan.remove.length > 0)
			yield { type: "phase", phase: "remove", message: `removing ${plan.remove.map((r) => r.name).join(", ")}` };
		// with an addition after it (or a known resolution) the removal only edits pyproject.toml; a
		// package removed to be added back is locked without it first, or uv.lock's old version
		// would be what `uv add` prefers (and writes as the bound)
		const readded = plan.switch.some((entry) => entry.dropSource);
		const locks = (additions.length === 0 || readded) && reuse === undefined;
		locked ||= locks;
		const args = ["remove", locks ? "--no-sync" : "--frozen", "--", ...removals.map((r) => r.name)];
		tx.checkpoint();
		checkRun(yield* runUv(uv, args, { cwd, signal, env }), "uv remove", plan);
	}
	if (additions.length > 0)
		yield { type: "phase", phase: "add", message: `adding ${additions.map((a) => a.name).join(", ")}` };
	for (const [number, batch] of batches.entries()) {
		const last = number === batches.length - 1;
		yield* uvAddStep(tx, uv, batch, {
			file: project.file,
			requirements: path.join(tx.scratch, `requirements-${number}.txt`),
			lock: reuse || (!bounded && !last) ? "frozen" : exact ? "no-sync" : "sync",
			cwd,
			signal,
			env,
			plan,
		});
	}
	if (options.letBack && plan.exclusions) {
		const back = letIn(plan.exclusions.staged, options.letBack).join(", ");
		yield { type: "phase", phase: "record", message: `no longer excluding ${back}` };
		await writeExclusions(tx, project.file, options.letBack);
	}
	const syncArgs = ["sync", "--locked", ...(exact ? [] : ["--inexact"]), ...options.groups];
	let resolved = reuse === undefined;
	if (reuse) {
		const now = projectResolutionKey(readRegularFile(project.file, MAX_FILE_BYTES).toString("utf8"), cwd, uv.version);
		let synced = false;
		// uv wrote pyproject.toml as hpm predicted: the known uv.lock is the one a resolution gives
		if (now === predicted) {
			yield {
				type: "phase",
				phase: "resolve",
				message: "a known resolution: uv.lock as hpm resolved it before for this pyproject.toml (no resolver runs)",
			};
			tx.checkpoint();
			const changed = (file: string) =>
				new HpmError("project-changed", `${file} changed while hpm was writing it`, { exitCode: 1 });
			writeFilesChecked([{ file: lockFile, expected: readUvLockBytes(lockFile), text: reuse.lock }], changed);
			tx.wrote();
			yield { type: "phase", phase: "sync", message: "syncing the environment (uv sync --locked)" };
			tx.checkpoint();
			const run = yield* runUv(uv, syncArgs, { cwd, signal, env });
			// uv refuses a lock that does not satisfy pyproject.toml: then it resolves after all
			synced = run.exitCode === 0 || !run.lines.some((line) => line.includes("needs to be updated"));
			if (synced) checkRun(run, "uv sync", plan);
		}
		if (!synced) {
			yield { type: "phase", phase: "resolve", message: "resolving (uv lock)" };
			tx.checkpoint();
			checkRun(yield* runUv(uv, ["lock"], { cwd, signal, env }), "uv lock", plan);
			resolved = true;
			yield { type: "phase", phase: "sync", message: "syncing the environment" };
			tx.checkpoint();
			checkRun(yield* runUv(uv, syncArgs, { cwd, signal, env }), "uv sync", plan);
		}
	} else if (exact) {
		yield { type: "phase", phase: "sync", message: "syncing the environment" };
		tx.checkpoint();
		// hpm's own writes with no locking uv step after them (exclusions let back, per-machine
		// entries alone) leave uv.lock behind pyproject.toml: then this sync locks
		const args = ["sync", ...(locked && !options.letBack ? ["--locked"] : []), ...options.groups];
		checkRun(yield* runUv(uv, args, { cwd, signal, env }), "uv sync", plan);
	}
	// what uv resolved is kept for the next check or switch that asks for the same
	const lock = resolved && reusable ? readUvLockBytes(lockFile) : undefined;
	if (lock) {
		const key = projectResolutionKey(readRegularFile(project.file, MAX_FILE_BYTES).toString("utf8"), cwd, uv.version);
		if (key) storeResolution(cwd, key, { resolved: lockedPackages(lock), lock });
	}
}
