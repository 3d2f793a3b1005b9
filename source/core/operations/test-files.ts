import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { cacheFolder, cachesDisabled } from "../os/cache-trust.js";
import { readCheckedJson, writeCheckedJson } from "../os/checked-file.js";
import type { Locked } from "./test-env.js";

/** What `hpm test` keeps besides environments: each combination's lock beside the matrix's answer, and the logs. */

/** The logs of the newest runs are kept (this one and 19 before it); older ones are removed. */
export function pruneLogs(folder: string, current: string): void {
	try {
		const runs = readdirSync(folder)
			.filter((name) => name !== current && /^\d{4}-\d\d-\d\dT[\d-]+Z-\d+$/.test(name))
			.sort();
		for (const old of runs.slice(0, Math.max(0, runs.length - 19)))
			rmSync(path.join(folder, old), { recursive: true, force: true });
	} catch {
		// logs that cannot be listed or removed cost disk space only
	}
}

/** A combination as a file name: letters, digits, `=`, `+`, `,`, `-`; at most 80 characters. */
export function slug(combination: string): string {
	return (combination || "none").replace(/[^A-Za-z0-9=+,._-]/g, "_").slice(0, 80);
}

/** The cache file of the lock a combination's inputs resolved to (beside the matrix's answer). */
const lockFile = (key: string) => path.join(cacheFolder(), "matrix", `${key}.lock.json`);

/** How long a cached lock is believed, as the matrix's answers: a day. */
const LOCK_CACHE_MS = 24 * 60 * 60 * 1000;

export function cachedLock(key: string): Locked | undefined {
	if (cachesDisabled()) return undefined;
	const value = readCheckedJson(lockFile(key), 50_000_000);
	if (typeof value !== "object" || value === null) return undefined;
	const v = value as Record<string, unknown>;
	const age = typeof v.time === "number" ? Date.now() - v.time : Number.NaN;
	if (v.key !== key || !(age >= 0 && age < LOCK_CACHE_MS)) return undefined;
	if (typeof v.pyproject !== "string" || typeof v.lock !== "string") return undefined;
	return { pyproject: v.pyproject, lock: Buffer.from(v.lock, "base64") };
}

export function storeLock(key: string, locked: Locked): void {
	if (cachesDisabled()) return;
	writeCheckedJson(lockFile(key), {
		key,
		time: Date.now(),
		pyproject: locked.pyproject,
		lock: locked.lock.toString("base64"),
	});
}
