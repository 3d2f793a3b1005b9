import { shownUrl as hidePasswords } from "../registry/location.js";
import path from "node:path";
import { createTwoFilesPatch } from "diff";
import { HpmError } from "../errors.js";
import type { HpmEvent } from "../events.js";
import { removeQuietly, writeFileAtomic } from "../fs-atomic.js";
import { readRegularFile } from "../os/read-file.js";
import { MAX_FILE_BYTES, projectFiles } from "../project/files.js";
import { type HistoryEntry, readHistory } from "../project/history.js";
import { type LockChange, lockChanges } from "../project/lock-diff.js";
import { findUv, runUv } from "../uv/driver.js";
import { checkRun, transaction } from "./transaction.js";

export type RollbackResult = {
	readonly kind: "rollback";
	readonly ok: true;
	readonly entry: { readonly id: number; readonly time: string; readonly summary: string };
	/** Whether pyproject.toml or uv.lock changed (the environment is synced either way). */
	readonly changed: boolean;
	readonly summary: string;
};

/** What `hpm rollback N` would change, file by file. */
export type RollbackPreview = {
	readonly entry: HistoryEntry;
	/** A unified diff from pyproject.toml as it is to the entry's; empty when they are the same. */
	readonly pyproject: string;
	/** uv.lock's packages that would be added (from null), removed (to null) or change version or source. */
	readonly lock: readonly LockChange[];
	/** Whether uv.lock itself would change (even where no package does). */
	readonly lockChanged: boolean;
};

/** The entry `id` of the project's history, or the newest; a clear error when there is none. */
export function historyEntry(root: string, id: number | undefined): HistoryEntry {
	const { entries, ignored } = readHistory(root);
	const note =
		ignored.length > 0 ? ` (${ignored.length} file(s) in .hpm/history hpm did not write for you were ignored)` : "";
	if (entries.length === 0)
		throw new HpmError("history-empty", `this project has no history yet${note}`, {
			hint: "every sync that changes pyproject.toml or uv.lock records the pair as it was before",
		});
	const entry = id === undefined ? entries[0] : entries.find((e) => e.id === id);
	if (!entry)
		// an entry that is not there is an input error (exit 2), as a number that is not one is
		throw new HpmError("history-missing", `there is no history entry #${id}${note}`, {
			hint: `\`hpm history\` lists them: ${entries.map((e) => `#${e.id}`).join(", ")}`,
		});
	return entry;
}

export function rollbackPreview(root: string, id: number | undefined): RollbackPreview {
	const entry = historyEntry(root, id);
	const files = projectFiles(root);
	const read = (file: string, exists: boolean) => (exists ? readRegularFile(file, MAX_FILE_BYTES) : undefined);
	const pyproject = read(files.pyproject.target, true) ?? Buffer.alloc(0);
	const lock = read(files.lock.target, files.lock.stats !== undefined);
	const wantedPyproject = Buffer.from(entry.pyproject, "base64");
	const wantedLock = entry.lock === null ? undefined : Buffer.from(entry.lock, "base64");
	// a password in a URL of the file (a registry's, an index's) is never shown
	const patch = pyproject.equals(wantedPyproject)
		? ""
		: hidePasswords(
				createTwoFilesPatch(
					"pyproject.toml",
					`pyproject.toml (#${entry.id})`,
					pyproject.toString("utf8"),
					wantedPyproject.toString("utf8"),
					"now",
					`before ${entry.command} #${entry.id}, ${entry.time}`,
				),
			);
	const lockChanged = !(lock === undefined
		? wantedLock === undefined
		: wantedLock !== undefined && lock.equals(wantedLock));
	return { entry, pyproject: patch, lock: lockChanges(lock, wantedLock), lockChanged };
}

/**
 * Brings back pyproject.toml and uv.lock as history entry `id` (the newest when undefined) holds
 * them, then `uv sync`s the environment, as one transaction: the files are compared before they
 * are replaced, journalled, and restored if uv fails or the run is interrupted. The rollback is
 * itself recorded in the history, so it can be undone.
 */
export async function* rollback(
	root: string,
	options: { readonly id?: number | undefined; readonly signal?: AbortSignal | undefined },
): AsyncGenerator<HpmEvent, RollbackResult> {
	const entry = historyEntry(root, options.id);
	const files = projectFiles(root);
	const uv = await findUv();
	const pyproject = path.join(root, "pyproject.toml");
	return yield* transaction(pyproject, "rollback", options.signal, async function* (tx) {
		tx.describe(`rollback to before #${entry.id} (${entry.summary})`);
		const wantedPyproject = Buffer.from(entry.pyproject, "base64");
		const wantedLock = entry.lock === null ? undefined : Buffer.from(entry.lock, "base64");
		const changed =
			!tx.before.pyproject.equals(wantedPyproject) ||
			!(tx.before.lock === undefined
				? wantedLock === undefined
				: wantedLock !== undefined && tx.before.lock.equals(wantedLock));
		if (changed) {
			yield {
				type: "phase",
				phase: "record",
				message: `putting back pyproject.toml and uv.lock as they were before #${entry.id}`,
			};
			tx.checkpoint();
			writeFileAtomic(files.pyproject.target, wantedPyproject);
			if (wantedLock) writeFileAtomic(files.lock.target, wantedLock);
			else removeQuietly(files.lock.target);
			tx.wrote();
		}
		yield { type: "phase", phase: "sync", message: "syncing the environment" };
		tx.checkpoint();
		checkRun(yield* runUv(uv, ["sync"], { cwd: root, signal: options.signal }), "uv sync", undefined);
		return {
			kind: "rollback",
			ok: true,
			entry: { id: entry.id, time: entry.time, summary: entry.summary },
			changed,
			summary: changed
				? `rolled back to before #${entry.id} (${entry.summary}): pyproject.toml, uv.lock and .venv match it`
				: `pyproject.toml and uv.lock already match #${entry.id}; the environment is synced`,
		};
	});
}
