import { lstatSync, mkdirSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../fs-atomic.js";
import { readRegularFile } from "./read-file.js";
import { sign, userKey } from "./user-key.js";

/**
 * A cache file's JSON, believed only when this user wrote it, nobody else can write it, and it is
 * signed with this user's key (a file edited by hand or brought by someone else is a miss).
 */
export function readSignedJson(file: string, limit: number): unknown {
	try {
		const stats = lstatSync(file);
		const uid = process.getuid?.();
		if (!stats.isFile() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o022) !== 0) return undefined;
		const text = readRegularFile(file, limit).toString("utf8");
		const newline = text.indexOf("\n");
		const key = userKey(false);
		if (newline < 0 || !key || sign(key, text.slice(newline + 1)) !== text.slice(0, newline)) return undefined;
		return JSON.parse(text.slice(newline + 1)) as unknown;
	} catch {
		return undefined;
	}
}

/** Writes `data` signed, 0600 in a 0700 folder; a cache that cannot be written only costs speed. */
export function writeSignedJson(file: string, data: unknown): void {
	try {
		mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
		const key = userKey(true);
		if (!key) return;
		writeFileAtomic(file, signedJson(key, data), { newMode: 0o600 });
	} catch {
		// read-only home, full disk: the next run computes it again
	}
}

/** `data` as JSON behind its signature line, as readSignedJson reads it. */
export function signedJson(key: Buffer, data: unknown): string {
	const text = JSON.stringify(data);
	return `${sign(key, text)}\n${text}`;
}
