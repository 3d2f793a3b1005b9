import { type Stats, statSync } from "node:fs";
import { readRegularFile } from "../os/read-file.js";

/** pyproject.toml and uv.lock larger than this are not something hpm reads. */
export const MAX_FILE_BYTES = 100_000_000;
import path from "node:path";
import { HpmError, isCode } from "../base/errors.js";
import { writeTarget } from "../os/fs-atomic.js";
import { sha256 } from "../os/sha256.js";

/** pyproject.toml and uv.lock as hpm and uv write them: through symlinks, to their real files. */
export type ProjectFiles = {
	readonly pyproject: { readonly target: string; readonly stats: Stats | undefined };
	readonly lock: { readonly target: string; readonly stats: Stats | undefined };
};

export function projectFiles(root: string): ProjectFiles {
	const target = (file: string) => {
		const found = writeTarget(path.join(root, file));
		return { target: found.path, stats: found.stats };
	};
	return { pyproject: target("pyproject.toml"), lock: target("uv.lock") };
}

/**
 * sha256 of a file's bytes, or null when it does not exist. Something that is not a readable
 * regular file (a pipe put in its place) gets a marker that never equals a hash: it is foreign.
 */
export function hashOf(file: string): string | null {
	try {
		return sha256(readRegularFile(file, MAX_FILE_BYTES));
	} catch (error) {
		// a missing file, whether readRegularFile or the system said so
		if (isCode(error, "ENOENT")) return null;
		return `unreadable: ${(error as Error).message}`;
	}
}

/**
 * An error naming `uv.lock` in `folder` when something other than a regular file stands there (a
 * named pipe, a link to /dev/zero, a folder: a cloned repository can carry a link): uv would
 * block on it or read it without end, so hpm never hands it to uv. Undefined when it is a file or
 * there is none.
 */
export function lockFileProblem(folder: string): HpmError | undefined {
	const file = path.join(folder, "uv.lock");
	let stats: Stats;
	try {
		stats = statSync(file);
	} catch {
		return undefined; // none (or a link to nothing, which uv replaces with its lock)
	}
	if (stats.isFile()) return undefined;
	const what = stats.isFIFO()
		? "a named pipe"
		: stats.isCharacterDevice() || stats.isBlockDevice()
			? "a device"
			: stats.isDirectory()
				? "a folder"
				: stats.isSocket()
					? "a socket"
					: "not a regular file";
	return new HpmError("lock-not-a-file", `${file} is ${what}, not a lock file: hpm does not hand it to uv`, {
		hint: "remove it (or put uv's lock file there), then run the command again",
		location: { file },
		// the same exit as check, which lists it as a problem
		exitCode: 1,
	});
}

/** The bytes of a uv.lock file, or undefined when it is missing or cannot be read as a regular file. */
export function readUvLockBytes(file: string): Buffer | undefined {
	try {
		return readRegularFile(file, MAX_FILE_BYTES);
	} catch {
		return undefined;
	}
}
