import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Context } from "../context.js";
import { HpmError, problemToError } from "../errors.js";
import { drain, type HpmEvent } from "../events.js";
import type { TomlEdit } from "../project/toml-edit.js";
import { addBatches, isEmptyPlan, type Plan } from "../plan.js";
import { readProject } from "../project/project.js";
import { writeProjectEdits } from "../project/write.js";
import { runUv } from "../uv/driver.js";
import { prepareWithUv } from "./prepare.js";
import { checkRun, transaction } from "./transaction.js";
import { verifyApplied } from "./verify.js";

export type SyncResult = {
	readonly kind: "sync";
	readonly ok: true;
	readonly plan: Plan;
	readonly changed: boolean;
	readonly dryRun: boolean;
	/** One sentence for a person: what the sync did. */
	readonly summary: string;
};

function synced(plan: Plan, changed: boolean, dryRun: boolean): SyncResult {
	const summary = dryRun
		? "dry run: nothing was changed"
		: changed
			? "synced: pyproject.toml, uv.lock and .venv match the selection"
			: "nothing to do: the project already matches the selection";
	return { kind: "sync", ok: true, plan, changed, dryRun, summary };
}

/**
 * Reconciles the project's dependencies with the selection: at most one `uv remove` for what hpm
 * added and is no longer selected, one `uv add` for everything to add or switch, then the
 * `[tool.hpm] managed` record. If uv fails or the signal aborts, the files are restored.
 */
export async function* sync(
	context: Context,
	options: { mode?: string | undefined; dryRun?: boolean; signal?: AbortSignal | undefined },
): AsyncGenerator<HpmEvent, SyncResult> {
	const { project, plan, problems, warnings, workspace, uv: uvProbe } = await prepareWithUv(context, options.mode);
	yield { type: "plan", plan };
	for (const problem of warnings) yield { type: "warning", problem };
	const first = problems[0];
	if (first) {
		for (const problem of problems) yield { type: "problem", problem };
		const hint =
			problems.length > 1
				? `${problems.length} problems; \`hpm check\` lists them all`
				: "fix it, then run hpm sync again";
		throw problemToError(first, hint);
	}
	if (options.dryRun) return synced(plan, false, true);

	const uv = await uvProbe;
	const { signal } = options;
	const cwd = project.root;
	const edits = !isEmptyPlan(plan, project.managed);
	// `--mode M` is part of the declared state: it is recorded, as the selection is
	const recordMode = options.mode !== undefined && options.mode !== project.mode;
	if (!edits && !recordMode) {
		// Nothing to edit, but the files are the truth only if uv.lock and .venv follow them: a fresh
		// clone has neither, a teammate's change may have left the environment stale.
		const checked = await drain(runUv(uv, ["sync", "--locked", "--check"], { cwd, signal }), () => undefined);
		if (checked.aborted) throw new HpmError("interrupted", "interrupted; nothing was changed", { exitCode: 1 });
		if (checked.exitCode === 0) return synced(plan, false, false);
	}
	return yield* transaction(project.file, "sync", signal, async function* (tx) {
		tx.describe(historyLine(plan, recordMode ? project.mode : undefined, edits));
		if (!edits) {
			yield { type: "phase", phase: "sync", message: "uv.lock or .venv does not match pyproject.toml: syncing them" };
			tx.checkpoint();
			checkRun(yield* runUv(uv, ["sync"], { cwd, signal }), "uv sync", plan);
		}
		if (plan.remove.length > 0) {
			yield { type: "phase", phase: "remove", message: `removing ${plan.remove.map((r) => r.name).join(", ")}` };
			// `uv add` syncs inexactly (it would leave a removed package installed), so with removals
			// both edits only lock, and one exact `uv sync` at the end fixes the environment.
			const args = ["remove", "--no-sync", "--", ...plan.remove.map((r) => r.name)];
			tx.checkpoint();
			checkRun(yield* runUv(uv, args, { cwd, signal }), "uv remove", plan);
		}
		const additions = [...plan.add, ...plan.switch];
		const batches = addBatches(additions, cwd, workspace?.members);
		// With removals, or with more than one `uv add`, every edit only locks and one exact
		// `uv sync` at the end fixes the environment.
		const syncAtEnd = plan.remove.length > 0 || batches.length > 1;
		if (additions.length > 0)
			yield { type: "phase", phase: "add", message: `adding ${additions.map((a) => a.name).join(", ")}` };
		for (const [index, batch] of batches.entries()) {
			// A requirements file outside the project carries per-package editable flags and revs in
			// one `uv add`; its paths are relative to the project root, as uv then records them. A tag
			// or a branch is a flag, so that uv records it as `tag`/`branch`, as `uv add --tag` does.
			const requirements = path.join(tx.scratch, `requirements-${index}.txt`);
			writeFileSync(requirements, `${batch.lines.join("\n")}\n`);
			const ref = batch.ref ? [`--${batch.ref.kind}=${batch.ref.value}`] : batch.noEditable ? ["--no-editable"] : [];
			const noSync = syncAtEnd ? ["--no-sync"] : [];
			tx.checkpoint();
			checkRun(
				yield* runUv(uv, ["add", "--no-workspace", ...noSync, ...ref, "-r", requirements], { cwd, signal }),
				"uv add",
				plan,
			);
		}
		if (syncAtEnd) {
			yield { type: "phase", phase: "sync", message: "syncing the environment" };
			tx.checkpoint();
			checkRun(yield* runUv(uv, ["sync"], { cwd, signal }), "uv sync", plan);
		}
		verifyApplied(project.file, plan);
		yield { type: "phase", phase: "record", message: "recording what hpm manages in [tool.hpm] managed" };
		const value = plan.managed.length > 0 ? plan.managed : undefined;
		const record: TomlEdit[] = [{ path: ["tool", "hpm", "managed"], value }];
		if (recordMode) record.push({ path: ["tool", "hpm", "mode"], value: plan.mode });
		tx.checkpoint();
		await writeProjectEdits(readProject(project.file), record);
		tx.wrote();
		return synced(plan, true, false);
	});
}

/** The history's line for a sync: what it added, removed and switched, and the mode. */
function historyLine(plan: Plan, modeWas: string | undefined, edits: boolean): string {
	const parts = [
		...plan.add.map((entry) => `+${entry.name}`),
		...plan.remove.map((entry) => `-${entry.name}`),
		...plan.switch.map((entry) => `~${entry.name}`),
	];
	const mode = modeWas === undefined ? `mode ${plan.mode}` : `mode ${modeWas} -> ${plan.mode}`;
	if (parts.length === 0) return `sync: ${edits ? "recorded" : "uv.lock and .venv brought in line"} (${mode})`;
	return `sync: ${parts.join(" ")} (${mode})`;
}
