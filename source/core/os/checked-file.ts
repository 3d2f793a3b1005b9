import { lstatSync, mkdirSync, unlinkSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../fs-atomic.js";
import { checksumHex } from "./checksum.js";
import { readRegularFile } from "./read-file.js";

/**
 * A cache file's JSON (in hpm's cache folder), believed only when it is a regular file this user
 * owns that nobody else can read or write (as hpm writes them: 0600), and its checksum line
 * matches (a file damaged or edited by hand is a miss). What lives in a project folder, where a
 * cloned repository can bring files, is signed with the user's key instead (os/signed-file.ts):
 * a signature on a file in the cache folder would add nothing, as the key lives beside it.
 */
export function readCheckedJson(file: string, limit: number): unknown {
	try {
		if (!believable(file)) return undefined;
		const text = readRegularFile(file, limit).toString("utf8");
		const newline = text.indexOf("\n");
		const body = text.slice(newline + 1);
		const sum = checksumHex(body);
		if (newline < 0 || sum === undefined || sum !== text.slice(0, newline)) return undefined;
		return JSON.parse(body) as unknown;
	} catch {
		return undefined;
	}
}

/** Writes `data` behind its checksum line, 0600 in a 0700 folder; a cache that cannot be written only costs speed. */
export function writeCheckedJson(file: string, data: unknown): void {
	try {
		const text = JSON.stringify(data);
		const sum = checksumHex(text);
		if (sum === undefined) return;
		mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
		// what is in the cache file's place and would not be believed (a link, another owner or
		// mode) is removed, never written through or kept as it is
		if (!believable(file)) unlinkSync(file);
		writeFileAtomic(file, `${sum}\n${text}`, { newMode: 0o600 });
	} catch {
		// read-only home, full disk: the next run computes it again
	}
}

/** A regular file this user owns that nobody else can read or write; false when there is none. */
function believable(file: string): boolean {
	try {
		const stats = lstatSync(file);
		const uid = process.getuid?.();
		return stats.isFile() && (uid === undefined || stats.uid === uid) && (stats.mode & 0o077) === 0;
	} catch {
		return true; // nothing there: nothing to remove (a read then finds no file)
	}
}
