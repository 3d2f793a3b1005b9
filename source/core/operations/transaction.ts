import { rmSync } from "node:fs";
import path from "node:path";
import { HpmError } from "../base/errors.js";
import { keepEditCopy } from "../os/checked-write.js";
import { removeQuietly, stageFile } from "../os/fs-atomic.js";
import { sha256 } from "../os/sha256.js";
import { identify } from "../os/process.js";
import { makeScratch } from "../os/scratch.js";
import { readRegularFile } from "../os/read-file.js";
import { type HpmEvent, tap } from "../plan/events.js";
import { hashOf, MAX_FILE_BYTES, projectFiles } from "../project/files.js";
import { forgetHistory, pruneHistory, recordFirst, retitleHistory } from "../project/history.js";
import {
	classify,
	discardBackups,
	type JournalBody,
	keepBoth,
	newJournal,
	removeJournal,
	restoreFiles,
	writeJournal,
} from "../project/journal.js";
import { loadEditor } from "../project/toml-edit.js";
import { onlyUvEdits } from "../project/uv-edits.js";
import { assertWritable } from "../project/write.js";
import { type FileName, type FileHashes, stepWatcher } from "./transaction-watch.js";

// the steps a transaction's body takes with uv, for sync, install and rollback
export { checkRun, UvRunFailed } from "./transaction-steps.js";

/** What a transaction's body may ask of it. */
export type Tx = {
	/** A scratch folder outside the project, removed afterwards. */
	readonly scratch: string;
	/**
	 * Refuses to go on when pyproject.toml or uv.lock changed since hpm's last step (someone edited
	 * them). Called before every step that writes: the first call writes the change's history
	 * entry, and stops the change when it cannot (nothing is changed yet then).
	 */
	readonly checkpoint: () => void;
	/** Records the files as they are now as hpm's own writing (after hpm itself edited them). */
	readonly wrote: () => void;
	/** The files as they were before the change (undefined: there was no uv.lock). */
	readonly before: { readonly pyproject: Buffer; readonly lock: Buffer | undefined };
	/** The line the project's history keeps for this change, if it changes the files. */
	readonly describe: (summary: string) => void;
};

/**
 * Runs `body`, which changes the project through uv, as one change that completes or is undone.
 * Before anything is touched, the bytes of pyproject.toml and uv.lock are staged beside them and a
 * journal records their hashes; every step records what it wrote. If the body fails or is
 * interrupted, the files are put back (a rename of the staged bytes, so a full disk cannot stop
 * it) only if they hold what this change wrote; when someone else edited them meanwhile, nothing
 * is restored and the old bytes are kept beside them as `*.hpm-before`.
 */
export async function* transaction<T>(
	pyproject: string,
	command: string,
	signal: AbortSignal | undefined,
	body: (tx: Tx) => AsyncGenerator<HpmEvent, T>,
): AsyncGenerator<HpmEvent, T> {
	assertWritable(pyproject);
	const root = path.dirname(pyproject);
	const files = projectFiles(root);
	// uv replaces uv.lock by a rename, which would ignore a person's chmod: respect it here
	if (files.lock.stats) assertWritable(files.lock.target);
	const targets = { pyproject: files.pyproject.target, lock: files.lock.target };
	let before: { pyproject: Buffer; lock: Buffer | undefined };
	try {
		before = {
			pyproject: readRegularFile(targets.pyproject, MAX_FILE_BYTES),
			lock: files.lock.stats ? readRegularFile(targets.lock, MAX_FILE_BYTES) : undefined,
		};
	} catch (error) {
		throw new HpmError("project-unreadable", `pyproject.toml or uv.lock ${(error as Error).message}`, {
			hint: "make them regular files hpm can read; nothing was changed",
		});
	}
	// made before the journal: a temporary folder that cannot hold it stops the change before it starts
	const scratch = makeScratch("change");
	// compiled while uv runs: the last step of a sync edits pyproject.toml with it
	loadEditor().catch(() => undefined);
	const staged: string[] = [];
	let journal: JournalBody;
	try {
		const pyBackup = stageFile(targets.pyproject, files.pyproject.stats, before.pyproject, "before");
		staged.push(pyBackup);
		const lockBackup = before.lock ? stageFile(targets.lock, files.lock.stats, before.lock, "before") : null;
		if (lockBackup) staged.push(lockBackup);
		journal = newJournal(command, {
			pyproject: { before: sha256(before.pyproject), backup: path.basename(pyBackup), written: [] },
			lock: {
				before: before.lock ? sha256(before.lock) : null,
				backup: lockBackup ? path.basename(lockBackup) : null,
				written: [],
			},
		});
		// The journal outlives a SIGKILL: the next writing hpm command finishes or undoes the change.
		writeJournal(root, journal);
	} catch (error) {
		for (const file of staged) removeQuietly(file);
		rmSync(scratch, { recursive: true, force: true });
		if (error instanceof HpmError) throw error;
		throw new HpmError("io", `hpm ${command} could not prepare its change: ${(error as Error).message}`, {
			hint: "free some disk space or fix the folder's permissions; nothing was changed",
		});
	}
	const observe = () => ({ pyproject: hashOf(targets.pyproject), lock: hashOf(targets.lock) });
	let last = { pyproject: journal.files.pyproject.before, lock: journal.files.lock.before };
	const update = (change: Partial<JournalBody>) => {
		journal = { ...journal, ...change };
		writeJournal(root, journal);
	};
	const remember = (now: Partial<FileHashes>) => {
		const add = (list: (string | null)[], hash: string | null | undefined) =>
			hash === undefined || list.includes(hash) ? list : [...list, hash];
		update({
			files: {
				pyproject: { ...journal.files.pyproject, written: add(journal.files.pyproject.written, now.pyproject) },
				lock: { ...journal.files.lock, written: add(journal.files.lock.written, now.lock) },
			},
		});
	};
	// a file's bytes now (null: absent), to tell uv's writes from someone else's (transaction-watch.ts)
	const current = (name: FileName): Buffer | null => {
		try {
			return readRegularFile(targets[name], MAX_FILE_BYTES);
		} catch (error) {
			if (error instanceof HpmError) throw error;
			return null;
		}
	};
	// the bytes of pyproject.toml as `last` knows it (read when nobody writes: at the start, after
	// hpm's own write, after a uv step), what the next step's uv reads when it starts
	let known: Buffer | null = before.pyproject;
	const record = () => {
		last = observe();
		known = current("pyproject");
		remember(last);
	};

	// not read when uv starts: uv may be writing it by then (an empty or half file is no start)
	let stepStart: Buffer | null = null;
	const steps = stepWatcher(observe, remember, {
		begin: () => {
			stepStart = known;
		},
		// once hpm has stopped uv, what the file holds may be uv's write cut short (not TOML): uv's
		own: (name) => name === "lock" || signal?.aborted === true || onlyUvEdits(stepStart, current("pyproject")),
		keep: (name) => {
			const bytes = current(name);
			return bytes === null ? undefined : keepEditCopy(targets[name], bytes);
		},
	});
	let summary = command;
	// the history entry is written before the first step that changes anything (tx.checkpoint)
	let history: number | undefined;
	const recordBefore = () => {
		if (history !== undefined) return;
		const entry = {
			command,
			summary,
			pyproject: before.pyproject.toString("base64"),
			lock: before.lock ? before.lock.toString("base64") : null,
		};
		history = recordFirst(root, command, entry);
	};
	const tx: Tx = {
		scratch,
		checkpoint: () => {
			const now = observe();
			if (now.pyproject !== last.pyproject || now.lock !== last.lock) {
				throw new HpmError("project-changed", `pyproject.toml or uv.lock changed while hpm ${command} was running`, {
					exitCode: 1,
					hint: "hpm stopped before changing anything more; run the command again",
				});
			}
			recordBefore();
		},
		wrote: record,
		before,
		describe: (text) => {
			summary = text;
		},
	};
	try {
		const result = yield* tap(body(tx), (event) => {
			if (event.type === "uv-start") {
				const who = identify(event.pid);
				update({ running: who ? { ...who, token: event.token } : null });
				steps.start(event.args);
			}
			if (event.type === "uv-exit") {
				const ended = steps.stop();
				update({ running: null });
				// What uv wrote is this change's (after a step that worked, one hpm stopped, or a
				// failed `uv remove`, which does not undo itself) unless someone else wrote too. A
				// failed `uv add` or `uv sync` undoes its own edits: whatever differs then is foreign.
				const undoesItself = event.exitCode !== 0 && !signal?.aborted && event.args[0] !== "remove";
				if (ended && !ended.foreign && !undoesItself) record();
				// someone edited while uv ran, and uv may have written over it from what it had read:
				// their edit is in a copy, and the change stops (its files put back if they are ours)
				if (ended && ended.kept.length > 0) {
					const copies = ended.kept.map((copy) => path.basename(copy)).join(", ");
					throw new HpmError(
						"project-changed",
						`pyproject.toml or uv.lock was edited while uv ran; uv writes them from what it read when it started, so hpm ${command} stopped and kept the edit in ${copies}`,
						{
							exitCode: 1,
							hint: `compare ${copies} with the file, keep what you want, delete the copy, then run hpm ${command} again`,
						},
					);
				}
			}
		});
		// the pair as it was is in the history (written before the first step) before the backups go
		const after = observe();
		const changed = after.pyproject !== journal.files.pyproject.before || after.lock !== journal.files.lock.before;
		if (changed) recordBefore(); // every step is preceded by a checkpoint; this only guards the rule
		if (history !== undefined) {
			if (!changed) forgetHistory(root, history);
			else {
				retitleHistory(root, history, summary); // the line the body described last
				pruneHistory(root, history);
			}
		}
		// the journal goes first: killed between the two, hpm leaves a stale copy, never a journal
		// whose backups are gone (which the next command could not finish)
		removeJournal(root);
		discardBackups(journal, targets);
		return result;
	} catch (error) {
		yield { type: "phase", phase: "restore", message: "restoring pyproject.toml and uv.lock" };
		const current = observe();
		const verdict = classify(journal, current);
		if (verdict === "foreign") {
			const kept = keepBoth(journal, targets, current);
			removeJournal(root);
			const why = error instanceof HpmError ? error.message : "it failed";
			throw new HpmError(
				"restore-conflict",
				`hpm ${command} stopped (${why}), and pyproject.toml or uv.lock was changed by someone else meanwhile; hpm restored nothing, so no edit is lost`,
				{
					exitCode: 1,
					hint: `${kept.map((k) => `${path.basename(k.copy)} holds ${path.basename(k.target)} from before the ${command}`).join("; ")}. Compare and keep what you want, delete the copies, then run hpm ${command} again`,
				},
			);
		}
		try {
			if (verdict === "ours") restoreFiles(journal, targets, current);
			else {
				removeJournal(root); // first, as above
				discardBackups(journal, targets);
			}
		} catch (restoreError) {
			// an edit saved while the files were put back is kept in a copy the error names: done
			if (restoreError instanceof HpmError && restoreError.code === "edit-kept") removeJournal(root);
			throw restoreError;
		}
		// the files are as they were: the entry written for this change describes nothing
		if (history !== undefined) forgetHistory(root, history);
		removeJournal(root);
		if (verdict === "ours") {
			yield {
				type: "restored",
				files: [targets.pyproject, targets.lock],
				message: "restored pyproject.toml and uv.lock",
			};
		}
		if (signal?.aborted) {
			throw new HpmError("interrupted", "interrupted: uv was stopped and pyproject.toml and uv.lock were restored", {
				exitCode: 1,
			});
		}
		if (error instanceof HpmError) throw error;
		throw new HpmError("io", `hpm ${command} stopped: ${(error as Error).message}`, {
			exitCode: 1,
			hint: "pyproject.toml and uv.lock were restored; free some disk space or fix permissions, then run it again",
		});
	} finally {
		try {
			steps.stop();
		} catch {
			// already ending with an error
		}
		rmSync(tx.scratch, { recursive: true, force: true });
	}
}
