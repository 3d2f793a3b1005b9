import { redactSecrets } from "../base/secrets.js";
import path from "node:path";
import { createTwoFilesPatch } from "diff";
import { HpmError } from "../base/errors.js";
import { drain, type HpmEvent } from "../plan/events.js";
import { type CheckedWrite, editKept, removeChecked, writeFilesChecked } from "../os/checked-write.js";
import { readRegularFile } from "../os/read-file.js";
import { MAX_FILE_BYTES, projectFiles, readUvLockBytes } from "../project/files.js";
import { type HistoryEntry, readableHistory } from "../project/history.js";
import { type LockChange, lockChanges } from "../project/lock-diff.js";
import { displaySafe } from "../base/text.js";
import { findUv, runUv, type Uv } from "../uv/driver.js";
import { checkRun, transaction } from "./transaction.js";
import { machineNow } from "./machine-now.js";
import { MACHINE_FILE, restoreMachineFile } from "../project/machine-choice.js";
import { readProject } from "../project/project.js";
import type { Registry } from "../registry/model.js";

export type RollbackResult = {
	readonly kind: "rollback";
	readonly ok: true;
	readonly entry: { readonly id: number; readonly time: string; readonly summary: string };
	/** Whether pyproject.toml or uv.lock changed (the environment is synced either way). */
	readonly changed: boolean;
	/**
	 * Why uv re-locked uv.lock (the pair recorded no longer matched for this uv, or the entry had no
	 * uv.lock), or null when uv.lock is byte for byte the entry's.
	 */
	readonly relocked: string | null;
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
	const { entries, ignored } = readableHistory(root);
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
		: redactSecrets(
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
 * them, then syncs the environment from exactly that uv.lock (`uv sync --locked`); only when uv
 * says the pair no longer matches (`uv lock --check`) does it re-lock, and the result says why.
 * One transaction: the files are compared before they
 * are replaced, journalled, and restored if uv fails or the run is interrupted. The rollback is
 * itself recorded in the history, so it can be undone.
 */
export async function* rollback(
	root: string,
	options: {
		readonly id?: number | undefined;
		readonly signal?: AbortSignal | undefined;
		/** Credentials of the registry's sources, for uv (it records none). */
		readonly env?: Record<string, string> | undefined;
		/** The registry: with per-machine groups, which `--group` this machine's sync takes. */
		readonly registry?: Registry | undefined;
	},
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
			// the one checked write: each file only while it holds what the transaction read
			const changedMeanwhile = (file: string) =>
				new HpmError("project-changed", `${file} changed while hpm was rolling back; nothing more was written`, {
					exitCode: 1,
					location: { file },
				});
			const before = tx.before;
			const writes: CheckedWrite[] = [];
			if (!before.pyproject.equals(wantedPyproject))
				writes.push({ file: files.pyproject.target, expected: before.pyproject, text: wantedPyproject });
			if (wantedLock && !(before.lock && before.lock.equals(wantedLock)))
				writes.push({ file: files.lock.target, expected: before.lock, text: wantedLock });
			writeFilesChecked(writes, changedMeanwhile);
			if (!wantedLock && before.lock) {
				const kept = removeChecked(files.lock.target, before.lock, () => changedMeanwhile(files.lock.target));
				if (kept) throw editKept([kept]);
			}
			tx.wrote();
		}
		yield { type: "phase", phase: "sync", message: "syncing the environment" };
		tx.checkpoint(); // the rollback's own entry keeps this machine's choices as they are now
		// this machine's local choices as they were (an entry older than them says nothing of them)
		const localBefore = machineFileNow(root);
		const local = entry.machine !== undefined && restoreMachineFile(root, entry.machine);
		const groups = machineArgs(root, options.registry);
		// an exact rollback syncs from the entry's uv.lock as it is; a pair uv would re-lock is said
		let relocked =
			wantedLock === undefined ? `#${entry.id} had no uv.lock` : await staleLock(uv, root, options.signal, options.env);
		const args = [...(relocked === undefined ? ["sync", "--locked"] : ["sync"]), ...groups];
		try {
			checkRun(
				yield* runUv(uv, args, { cwd: root, signal: options.signal, env: options.env ?? {} }),
				`uv ${args.join(" ")}`,
				undefined,
			);
		} catch (error) {
			// the transaction puts pyproject.toml and uv.lock back; this machine's choice goes back with them
			if (local) restoreMachineFile(root, localBefore);
			throw error;
		}
		const lockNow = readUvLockBytes(files.lock.target);
		if (relocked !== undefined && wantedLock !== undefined && lockNow?.equals(wantedLock)) relocked = undefined;
		const before = `before #${entry.id} (${entry.summary})${local ? ", this machine's choice (.hpm/machine.toml) too" : ""}`;
		return {
			kind: "rollback",
			ok: true,
			entry: { id: entry.id, time: entry.time, summary: entry.summary },
			changed: changed || local,
			relocked: relocked ?? null,
			summary:
				relocked !== undefined
					? `${changed ? `rolled back pyproject.toml to ${before}` : `pyproject.toml already matches #${entry.id}`}; uv re-locked uv.lock, as the one recorded does not match it for this uv (${relocked}); .venv matches the new uv.lock`
					: changed || local
						? `rolled back to ${before}: pyproject.toml and uv.lock are byte for byte as they were, and .venv matches them`
						: `pyproject.toml and uv.lock already match #${entry.id}; the environment is synced`,
		};
	});
}

/** Why uv would re-lock the project's pair (uv's own cause line), or undefined when uv.lock matches (or uv says nothing of it). */
async function staleLock(
	uv: Uv,
	root: string,
	signal: AbortSignal | undefined,
	env: Record<string, string> = {},
): Promise<string | undefined> {
	// uv's lines of this question are not shown: the sync after it is what the person follows
	const check = await drain(
		runUv(uv, ["lock", "--check"], { cwd: root, signal, readOnly: true, env }),
		() => undefined,
	);
	if (check.aborted) throw new HpmError("interrupted", "interrupted", { exitCode: 1 });
	if (check.exitCode === 0 || !check.lines.some((line) => /needs to be updated/.test(line))) return undefined;
	const causes = check.lines.flatMap((line) => /^\s*cause: (.*)$/.exec(line)?.[1] ?? []);
	return causes.length > 0
		? `uv: ${displaySafe(causes.join("; "))}`
		: "uv lock --check: the lockfile needs to be updated";
}

/** `--group` for this machine's options of the project's per-machine groups, as sync gives them. */
function machineArgs(root: string, registry: Registry | undefined): readonly string[] {
	if (!registry) return [];
	try {
		const project = readProject(path.join(root, "pyproject.toml"));
		return machineNow(registry, project).args;
	} catch {
		// a choice that does not parse: uv syncs the project without it, as before machine groups
		return [];
	}
}

/** `.hpm/machine.toml` as it is (base64), or null without one. */
function machineFileNow(root: string): string | null {
	try {
		return readRegularFile(path.join(root, MACHINE_FILE), MAX_FILE_BYTES).toString("base64");
	} catch {
		return null;
	}
}
