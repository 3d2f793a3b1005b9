import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Context } from "../cli/context.js";
import { HpmError, problemToError } from "../errors.js";
import type { HpmEvent } from "../events.js";
import { writeFileAtomic } from "../fs-atomic.js";
import { isEmptyPlan, type Plan, requirementLine } from "../plan.js";
import { readProject } from "../project/project.js";
import { writeProjectEdits } from "../project/write.js";
import { findUv, runUv } from "../uv/driver.js";
import { describeConflict, involvedOptions } from "./conflict.js";
import { prepare } from "./prepare.js";

export type SyncResult = { readonly plan: Plan; readonly changed: boolean; readonly dryRun: boolean };

/** The bytes of pyproject.toml and uv.lock before hpm touched them (undefined: the file did not exist). */
type Backup = { readonly pyproject: Buffer; readonly lock: Buffer | undefined };

/**
 * Reconciles the project's dependencies with the selection: at most one `uv remove` for what hpm
 * added and is no longer selected, then one `uv add` for everything to add or switch, then the
 * `[tool.hpm] managed` record. If uv fails or the signal aborts, pyproject.toml and uv.lock are
 * put back byte for byte.
 */
export async function* sync(
	context: Context,
	options: { mode?: string | undefined; dryRun?: boolean; signal?: AbortSignal | undefined },
): AsyncGenerator<HpmEvent, SyncResult> {
	yield { type: "phase", phase: "validate", message: "validating the registry and the selection" };
	const { project, plan, problems } = prepare(context, options.mode);
	const first = problems[0];
	if (first) {
		for (const problem of problems) yield { type: "problem", problem };
		throw problemToError(
			first,
			problems.length > 1
				? `${problems.length} problems; \`hpm check\` lists them all`
				: "fix it, then run hpm sync again",
		);
	}
	yield { type: "plan", plan };
	if (isEmptyPlan(plan, project.managed) || options.dryRun)
		return { plan, changed: false, dryRun: options.dryRun === true };

	const uv = await findUv();
	const lockFile = path.join(project.root, "uv.lock");
	const backup: Backup = {
		pyproject: readFileSync(project.file),
		lock: existsSync(lockFile) ? readFileSync(lockFile) : undefined,
	};
	const scratch = mkdtempSync(path.join(tmpdir(), "hpm-sync-"));
	try {
		if (plan.remove.length > 0) {
			yield { type: "phase", phase: "remove", message: `removing ${plan.remove.map((r) => r.name).join(", ")}` };
			// `uv add` syncs inexactly (it would leave the removed package installed), so with
			// removals both edits only lock, and one exact `uv sync` at the end fixes the environment.
			const run = yield* runUv(uv, ["remove", "--no-sync", "--", ...plan.remove.map((r) => r.name)], {
				cwd: project.root,
				signal: options.signal,
			});
			checkRun(run, "uv remove", plan);
		}
		const additions = [...plan.add, ...plan.switch];
		if (additions.length > 0) {
			yield { type: "phase", phase: "add", message: `adding ${additions.map((a) => a.name).join(", ")}` };
			// A requirements file outside the project carries per-package editable flags and git
			// refs in one `uv add`; paths in it are relative to the project root, as uv records them.
			const requirements = path.join(scratch, "requirements.txt");
			writeFileSync(requirements, `${additions.map((entry) => requirementLine(entry, project.root)).join("\n")}\n`);
			const noSync = plan.remove.length > 0 ? ["--no-sync"] : [];
			const run = yield* runUv(uv, ["add", "--no-workspace", ...noSync, "-r", requirements], {
				cwd: project.root,
				signal: options.signal,
			});
			checkRun(run, "uv add", plan);
		}
		if (plan.remove.length > 0) {
			yield { type: "phase", phase: "sync", message: "syncing the environment" };
			const run = yield* runUv(uv, ["sync"], { cwd: project.root, signal: options.signal });
			checkRun(run, "uv sync", plan);
		}
		yield { type: "phase", phase: "record", message: "recording the dependencies hpm manages in [tool.hpm] managed" };
		const current = readProject(project.file);
		await writeProjectEdits(current, [
			{ path: ["tool", "hpm", "managed"], value: plan.managed.length ? plan.managed : undefined },
		]);
		return { plan, changed: true, dryRun: false };
	} catch (error) {
		yield { type: "phase", phase: "restore", message: "restoring pyproject.toml and uv.lock" };
		restore(project.file, lockFile, backup);
		yield { type: "restored", files: [project.file, lockFile] };
		if (options.signal?.aborted)
			throw new HpmError("interrupted", "sync interrupted; pyproject.toml and uv.lock were restored", { exitCode: 1 });
		throw error;
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}

function checkRun(
	run: { exitCode: number; lines: readonly string[]; aborted: boolean },
	what: string,
	plan: Plan,
): void {
	if (run.aborted) throw new HpmError("interrupted", "interrupted", { exitCode: 1 });
	if (run.exitCode === 0) return;
	const conflict =
		run.exitCode === 1 ? describeConflict(involvedOptions(run.lines.join("\n"), plan.selected)) : undefined;
	throw new HpmError(
		"uv-failed",
		`${what} failed (exit ${run.exitCode})${conflict ? `: ${conflict}` : ""}; pyproject.toml and uv.lock were restored`,
		{
			exitCode: 1,
			hint: "uv's output above says why; `hpm check` shows the problem without changing anything",
		},
	);
}

/** Puts both files back exactly as they were; never throws past a best effort. */
function restore(pyproject: string, lock: string, backup: Backup): void {
	writeFileAtomic(pyproject, backup.pyproject);
	if (backup.lock) writeFileAtomic(lock, backup.lock);
	else if (existsSync(lock)) unlinkSync(lock);
}
