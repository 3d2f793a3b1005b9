import { lstatSync } from "node:fs";
import { trustFault } from "./cache-trust.js";
import { readRegularFile } from "./read-file.js";
import { sign, userKey } from "./user-key.js";

/**
 * The JSON of a file hpm keeps in a project folder (history), believed only when this user wrote
 * it, nobody else can write it, and it is signed with this user's key: a file edited by hand, or
 * brought along by a cloned repository or by someone else, is a miss. (Caches in hpm's own folder
 * are checked instead: os/checked-file.ts.)
 */
export function readSignedJson(file: string, limit: number): unknown {
	try {
		if (trustFault(lstatSync(file), "project-file") !== undefined) return undefined;
		const text = readRegularFile(file, limit).toString("utf8");
		const newline = text.indexOf("\n");
		const key = userKey(false);
		if (newline < 0 || !key || sign(key, text.slice(newline + 1)) !== text.slice(0, newline)) return undefined;
		return JSON.parse(text.slice(newline + 1)) as unknown;
	} catch {
		return undefined;
	}
}

/** `data` as JSON behind its signature line, as readSignedJson reads it. */
export function signedJson(key: Buffer, data: unknown): string {
	const text = JSON.stringify(data);
	return `${sign(key, text)}\n${text}`;
}
