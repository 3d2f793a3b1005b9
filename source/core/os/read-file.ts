import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import path from "node:path";

/** Why a file was not read, in words for a message (never its contents). */
export class UnreadableFile extends Error {
	/** The system's error code when the system refused (`ENOENT`, `EACCES`), as data. */
	readonly code: string | undefined;

	constructor(message: string, code?: string) {
		super(message);
		this.code = code;
	}
}

/**
 * Reads a regular file of at most `limit` bytes. The file is opened without blocking (a named
 * pipe would otherwise wait for a writer forever) and checked with fstat before any byte is read:
 * a folder, a device, a pipe or a socket is refused, and so is anything larger than `limit`,
 * without reading it. With `within`, a file whose real path (links followed) lies outside that
 * folder is refused too, so a link cannot make hpm read (and print) a file elsewhere.
 */
export function readRegularFile(file: string, limit: number, within?: string): Buffer {
	if (within !== undefined) {
		let real: string;
		let base: string;
		try {
			real = realpathSync(file);
			base = realpathSync(within);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			throw new UnreadableFile(`cannot be read: ${code ?? "error"}`, code);
		}
		if (real !== base && !real.startsWith(`${base}${path.sep}`)) {
			throw new UnreadableFile(`is a link to a file outside ${within}; hpm does not read it`);
		}
	}
	let fd: number;
	try {
		fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new UnreadableFile(
			code === "EISDIR" ? "is a directory, expected a file" : `cannot be read: ${code ?? "error"}`,
			code,
		);
	}
	try {
		const stats = fstatSync(fd);
		if (stats.isDirectory()) throw new UnreadableFile("is a directory, expected a file");
		if (!stats.isFile())
			throw new UnreadableFile("is not a regular file (a device, pipe or socket); hpm does not read it");
		if (stats.size > limit) throw new UnreadableFile(`is ${stats.size} bytes; hpm reads at most ${limit} here`);
		const buffer = Buffer.alloc(Math.min(stats.size, limit) + 1);
		let read = 0;
		for (;;) {
			const n = readSync(fd, buffer, read, buffer.length - read, null);
			if (n === 0) break;
			read += n;
			if (read > limit) throw new UnreadableFile(`is more than ${limit} bytes; hpm reads at most that here`);
			if (read === buffer.length) break;
		}
		return buffer.subarray(0, read);
	} finally {
		closeSync(fd);
	}
}
