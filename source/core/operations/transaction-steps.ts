import { type Code, HpmError } from "../base/errors.js";
import { writeFileSync } from "node:fs";
import type { Plan } from "../plan/plan.js";
import { type AddBatch, addFlags } from "../plan/uv-record.js";
import { type IndexTable, withIndexTable } from "../project/index-table.js";
import { readProject } from "../project/project.js";
import { replaceProjectText } from "../project/write.js";
import { runUv, type Uv, type UvRun } from "../uv/driver.js";
import type { UvEvent } from "../uv/events.js";
import { explainFailure } from "./conflict.js";

/** Turns a failed uv run into an HpmError that explains a resolution conflict in group terms. */
export function checkRun(run: UvRun, what: string, plan: Pick<Plan, "selected"> | undefined): void {
	if (run.aborted) throw new HpmError("interrupted", "interrupted", { exitCode: 1 });
	if (run.exitCode === 0) return;
	const explained = plan ? explainFailure(run.lines, run.exitCode, plan.selected) : undefined;
	throw new UvRunFailed(
		explained?.code ?? "uv-failed",
		`${what} failed (exit ${run.exitCode})${explained ? `: ${explained.message}` : ""}; pyproject.toml and uv.lock were restored`,
		what,
		(explained?.entries ?? []).flatMap((entry) => entry.groups.map((group) => `${group}=${entry.name}`)),
	);
}

/** A uv run of an operation that failed: which one, and the choices uv's words name (as data). */
export class UvRunFailed extends HpmError {
	/** The uv command, as a person is told it (`uv sync`). */
	readonly command: string;

	constructor(code: Code, message: string, command: string, choices: readonly string[]) {
		super(code, message, {
			exitCode: 1,
			hint: "uv's output above says why; `hpm check` shows the problem without changing anything",
			choices,
		});
		this.command = command;
	}
}

/**
 * Before `uv add --index` for an explicit index: its `[[tool.uv.index]]` table, written into the
 * project first (uv has no flag for `explicit` and keeps the keys of a table it finds), as part
 * of the change. Nothing is written when the project has a table of that name.
 */
export function writeIndexTable(
	tx: { readonly checkpoint: () => void; readonly wrote: () => void },
	file: string,
	index: IndexTable,
): void {
	const current = readProject(file);
	const next = withIndexTable(current.text, file, index);
	tx.checkpoint();
	if (next === undefined) return;
	replaceProjectText(current, next);
	tx.wrote();
}

/**
 * One `uv add` of a batch, as a step of a change: its requirements file (outside the project, in
 * `requirements`; it carries per-package editable flags and revs in one call, its paths relative to
 * the project root, as uv then records them), the explicit index's table (writeIndexTable), then
 * `uv add` with the batch's flags, failing as checkRun says.
 */
export async function* uvAddStep(
	tx: { readonly checkpoint: () => void; readonly wrote: () => void },
	uv: Uv,
	batch: AddBatch,
	options: {
		/** The project's pyproject.toml. */
		readonly file: string;
		readonly requirements: string;
		/**
		 * `sync`: uv locks and syncs (inexactly); `no-sync`: uv locks, the change ends with one exact
		 * `uv sync`; `frozen`: uv only edits pyproject.toml, another step locks.
		 */
		readonly lock: "sync" | "no-sync" | "frozen";
		readonly cwd: string;
		readonly signal: AbortSignal | undefined;
		readonly env: NodeJS.ProcessEnv;
		readonly plan: Pick<Plan, "selected">;
	},
): AsyncGenerator<UvEvent, void> {
	writeFileSync(options.requirements, `${batch.lines.join("\n")}\n`);
	if (batch.index?.explicit) writeIndexTable(tx, options.file, batch.index);
	tx.checkpoint();
	const lock = options.lock === "sync" ? [] : [`--${options.lock}`];
	checkRun(
		yield* runUv(uv, ["add", "--no-workspace", ...lock, ...addFlags(batch), "-r", options.requirements], {
			cwd: options.cwd,
			signal: options.signal,
			env: options.env,
		}),
		"uv add",
		options.plan,
	);
}
