import { closeSync, openSync, readSync } from "node:fs";
import { nodeCrypto } from "./sha256.js";

/**
 * `bytes` random bytes in hex, from /dev/urandom where there is one (node:crypto costs every
 * command ~4 ms to load), else from node:crypto.
 */
export function randomHex(bytes: number): string {
	return randomBytes(bytes).toString("hex");
}

/** `bytes` random bytes (as randomHex). */
export function randomBytes(bytes: number): Buffer {
	const buffer = Buffer.alloc(bytes);
	let fd: number | undefined;
	try {
		fd = openSync("/dev/urandom", "r");
		let got = 0;
		while (got < bytes) {
			const read = readSync(fd, buffer, got, bytes - got, null);
			if (read <= 0) throw new Error("short read");
			got += read;
		}
		return buffer;
	} catch {
		return nodeCrypto().randomBytes(bytes);
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}
