import { existsSync, renameSync } from "node:fs";
import { keyProblem, sign, userKey } from "../os/user-key.js";
import { readRegularFile } from "../os/read-file.js";
import { hostname } from "node:os";
import path from "node:path";
import * as z from "zod/mini";
import { HpmError } from "../base/errors.js";
import { createChecked, editKept, type KeptEdit, removeChecked, replaceChecked } from "../os/checked-write.js";
import { removeQuietly, writeFileAtomic } from "../os/fs-atomic.js";
import { sha256 } from "../os/sha256.js";
import { identify, isSameProcess, type ProcessIdentity, stopRecordedGroup } from "../os/process.js";
import { JOURNAL_FILE } from "./journal-file.js";

/**
 * The journal of one change to the project (sync or install): written before the first change,
 * updated after every step, removed when the change is complete or undone. It holds no file
 * contents, only hashes and the names of the backups staged beside the files, and a checksum:
 * a journal that does not validate is set aside, never applied.
 */
function makeJournalSchema() {
	const identitySchema = z.object({
		pid: z.number().check(z.int(), z.positive()),
		start: z.string(),
		/** For a uv run: the HPM_RUN_ID every process it started carries in its environment. */
		token: z.optional(z.string().check(z.regex(/^[0-9a-f]{16}$/))),
	});
	const hashSchema = z.nullable(z.string().check(z.regex(/^[0-9a-f]{64}$/)));
	const fileSchema = z.object({
		/** sha256 of the bytes before the change; null: the file did not exist. */
		before: hashSchema,
		/** The staged copy of those bytes beside the file (a name, never a path); null without one. */
		backup: z.nullable(z.string().check(z.regex(/^\.[^/\\]+\.hpm-\d+-[0-9a-f]{8}\.before$/))),
		/** Every state this change itself produced for the file (after each step), as hashes. */
		written: z.array(hashSchema),
	});
	return z.object({
		version: z.literal(2),
		owner: identitySchema,
		host: z.string(),
		command: z.string().check(z.regex(/^[a-z][a-z -]*$/)),
		started: z.string(),
		files: z.object({ pyproject: fileSchema, lock: fileSchema }),
		/** The uv process group running right now, if any. */
		running: z.nullable(identitySchema),
	});
}
// made when a journal is read, which few commands do (building it costs every command ~0.5 ms)
let journalSchema: ReturnType<typeof makeJournalSchema> | undefined;

export type JournalBody = z.infer<ReturnType<typeof makeJournalSchema>>;
type FileName = keyof JournalBody["files"];

const MAX_JOURNAL_BYTES = 64 * 1024;

export function journalPath(root: string): string {
	return path.join(root, JOURNAL_FILE);
}

/** Writes the journal with its signature, atomically. */
export function writeJournal(root: string, body: JournalBody): void {
	const key = userKey(true);
	if (!key) throw new HpmError("io", `hpm cannot sign its journal: ${keyProblem()}`);
	const text = JSON.stringify(body);
	writeFileAtomic(
		journalPath(root),
		`${JSON.stringify({ body: JSON.parse(text) as unknown, checksum: sign(key, text) })}\n`,
	);
}

export function removeJournal(root: string): void {
	removeQuietly(journalPath(root));
}

export function newJournal(command: string, files: JournalBody["files"]): JournalBody {
	const owner = identify(process.pid) ?? { pid: process.pid, start: "" };
	return { version: 2, owner, host: hostname(), command, started: new Date().toISOString(), files, running: null };
}

export type JournalRead =
	| { readonly kind: "none" }
	| { readonly kind: "valid"; readonly journal: JournalBody }
	| { readonly kind: "invalid"; readonly reason: string };

/** Reads and validates the journal: a regular file, small, well-formed, with a matching checksum. */
export function readJournal(root: string): JournalRead {
	const file = journalPath(root);
	if (!existsSync(file)) return { kind: "none" };
	let text: string;
	try {
		text = readRegularFile(file, MAX_JOURNAL_BYTES).toString("utf8");
	} catch (error) {
		return { kind: "invalid", reason: `it ${(error as Error).message}` };
	}
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch {
		return { kind: "invalid", reason: "it is not JSON" };
	}
	const envelope = z.object({ body: z.unknown(), checksum: z.string() }).safeParse(raw);
	if (!envelope.success) return { kind: "invalid", reason: "it is not an hpm journal" };
	const key = userKey(false);
	if (!key || sign(key, JSON.stringify(envelope.data.body)) !== envelope.data.checksum)
		return {
			kind: "invalid",
			reason: "its signature does not match (it was edited, damaged, or written by another user or machine)",
		};
	journalSchema ??= makeJournalSchema();
	const body = journalSchema.safeParse(envelope.data.body);
	if (!body.success) return { kind: "invalid", reason: "it does not have the shape hpm writes" };
	return { kind: "valid", journal: body.data };
}

/** Whether the change a journal describes is still under way in a live hpm. */
export function journalOwnerAlive(journal: JournalBody): boolean {
	return journal.host === hostname() && isSameProcess(journal.owner);
}

/** What a read-only command says about a journal it finds (it repairs nothing), or undefined. */
export function journalNotice(root: string): string | undefined {
	const found = readJournal(root);
	if (found.kind === "none") return undefined;
	if (found.kind === "invalid")
		return `${journalPath(root)} is not a valid hpm journal (${found.reason}); the next hpm sync, install or group command sets it aside and restores nothing`;
	if (journalOwnerAlive(found.journal)) return undefined; // a change is running right now
	const { command, owner, started } = found.journal;
	return `an earlier \`hpm ${command}\` (pid ${owner.pid}, started ${started}) did not finish; the next hpm sync, install or group command will look at what it changed and undo it`;
}

/**
 * How the files compare with what the change wrote: `unchanged` when both still hold their bytes
 * from before it, `ours` when every changed file holds a state the change itself produced
 * (so restoring loses nothing), `foreign` when a file holds something else (someone edited it).
 */
export function classify(
	journal: JournalBody,
	current: Readonly<Record<FileName, string | null>>,
): "unchanged" | "ours" | "foreign" {
	const names: FileName[] = ["pyproject", "lock"];
	if (names.every((name) => current[name] === journal.files[name].before)) return "unchanged";
	const ours = names.every(
		(name) => current[name] === journal.files[name].before || journal.files[name].written.includes(current[name]),
	);
	return ours ? "ours" : "foreign";
}

/**
 * Finishes, from its journal, a change that a killed hpm left behind; call it only while holding
 * the project lock. Stops what is left of the uv it ran (only that process group), then restores
 * the files only if they hold what the change wrote; if anyone edited them since, it restores
 * nothing, keeps the old bytes beside them as `*.hpm-before` and says so (an error: the command
 * that found it does not go on). A journal that does not validate is set aside, never applied.
 */
export async function recoverJournal(
	root: string,
	targets: Readonly<Record<FileName, string>>,
	hashOf: (file: string) => string | null,
): Promise<string | undefined> {
	const found = readJournal(root);
	if (found.kind === "none") return undefined;
	if (found.kind === "invalid") {
		const aside = `${journalPath(root)}.invalid-${Date.now()}`;
		renameSync(journalPath(root), aside);
		// the backups it may name are not its to discard: the caller keeps them (lock.ts)
		return `set aside ${path.basename(journalPath(root))}: ${found.reason}; nothing was restored (it is kept as ${path.basename(aside)})`;
	}
	const journal = found.journal;
	if (journalOwnerAlive(journal)) return undefined;
	// A uv still at work for the dead hpm is stopped first. What it wrote after hpm died cannot be
	// told from a person's edits: only the states the journal recorded count as hpm's.
	if (journal.running && journal.host === hostname()) await stopRecordedGroup(journal.running);
	const current = { pyproject: hashOf(targets.pyproject), lock: hashOf(targets.lock) };
	const what = `an earlier \`hpm ${journal.command}\` (pid ${journal.owner.pid}, started ${journal.started}) was killed before it finished`;
	const verdict = classify(journal, current);
	if (verdict === "unchanged") {
		removeJournal(root);
		discardBackups(journal, targets);
		return `${what}; it had not changed pyproject.toml or uv.lock yet`;
	}
	if (verdict === "ours") {
		try {
			restoreFiles(journal, targets, current);
		} catch (error) {
			// put back, with an edit saved meanwhile kept in a copy the error names: done
			if (error instanceof HpmError && error.code === "edit-kept") {
				removeJournal(root);
				throw error;
			}
			// a backup deleted by hand (git clean): set the journal aside so it blocks nothing more
			const aside = `${journalPath(root)}.invalid-${Date.now()}`;
			renameSync(journalPath(root), aside);
			throw new HpmError(
				"backup-missing",
				`${what}, and its backup copy is gone (${(error as Error).message}); nothing was restored`,
				{
					exitCode: 1,
					hint: `pyproject.toml and uv.lock are as that ${journal.command} left them; run \`hpm sync\` to finish it (the journal is kept as ${path.basename(aside)})`,
				},
			);
		}
		removeJournal(root);
		return `${what}; pyproject.toml and uv.lock were restored to their state before it (run it again to apply it)`;
	}
	const kept = keepBoth(journal, targets, current);
	removeJournal(root);
	throw new HpmError(
		"recovery-conflict",
		`${what}, and pyproject.toml or uv.lock changed after it; hpm restored nothing, so no edit is lost`,
		{
			exitCode: 1,
			hint: `${kept.map((k) => `${k.copy} holds ${path.basename(k.target)} from before that ${journal.command}`).join("; ")}. Compare (diff) and keep what you want, delete the copies, then run the command again`,
		},
	);
}

/**
 * Puts back the staged bytes of every file the change touched (a rename: no new disk space
 * needed), each only while it still holds `current` (checked-write.ts): an edit saved while it
 * is put back is kept in a copy, and an error names it once both files are done.
 */
export function restoreFiles(
	journal: JournalBody,
	targets: Readonly<Record<FileName, string>>,
	current: Readonly<Record<FileName, string | null>>,
): void {
	const kept: KeptEdit[] = [];
	for (const name of ["pyproject", "lock"] as const) {
		const file = journal.files[name];
		const target = targets[name];
		const backup = file.backup === null ? undefined : path.join(path.dirname(target), file.backup);
		if (current[name] === file.before) {
			if (backup) removeQuietly(backup);
			continue;
		}
		const now = current[name];
		const holdsNow = (bytes: Buffer) => sha256(bytes) === now;
		const changed = () =>
			new HpmError("project-changed", `${target} changed while hpm was putting it back; hpm left it as it is`, {
				exitCode: 1,
				hint: "the next hpm sync, install or group command compares it with its state before and keeps both",
				location: { file: target },
			});
		let edit: KeptEdit | undefined;
		if (file.before === null) edit = now === null ? undefined : removeChecked(target, holdsNow, changed);
		else if (!backup || !existsSync(backup))
			throw new HpmError("backup-missing", `the backup of ${target} is gone; hpm cannot restore it`);
		else if (now === null)
			createChecked(backup, target, changed); // uv removed it: put it back unless someone saved one since
		else edit = replaceChecked(backup, target, holdsNow, changed);
		if (edit) kept.push(edit);
	}
	if (kept.length > 0) throw editKept(kept);
}

/** Renames each backup of a changed file to a visible `<file>.hpm-before`, leaving the file as it is. */
function keepBoth(
	journal: JournalBody,
	targets: Readonly<Record<FileName, string>>,
	current: Readonly<Record<FileName, string | null>>,
): { target: string; copy: string }[] {
	const kept: { target: string; copy: string }[] = [];
	for (const name of ["pyproject", "lock"] as const) {
		const file = journal.files[name];
		const target = targets[name];
		const backup = file.backup === null ? undefined : path.join(path.dirname(target), file.backup);
		if (!backup || !existsSync(backup)) continue;
		if (current[name] === file.before) {
			removeQuietly(backup);
			continue;
		}
		kept.push({ target, copy: keepAsBefore(backup, target) });
	}
	return kept;
}

/** Moves `backup` to a visible `<target>.hpm-before` (`.hpm-before.N` when taken); returns that name. */
export function keepAsBefore(backup: string, target: string): string {
	for (let n = 0; ; n++) {
		const copy = n === 0 ? `${target}.hpm-before` : `${target}.hpm-before.${n}`;
		if (existsSync(copy)) continue;
		// the checked create: a copy someone saved at that name meanwhile is never replaced
		try {
			createChecked(backup, copy, () => new HpmError("exists", `${copy} appeared meanwhile`));
			return copy;
		} catch (error) {
			if (!(error instanceof HpmError)) throw error;
		}
	}
}

function discardBackups(journal: JournalBody, targets: Readonly<Record<FileName, string>>): void {
	for (const name of ["pyproject", "lock"] as const) {
		const backup = journal.files[name].backup;
		if (backup !== null) removeQuietly(path.join(path.dirname(targets[name]), backup));
	}
}

export { keepBoth, discardBackups };
export type { FileName, ProcessIdentity };
