import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HpmError } from "../errors.js";
import { type HpmEvent, tap } from "../events.js";
import { writeFileAtomic } from "../fs-atomic.js";
import type { Plan } from "../plan.js";
import { loadEditor } from "../project/toml-edit.js";
import { assertWritable } from "../project/write.js";
import { beginJournal, endJournal, noteChild } from "../project/journal.js";
import type { UvRun } from "../uv/driver.js";
import { describeConflict, involvedOptions } from "./conflict.js";

/** The bytes of pyproject.toml and uv.lock before hpm touched them (undefined: it did not exist). */
type Backup = { readonly pyproject: Buffer; readonly lock: Buffer | undefined };

/**
 * Runs `body`, which edits the project through uv, with pyproject.toml and uv.lock backed up in
 * memory; if it fails or is interrupted, both are put back byte for byte (uv itself does not
 * restore after a failed `uv remove`). `body` gets a scratch folder outside the project.
 */
export async function* transaction<T>(
	pyproject: string,
	command: string,
	signal: AbortSignal | undefined,
	body: (scratch: string) => AsyncGenerator<HpmEvent, T>,
): AsyncGenerator<HpmEvent, T> {
	assertWritable(pyproject);
	const root = path.dirname(pyproject);
	const lockFile = path.join(root, "uv.lock");
	const backup: Backup = {
		pyproject: readFileSync(pyproject),
		lock: existsSync(lockFile) ? readFileSync(lockFile) : undefined,
	};
	// compiled while uv runs: the last step of a sync edits pyproject.toml with it
	loadEditor().catch(() => undefined);
	// The journal outlives a SIGKILL: the next hpm command restores from it (see recoverJournal).
	beginJournal(root, command, backup.pyproject, backup.lock);
	const scratch = mkdtempSync(path.join(tmpdir(), "hpm-"));
	try {
		const result = yield* tap(body(scratch), (event) => {
			if (event.type === "uv-start" && event.pid !== undefined) noteChild(root, event.pid);
		});
		endJournal(root);
		return result;
	} catch (error) {
		yield { type: "phase", phase: "restore", message: "restoring pyproject.toml and uv.lock" };
		writeFileAtomic(pyproject, backup.pyproject);
		if (backup.lock) writeFileAtomic(lockFile, backup.lock);
		else if (existsSync(lockFile)) unlinkSync(lockFile);
		endJournal(root);
		yield { type: "restored", files: [pyproject, lockFile], message: "restored pyproject.toml and uv.lock" };
		if (signal?.aborted) {
			throw new HpmError("interrupted", "interrupted: uv was stopped and pyproject.toml and uv.lock were restored", {
				exitCode: 1,
			});
		}
		throw error;
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}

/** Turns a failed uv run into an HpmError that explains a resolution conflict in group terms. */
export function checkRun(run: UvRun, what: string, plan: Pick<Plan, "selected"> | undefined): void {
	if (run.aborted) throw new HpmError("interrupted", "interrupted", { exitCode: 1 });
	if (run.exitCode === 0) return;
	const conflict =
		run.exitCode === 1 && plan ? describeConflict(involvedOptions(run.lines.join("\n"), plan.selected)) : undefined;
	throw new HpmError(
		"uv-failed",
		`${what} failed (exit ${run.exitCode})${conflict ? `: ${conflict}` : ""}; pyproject.toml and uv.lock were restored`,
		{ exitCode: 1, hint: "uv's output above says why; `hpm check` shows the problem without changing anything" },
	);
}
