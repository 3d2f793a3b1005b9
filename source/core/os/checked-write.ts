import {
	closeSync,
	constants,
	fstatSync,
	fsyncSync,
	linkSync,
	openSync,
	readSync,
	renameSync,
	statSync,
	writeSync,
} from "node:fs";
import path from "node:path";
import { HpmError, isCode } from "../base/errors.js";
import {
	commitStaged,
	type FileIdentity,
	identityOf,
	removeQuietly,
	stageFile,
	syncFolder,
	writeTarget,
} from "./fs-atomic.js";
import { randomHex } from "./random.js";
import { pauseBeforeRename } from "./test-hooks.js";

/**
 * The one checked write of a file a person may edit (pyproject.toml, uv.lock, registry files):
 * hpm replaces it only while it holds what hpm read, and an edit saved at any moment of the write
 * ends up in the file or in a copy named in an error, never nowhere.
 *
 * The old file is held open from its last check until after the rename. An edit saved between
 * the check and the rename goes into that old file (as `echo >>`, most editors and uv save: into
 * the file), so it is seen when the old file is read again after the rename; it is then kept as
 * `<file>.hpm-edit` and the error names it (exit 1). What no look can see: an editor that saves
 * by renaming a new file into place in the microseconds between hpm's last look at the path and
 * its own rename (README "Safety").
 */

/** What the file must hold: its text or bytes as hpm read them, or a test of its bytes. */
export type Expected = string | Uint8Array | ((bytes: Buffer) => boolean);

/** One file of a checked write: its new bytes, and what it held when read (undefined: it did not exist). */
export type CheckedWrite = {
	readonly file: string;
	readonly expected: Expected | undefined;
	readonly text: string | Uint8Array;
};

/** Where an edit saved during a write was kept. */
export type KeptEdit = { readonly target: string; readonly copy: string };

/**
 * Writes `bytes` as `file` (a link is written through; mode and owner are kept) only while it
 * holds `expected`; `changed` is the error when it does not (nothing is written then).
 */
export function writeChecked(
	file: string,
	expected: Expected,
	bytes: string | Uint8Array,
	changed: () => HpmError,
): FileIdentity {
	const { path: target, stats } = writeTarget(file);
	if (!stats) throw changed();
	const staged = stageFile(target, stats, bytes);
	try {
		const written = identityOf(staged, target);
		const kept = commitHeld(staged, hold(target, expected, changed), changed);
		if (kept) throw editKept([kept]);
		return written;
	} finally {
		removeQuietly(staged); // gone already once renamed
	}
}

/**
 * Writes several files, each only if it still holds what was read, or, for a new file, if nothing
 * has appeared at its path. Every file is staged and checked before the first rename, so a
 * concurrent edit found then leaves all of them as they were. A new file is put in place with a
 * hard link, which fails rather than replace one created meanwhile.
 */
export function writeFilesChecked(writes: readonly CheckedWrite[], changed: (file: string) => HpmError): void {
	const staged: { readonly from: string; readonly target: string; readonly write: CheckedWrite; held?: Held }[] = [];
	try {
		for (const write of writes) {
			const { path: target, stats } = writeTarget(write.file);
			if ((stats === undefined) !== (write.expected === undefined)) throw changed(write.file);
			staged.push({ from: stageFile(target, stats, write.text), target, write });
		}
		for (const each of staged) {
			const expected = each.write.expected;
			if (expected !== undefined) each.held = hold(each.target, expected, () => changed(each.write.file));
		}
		const kept: KeptEdit[] = [];
		for (const each of staged) {
			const file = each.write.file;
			const held = each.held;
			if (held) {
				each.held = undefined; // commitHeld lets go of it
				const edit = commitHeld(each.from, held, () => changed(file));
				if (edit) kept.push(edit);
			} else createChecked(each.from, each.target, () => changed(file));
		}
		if (kept.length > 0) throw editKept(kept);
	} finally {
		for (const each of staged) {
			if (each.held) closeSync(each.held.fd);
			removeQuietly(each.from); // a renamed file is no longer at its staged path
		}
	}
}

/**
 * Renames `staged` (bytes hpm already put beside it: a restore) over `target`, only while the
 * target holds `expected`. Returns where an edit saved meanwhile was kept, if one was.
 */
export function replaceChecked(
	staged: string,
	target: string,
	expected: Expected,
	changed: () => HpmError,
): KeptEdit | undefined {
	return commitHeld(staged, hold(target, expected, changed), changed);
}

/**
 * Removes `target` only while it holds `expected`. The file is first renamed aside, so whatever
 * was at the path at that instant is looked at; anything but `expected` is kept as a copy.
 */
export function removeChecked(target: string, expected: Expected, changed: () => HpmError): KeptEdit | undefined {
	const held = hold(target, expected, changed);
	closeSync(held.fd);
	const aside = path.join(path.dirname(target), `.${path.basename(target)}.hpm-${process.pid}-${randomHex(4)}.tmp`);
	pauseBeforeRename(target);
	try {
		renameSync(target, aside);
	} catch (error) {
		if (isCode(error, "ENOENT")) return undefined; // someone removed it already
		throw error;
	}
	syncFolder(path.dirname(target));
	const fd = openSync(aside, constants.O_RDONLY | constants.O_NONBLOCK);
	let bytes: Buffer;
	try {
		bytes = fstatSync(fd).isFile() ? readAll(fd) : Buffer.alloc(0);
	} finally {
		closeSync(fd);
	}
	if (holds(bytes, expected)) {
		removeQuietly(aside);
		return undefined;
	}
	return { target, copy: moveToCopy(aside, target) };
}

/** The error for edits saved while hpm wrote: hpm's change is in place, each edit in its copy. */
export function editKept(kept: readonly KeptEdit[]): HpmError {
	const first = kept[0];
	const list = kept.map((k) => `${path.basename(k.target)} as you saved it is kept in ${k.copy}`).join("; ");
	return new HpmError(
		"edit-kept",
		`${kept.map((k) => k.target).join(" and ")} changed while hpm was writing it; hpm's change is in place and ${list}`,
		{
			exitCode: 1,
			hint: `compare (${kept.map((k) => `diff ${k.copy} ${k.target}`).join("; ")}), keep what you want, then delete the copy`,
			...(first ? { location: { file: first.target } } : {}),
		},
	);
}

/** The file a checked write replaces, open from its last check until after the rename. */
type Held = { readonly fd: number; readonly target: string; readonly expected: Expected; readonly mode: number };

function hold(target: string, expected: Expected, changed: () => HpmError): Held {
	let fd: number;
	try {
		fd = openSync(target, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		if (isCode(error, "ENOENT")) throw changed();
		throw error;
	}
	try {
		const stats = fstatSync(fd);
		if (!stats.isFile() || !holds(readAll(fd), expected)) throw changed();
		return { fd, target, expected, mode: stats.mode & 0o7777 };
	} catch (error) {
		closeSync(fd);
		throw error;
	}
}

/**
 * Renames `staged` over the held file once the path is seen to still be that file, then reads the
 * old file again: what differs from what was checked is an edit saved in between, kept as a copy.
 */
function commitHeld(staged: string, held: Held, changed: () => HpmError): KeptEdit | undefined {
	try {
		let now;
		try {
			now = statSync(held.target);
		} catch {
			throw changed();
		}
		const mine = fstatSync(held.fd);
		if (now.dev !== mine.dev || now.ino !== mine.ino) throw changed(); // another file saved in its place
		pauseBeforeRename(held.target);
		commitStaged(staged, held.target);
		const after = readAll(held.fd);
		if (holds(after, held.expected)) return undefined;
		return { target: held.target, copy: writeCopy(held.target, after, held.mode) };
	} finally {
		closeSync(held.fd);
	}
}

/**
 * Keeps `bytes`, someone's edit of `target` that is about to be overwritten by a tool hpm runs,
 * in a new `<target>.hpm-edit` (or `.hpm-edit.N`), flushed; returns its path.
 */
export function keepEditCopy(target: string, bytes: Buffer): string {
	return writeCopy(target, bytes, 0o644);
}

/** Puts `bytes` in a new `<target>.hpm-edit` (or `.hpm-edit.N`), flushed; returns its path. */
function writeCopy(target: string, bytes: Buffer, mode: number): string {
	for (let n = 0; ; n++) {
		const copy = n === 0 ? `${target}.hpm-edit` : `${target}.hpm-edit.${n}`;
		let fd: number;
		try {
			fd = openSync(copy, "wx", mode);
		} catch (error) {
			if (isCode(error, "EEXIST")) continue;
			throw error;
		}
		try {
			let written = 0;
			while (written < bytes.length) written += writeSync(fd, bytes, written);
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		syncFolder(path.dirname(copy));
		return copy;
	}
}

/** Gives `from` a visible name beside `target` that nothing has (a hard link never replaces). */
function moveToCopy(from: string, target: string): string {
	for (let n = 0; ; n++) {
		const copy = n === 0 ? `${target}.hpm-edit` : `${target}.hpm-edit.${n}`;
		try {
			linkSync(from, copy);
		} catch (error) {
			if (isCode(error, "EEXIST")) continue;
			throw error;
		}
		removeQuietly(from);
		syncFolder(path.dirname(copy));
		return copy;
	}
}

/** Puts a new file in place with a hard link, which fails rather than replace one created meanwhile. */
/** Puts `staged` at `target` only while nothing is there (a link fails on a name): else `changed()`. */
export function createChecked(staged: string, target: string, changed: () => HpmError): void {
	pauseBeforeRename(target);
	try {
		linkSync(staged, target);
	} catch (error) {
		if (isCode(error, "EEXIST")) throw changed();
		// a file system without hard links (EPERM, ENOTSUP): the check and the rename, a moment apart;
		// any other failure (the folder gone) fails the rename the same way, with its own error
		if (writeTarget(target).stats !== undefined) throw changed();
		commitStaged(staged, target);
		return;
	}
	removeQuietly(staged);
	syncFolder(path.dirname(target));
}

function holds(bytes: Buffer, expected: Expected): boolean {
	if (typeof expected === "function") return expected(bytes);
	if (typeof expected === "string") return bytes.toString("utf8") === expected;
	return bytes.equals(expected);
}

/** The whole file behind `fd`, from its first byte (wherever the descriptor stands). */
function readAll(fd: number): Buffer {
	const chunks: Buffer[] = [];
	let position = 0;
	for (;;) {
		const chunk = Buffer.alloc(64 * 1024);
		const n = readSync(fd, chunk, 0, chunk.length, position);
		if (n === 0) break;
		chunks.push(chunk.subarray(0, n));
		position += n;
	}
	return Buffer.concat(chunks);
}
