import type { Stats } from "node:fs";
import { readRegularFile, UnreadableFile } from "../os/read-file.js";

/** pyproject.toml and uv.lock larger than this are not something hpm reads. */
export const MAX_FILE_BYTES = 100_000_000;
import path from "node:path";
import { isCode } from "../errors.js";
import { sha256, writeTarget } from "../fs-atomic.js";

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
		if (isCode(error, "ENOENT") || (error instanceof UnreadableFile && /ENOENT/.test(error.message))) return null;
		return `unreadable: ${(error as Error).message}`;
	}
}
