import { writeFileAtomic } from "./fs-atomic.js";
import { prepareCacheEntry, trustedCachePath } from "./cache-trust.js";
import { checksumHex } from "./checksum.js";
import { readRegularFile } from "./read-file.js";

/**
 * A cache file's JSON (in hpm's cache folder), believed only when the cache trust check passes (a
 * regular file this user owns that nobody else can read or write, as hpm writes them: 0600, in
 * folders only this user can write, os/cache-trust.ts), and its checksum line matches (a file damaged or edited by hand is a miss). What lives in a project folder, where a
 * cloned repository can bring files, is signed with the user's key instead (os/signed-file.ts):
 * a signature on a file in the cache folder would add nothing, as the key lives beside it.
 */
export function readCheckedJson(file: string, limit: number): unknown {
	try {
		if (!trustedCachePath(file, "file")) return undefined;
		const bytes = readRegularFile(file, limit);
		const newline = bytes.indexOf(0x0a);
		if (newline < 0) return undefined;
		// the sum of the bytes as read (the text written was UTF-8): nothing decoded and encoded again
		const sum = checksumHex(bytes.subarray(newline + 1));
		if (sum === undefined || sum !== bytes.toString("latin1", 0, newline)) return undefined;
		return JSON.parse(bytes.toString("utf8", newline + 1)) as unknown;
	} catch {
		return undefined;
	}
}

/** Writes `data` behind its checksum line, 0600 in a 0700 folder; a cache that cannot be written only costs speed. */
export function writeCheckedJson(file: string, data: unknown): void {
	try {
		writeCheckedJsonText(file, JSON.stringify(data));
	} catch {
		// data JSON cannot hold (a cycle, a BigInt): no cache, as for a full disk
	}
}

/** writeCheckedJson of `text`, JSON the caller has already made (and checked). */
export function writeCheckedJsonText(file: string, text: string): void {
	try {
		const sum = checksumHex(text);
		if (sum === undefined) return;
		// what is in the cache file's place and would not be believed (a link, another owner or
		// mode) is removed, never written through or kept as it is
		prepareCacheEntry(file, "file");
		writeFileAtomic(file, `${sum}\n${text}`, { newMode: 0o600 });
	} catch {
		// read-only home, full disk: the next run computes it again
	}
}
