import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * Writes `bytes` to `file` through a temporary file in the same folder and a rename, so a
 * reader (or a crash) sees either the old file or the new one, never half of it. The file's
 * permission bits are kept.
 */
export function writeFileAtomic(file: string, bytes: string | Uint8Array): void {
	const temporary = path.join(
		path.dirname(file),
		`.${path.basename(file)}.hpm-${process.pid}-${randomBytes(4).toString("hex")}.tmp`,
	);
	let mode = 0o644;
	try {
		mode = statSync(file).mode & 0o7777;
	} catch {
		// a new file gets the default mode
	}
	const fd = openSync(temporary, "wx", mode);
	try {
		const data = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
		let written = 0;
		while (written < data.length) written += writeSync(fd, data, written);
		fsyncSync(fd);
	} catch (error) {
		closeSync(fd);
		unlinkSync(temporary);
		throw error;
	}
	closeSync(fd);
	try {
		renameSync(temporary, file);
	} catch (error) {
		unlinkSync(temporary);
		throw error;
	}
}
