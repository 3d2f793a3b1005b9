import { readSync } from "node:fs";

/**
 * A 64-bit checksum, computed in WebAssembly: it tells a damaged or hand-edited cache file from
 * an intact one. The launcher's compiled code needs it most (V8 crashes with "unreachable code"
 * on a damaged code cache rather than rejecting it). node:crypto did this at a cost of ~4 ms per
 * command for loading the module; this takes a fraction of a millisecond. It guards against
 * damage, not against an attacker (who could rewrite the sum beside the bytes): cache files are
 * believed only when this user owns them and nobody else can read or write them (os/checked-file.ts).
 *
 * Every 8 bytes w (little-endian, the tail padded with zeros): h = (h ^ w) * P; h ^= h >>> 29.
 * Each step is a bijection of h for a given w and of w for a given h, so any one changed word
 * always changes the sum. Zero padding means the length must be compared too (checksumHex
 * includes it). `referenceChecksum` is the same in BigInt arithmetic, for the tests.
 */
const WASM =
	"0061736d0100000001070160027f7f017e030201000503010000071102066d656d6f72790200046861736800000a48014601017e4295f8a9fa97b7de9b9e7f210202400340200020014f0d01200220002903008542cd99d6eafefaeba87f7e22022002421d88852102200041086a21000c000b0b20020b";

type Memory = { readonly buffer: ArrayBuffer; grow(pages: number): number };
type Exports = { readonly memory: Memory; readonly hash: (start: number, end: number) => bigint };
// the typings of this project have no DOM library, where WebAssembly is declared
const wasmApi = (
	globalThis as unknown as {
		WebAssembly?: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } };
	}
).WebAssembly;
let instance: Exports | null | undefined;
// the launcher and the bundle it starts each hold a copy of this module: one instance serves both
const SHARED = Symbol.for("hpm.checksum");
const global = globalThis as Record<symbol, Exports | null | undefined>;

function load(): Exports | null {
	if (instance !== undefined) return instance;
	instance = global[SHARED];
	if (instance !== undefined) return instance;
	try {
		if (wasmApi === undefined) throw new Error("no WebAssembly");
		instance = new wasmApi.Instance(new wasmApi.Module(Buffer.from(WASM, "hex"))).exports as Exports;
	} catch {
		// no WebAssembly (node --jitless): no cache is read or written
		instance = null;
	}
	global[SHARED] = instance;
	return instance;
}

/** WebAssembly memory for `length` bytes and their zero padding (the memory is reused). */
function room(wasm: Exports, length: number): Uint8Array {
	const padded = Math.ceil(length / 8) * 8;
	const missing = padded - wasm.memory.buffer.byteLength;
	if (missing > 0) wasm.memory.grow(Math.ceil(missing / 65536));
	const view = new Uint8Array(wasm.memory.buffer, 0, padded);
	view.fill(0, length);
	return view;
}

/** The checksum of `data`, or undefined where WebAssembly cannot run. */
export function codeChecksum(data: Uint8Array): bigint | undefined {
	const wasm = load();
	if (wasm === null) return undefined;
	const view = room(wasm, data.length);
	view.set(data);
	return BigInt.asUintN(64, wasm.hash(0, view.length));
}

/**
 * Reads `length` bytes at `position` of `fd` straight into WebAssembly memory (no copy) and
 * returns them with their checksum; undefined on a short read or without WebAssembly. The bytes
 * are valid until the next call (the launcher and the bundle share one memory).
 */
export function readSummed(
	fd: number,
	position: number,
	length: number,
): { readonly data: Uint8Array; readonly sum: bigint } | undefined {
	const wasm = load();
	if (wasm === null) return undefined;
	const view = room(wasm, length);
	let got = 0;
	while (got < length) {
		const read = readSync(fd, view, got, length - got, position + got);
		if (read <= 0) return undefined;
		got += read;
	}
	return { data: view.subarray(0, length), sum: BigInt.asUintN(64, wasm.hash(0, view.length)) };
}

/** The sum and length of `data` (a string as UTF-8) in hex, or undefined without WebAssembly. */
export function checksumHex(data: string | Uint8Array): string | undefined {
	const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
	const sum = codeChecksum(bytes);
	return sum === undefined ? undefined : `${sum.toString(16).padStart(16, "0")}-${bytes.length.toString(16)}`;
}

/** The same sum in plain BigInt arithmetic (slow; for tests). */
export function referenceChecksum(data: Uint8Array): bigint {
	const padded = new Uint8Array(Math.ceil(data.length / 8) * 8);
	padded.set(data);
	const view = new DataView(padded.buffer);
	const mask = (1n << 64n) - 1n;
	let h = 0x9e3779b97f4a7c15n;
	for (let at = 0; at < padded.length; at += 8) {
		h = ((h ^ view.getBigUint64(at, true)) * 0xff51afd7ed558ccdn) & mask;
		h ^= h >> 29n;
	}
	return h;
}
