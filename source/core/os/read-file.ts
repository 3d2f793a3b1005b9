import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import path from "node:path";

/** Why a file was not read, as data. */
export type UnreadableReason =
	/** The system refused (`code`: `ENOENT`, `EACCES`, ...). */
	| { readonly kind: "refused"; readonly code: string | undefined }
	| { readonly kind: "outside"; readonly folder: string }
	| { readonly kind: "directory" }
	| { readonly kind: "not-regular" }
	| { readonly kind: "too-large"; readonly size: number | undefined; readonly limit: number };

/** The words for `reason`, to follow the file's name (`x.yaml cannot be read: EACCES`). */
export function unreadableSentence(reason: UnreadableReason): string {
	switch (reason.kind) {
		case "refused":
			return `cannot be read: ${reason.code ?? "error"}`;
		case "outside":
			return `is a link to a file outside ${reason.folder}; hpm does not read it`;
		case "directory":
			return "is a directory, expected a file";
		case "not-regular":
			return "is not a regular file (a device, pipe or socket); hpm does not read it";
		case "too-large":
			return reason.size === undefined
				? `is more than ${reason.limit} bytes; hpm reads at most that here`
				: `is ${reason.size} bytes; hpm reads at most ${reason.limit} here`;
	}
}

/** Why a file was not read: `reason` as data, the message in words built from it (never its contents). */
export class UnreadableFile extends Error {
	readonly reason: UnreadableReason;
	/** The system's error code when the system refused (`ENOENT`, `EACCES`), as data. */
	readonly code: string | undefined;

	constructor(reason: UnreadableReason) {
		super(unreadableSentence(reason));
		this.reason = reason;
		this.code = reason.kind === "refused" ? reason.code : undefined;
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
			// realpath(3): one call, where Node's own walks every component with lstat
			real = realpathSync.native(file);
			base = realpathSync.native(within);
		} catch (error) {
			throw new UnreadableFile({ kind: "refused", code: (error as NodeJS.ErrnoException).code });
		}
		if (real !== base && !real.startsWith(`${base}${path.sep}`)) {
			throw new UnreadableFile({ kind: "outside", folder: within });
		}
	}
	let fd: number;
	try {
		fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new UnreadableFile(code === "EISDIR" ? { kind: "directory" } : { kind: "refused", code });
	}
	try {
		const stats = fstatSync(fd);
		if (stats.isDirectory()) throw new UnreadableFile({ kind: "directory" });
		if (!stats.isFile()) throw new UnreadableFile({ kind: "not-regular" });
		if (stats.size > limit) throw new UnreadableFile({ kind: "too-large", size: stats.size, limit });
		const buffer = Buffer.alloc(Math.min(stats.size, limit) + 1);
		let read = 0;
		for (;;) {
			const n = readSync(fd, buffer, read, buffer.length - read, null);
			if (n === 0) break;
			read += n;
			if (read > limit) throw new UnreadableFile({ kind: "too-large", size: undefined, limit });
			if (read === buffer.length) break;
		}
		return buffer.subarray(0, read);
	} finally {
		closeSync(fd);
	}
}
