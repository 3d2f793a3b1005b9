import { lstatSync, type Stats, writeFileSync } from "node:fs";
import path from "node:path";
import { cacheFolder, makeCacheFolder, trustedCachePath, trustFault } from "./cache-trust.js";
import { randomBytes } from "./random.js";
import { readRegularFile } from "./read-file.js";
import { hmacSha256 } from "./sha256.js";

/**
 * This user's secret key (32 random bytes, 0600, in hpm's cache folder), made on first need. What
 * hpm signs with it (journals, the registry cache) is believed only with a matching signature, so
 * a file a cloned repository or another user brings along is never taken for hpm's own.
 */
export function userKey(create: boolean): Buffer | undefined {
	const file = path.join(cacheFolder(), "hpm.key");
	try {
		// only a key this user owns and nobody else can read or write, in a folder only they can write, signs anything
		if (keyFault(file, lstatSync(file)) !== undefined || !trustedCachePath(cacheFolder(), "folder")) return undefined;
		const key = readRegularFile(file, 1024);
		if (key.length >= 32) return key;
	} catch {
		// none yet
	}
	if (!create) return undefined;
	try {
		makeCacheFolder(cacheFolder());
		writeFileSync(file, randomBytes(32), { flag: "wx", mode: 0o600 });
	} catch {
		// another hpm made it first, or the folder is not writable
	}
	return userKey(false);
}

/** Why the key file cannot be believed (not a file, another user's, open to others), with the fix. */
function keyFault(file: string, stats: Stats): string | undefined {
	const fault = trustFault(stats, "file");
	if (fault === undefined) return undefined;
	switch (fault.why) {
		case "type":
			return `${file} is not a regular file: remove it, and hpm makes a new key`;
		case "owner":
			return `${file} belongs to another user: remove it, and hpm makes a new key`;
		case "mode":
			return `${file} ${fault.text}: run \`chmod 600 ${file}\`, or remove it`;
	}
}

/** Why there is no usable key, naming the file and the fix (for when `userKey(true)` gave none). */
export function keyProblem(): string {
	const file = path.join(cacheFolder(), "hpm.key");
	try {
		makeCacheFolder(cacheFolder());
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "EUNTRUSTED") return (error as Error).message;
	}
	try {
		return (
			keyFault(file, lstatSync(file)) ?? `${file} is not a key hpm made (too short): remove it, and hpm makes a new key`
		);
	} catch {
		return `${file} cannot be created: make ${cacheFolder()} writable, or set HPM_CACHE_DIR to a folder that is`;
	}
}

export const sign = (key: Buffer, text: string): string => hmacSha256(key, text);
