import { fstatSync, statSync, writeSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * hpm's plain output, written straight to file descriptors 1 and 2. Node builds process.stdout
 * and process.stderr on first use, and for a pipe that loads its whole stream and socket code
 * (~2 ms, a tenth of a command's own time); a command that prints text needs none of it. Writes
 * are synchronous, as Node's own stdout writes are on Linux for files, pipes and terminals.
 *
 * A descriptor that refuses a write for now (EAGAIN: a parent left the pipe non-blocking) hands
 * that write and every later one to Node's stream, which waits for the reader; any other failure
 * (EPIPE: the reader is gone, EIO: the terminal closed, ENOSPC: a full disk under a redirect)
 * marks the output broken, and the rest of what hpm has to say is dropped, as signals.ts explains.
 */
type Fd = 1 | 2;

const handedOff = new Set<Fd>();
const failed = new Set<Fd>();
const terminals = new Map<number, boolean>();
const watched = new Set<Fd>();

/**
 * Whether a write to stdout or stderr failed: their reader is gone. A stream hpm handed a write to
 * may know it before its "error" event has run.
 */
export function outputBroken(): boolean {
	return failed.size > 0 || [...watched].some((fd) => stream(fd).errored !== null);
}

function markBroken(fd: Fd): void {
	failed.add(fd);
	// an error can arrive after the command returned: a run whose output was lost is not a success
	if (!process.exitCode) process.exitCode = 141;
}

function stream(fd: Fd): NodeJS.WriteStream {
	return fd === 1 ? process.stdout : process.stderr;
}

/** Writes `text` whole to stdout (1) or stderr (2), unless that output already failed. */
export function write(fd: Fd, text: string | Buffer): void {
	if (failed.has(fd)) return;
	if (handedOff.has(fd)) {
		const target = stream(fd);
		if (target.destroyed || target.writableEnded) return;
		try {
			target.write(text);
		} catch {
			// also an "error" event on the stream, which marks it broken
		}
		return;
	}
	let rest = typeof text === "string" ? Buffer.from(text, "utf8") : text;
	while (rest.length > 0) {
		let written: number;
		try {
			written = writeSync(fd, rest);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
				handedOff.add(fd);
				// the bytes as they are: a write cut inside a character must not be decoded again
				write(fd, rest);
			} else markBroken(fd);
			return;
		}
		rest = rest.subarray(written);
	}
}

/**
 * Whether a descriptor is a terminal, asked once. Only a character device can be one, and
 * /dev/null is none: for a pipe, a file or /dev/null (scripts, CI) the answer costs a stat or
 * two, not Node's terminal code.
 */
export function isTerminal(fd: 0 | 1 | 2): boolean {
	let known = terminals.get(fd);
	if (known === undefined) {
		known = false;
		try {
			const stats = fstatSync(fd);
			known =
				stats.isCharacterDevice() &&
				stats.rdev !== nullDevice() &&
				(createRequire(import.meta.url)("node:tty") as typeof import("node:tty")).isatty(fd);
		} catch {
			// closed: not a terminal
		}
		terminals.set(fd, known);
	}
	return known;
}

function nullDevice(): number | undefined {
	try {
		return statSync("/dev/null").rdev;
	} catch {
		return undefined;
	}
}

/**
 * Watches Node's own process.stdout and process.stderr, which a screen (Ink) or a hand-off above
 * builds on first use: their failures mark the output broken too, and `outputIdle` waits for them.
 */
export function watchStreams(): void {
	for (const fd of [1, 2] as const) {
		const name = fd === 1 ? "stdout" : "stderr";
		const descriptor = Object.getOwnPropertyDescriptor(process, name);
		const get = descriptor?.get;
		if (!descriptor?.configurable || get === undefined) continue;
		Object.defineProperty(process, name, {
			configurable: true,
			enumerable: descriptor.enumerable ?? true,
			get() {
				const value = get.call(process) as NodeJS.WriteStream;
				if (!watched.has(fd)) {
					watched.add(fd);
					value.on("error", () => markBroken(fd));
				}
				return value;
			},
		});
	}
}

/** Whether everything written has left hpm (a stream may still hold some on macOS pipes). */
export function outputIdle(): boolean {
	return [...watched].every((fd) => stream(fd).writableLength === 0);
}
