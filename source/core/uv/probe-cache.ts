import { accessSync, closeSync, constants, openSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { readCheckedJson, writeCheckedJson } from "../os/checked-file.js";
import { cacheFolder, cachesDisabled } from "../os/cache-trust.js";

/**
 * The uv version hpm last read from this binary, so that a command does not start uv only to ask
 * its version. The entry names the binary's resolved path with its size, mtime, inode and ctime: a
 * new or replaced uv (an upgrade, another PATH) misses and is asked again. A cache file someone
 * else wrote, or one damaged, is never believed (os/checked-file.ts).
 */
export type ProbeEntry = { readonly identity: string; readonly version: string };

const FILE = "uv-version.json";

/** `bin` as the shell would find it on PATH, with what identifies that file; undefined when not found. */
export function binaryIdentity(bin: string): string | undefined {
	const candidates = bin.includes("/")
		? [path.resolve(bin)]
		: (process.env.PATH ?? "")
				.split(path.delimiter)
				.filter(Boolean)
				.map((dir) => path.join(dir, bin));
	for (const file of candidates) {
		try {
			const stats = statSync(file);
			if (!stats.isFile()) continue;
			accessSync(file, constants.X_OK);
			// a script (a wrapper, a version manager's shim) can run another uv on every call while
			// it stays the same file: only a binary's version is remembered
			if (isScript(file)) return undefined;
			return JSON.stringify([file, stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, stats.dev]);
		} catch {
			// not there, or not executable: the next PATH entry
		}
	}
	return undefined;
}

function isScript(file: string): boolean {
	let fd: number | undefined;
	try {
		fd = openSync(file, "r");
		const head = Buffer.alloc(2);
		return readSync(fd, head, 0, 2, 0) === 2 && head.toString("latin1") === "#!";
	} catch {
		return true;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

export function cachedVersion(identity: string): string | undefined {
	if (cachesDisabled()) return undefined;
	const entry = readCheckedJson(path.join(cacheFolder(), FILE), 10_000) as Partial<ProbeEntry> | undefined;
	return entry?.identity === identity && typeof entry.version === "string" ? entry.version : undefined;
}

export function rememberVersion(identity: string, version: string): void {
	// a cache that cannot be written only costs the next command one probe
	if (cachesDisabled()) return;
	writeCheckedJson(path.join(cacheFolder(), FILE), { identity, version } satisfies ProbeEntry);
}
