import {
	closeSync,
	fchmodSync,
	fchownSync,
	fsyncSync,
	lstatSync,
	openSync,
	realpathSync,
	renameSync,
	type Stats,
	statSync,
	unlinkSync,
	writeSync,
} from "node:fs";
import path from "node:path";
import { HpmError, isCode } from "../base/errors.js";
import { randomHex } from "./random.js";

/**
 * The file a write to `file` really replaces: a symlink is followed to its target (which must
 * exist), so the link stays a link. A hard-linked file is refused: a rename would split it from
 * its other names. Anything but a regular file is refused. `stats` is undefined for a new file.
 */
export function writeTarget(file: string): { readonly path: string; readonly stats: Stats | undefined } {
	let link: Stats;
	try {
		link = lstatSync(file);
	} catch (error) {
		if (isCode(error, "ENOENT")) return { path: file, stats: undefined };
		throw error;
	}
	let target = file;
	if (link.isSymbolicLink()) {
		try {
			target = realpathSync(file);
		} catch {
			throw new HpmError("dangling-link", `${file} is a symbolic link to a file that does not exist`, {
				hint: "point the link at the real file, or replace it with a regular file",
				location: { file },
			});
		}
	}
	const stats = statSync(target);
	if (!stats.isFile()) {
		throw new HpmError("not-a-file", `${file} is not a regular file; hpm will not replace it`, {
			location: { file },
		});
	}
	if (stats.nlink > 1) {
		throw new HpmError("hard-linked", `${file} has ${stats.nlink} hard links; writing it would split them`, {
			hint: `make it a single file (cp --remove-destination "${target}" "${target}.copy" && mv "${target}.copy" "${target}") or a symbolic link, then run the command again`,
			location: { file },
		});
	}
	return { path: target, stats };
}

/**
 * Writes `bytes` beside `target` into a new temporary file that already has the target's mode,
 * owner and group, and is flushed to disk. Returns its path; `commitStaged` renames it into place.
 * Nothing else is touched, so a failure here (a full disk) leaves the target as it was.
 */
export function stageFile(
	target: string,
	stats: Stats | undefined,
	bytes: string | Uint8Array,
	tag = "tmp",
	newMode = 0o644,
): string {
	const staged = path.join(path.dirname(target), `.${path.basename(target)}.hpm-${process.pid}-${randomHex(4)}.${tag}`);
	const mode = stats ? stats.mode & 0o7777 : newMode;
	const fd = openSync(staged, "wx", mode);
	try {
		fchmodSync(fd, mode); // the umask must not narrow the file's mode
		if (stats && (stats.uid !== process.getuid?.() || stats.gid !== process.getgid?.())) {
			try {
				fchownSync(fd, stats.uid, stats.gid);
			} catch (error) {
				throw new HpmError(
					"foreign-owner",
					`${target} belongs to user ${stats.uid}, group ${stats.gid}; hpm cannot give a rewritten file the same owner (${(error as Error).message})`,
					{ hint: "run hpm as the file's owner", location: { file: target } },
				);
			}
		}
		const data = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
		let written = 0;
		while (written < data.length) written += writeSync(fd, data, written);
		fsyncSync(fd);
	} catch (error) {
		closeSync(fd);
		removeQuietly(staged);
		throw error;
	}
	closeSync(fd);
	return staged;
}

/** Renames a staged file over its target: readers (and a crash) see the old file or the new one. */
export function commitStaged(staged: string, target: string): void {
	try {
		renameSync(staged, target);
	} catch (error) {
		removeQuietly(staged);
		throw error;
	}
	syncFolder(path.dirname(target));
}

/**
 * Writes `bytes` to `file` atomically (a staged file and a rename), keeping what the file is: a
 * symlink is written through, mode, owner and group are kept; a hard link or a special file is
 * refused with a message rather than silently replaced.
 */
export function writeFileAtomic(
	file: string,
	bytes: string | Uint8Array,
	options: { newMode?: number } = {},
): FileIdentity {
	const { path: target, stats } = writeTarget(file);
	const staged = stageFile(target, stats, bytes, "tmp", options.newMode);
	const written = identityOf(staged, target);
	commitStaged(staged, target);
	return written;
}

/** Which file hpm wrote: the path it replaced (links followed) and the new file's inode there. */
export type FileIdentity = { readonly path: string; readonly dev: number; readonly ino: number };

export function identityOf(file: string, as: string): FileIdentity {
	const stats = statSync(file);
	return { path: as, dev: stats.dev, ino: stats.ino };
}

/** Whether `file` (links followed) is still the very file hpm wrote, not another put in its place. */
export function isSameFile(file: string, written: FileIdentity): boolean {
	try {
		const real = realpathSync(file);
		const stats = statSync(real);
		return real === written.path && stats.dev === written.dev && stats.ino === written.ino;
	} catch {
		return false;
	}
}

export function removeQuietly(file: string): void {
	try {
		unlinkSync(file);
	} catch {
		// already gone
	}
}

/** Makes a rename in `folder` durable (where the system allows opening a folder). */
export function syncFolder(folder: string): void {
	let fd: number | undefined;
	try {
		fd = openSync(folder, "r");
		fsyncSync(fd);
	} catch {
		// not supported here; the rename itself is still atomic
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}
