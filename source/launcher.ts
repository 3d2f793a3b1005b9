// dist/hpm.js: starts the bundled CLI (dist/cli.js, CommonJS) through V8's code cache, the way
// Node 22's module.enableCompileCache() does, which Node 20 lacks. Compiling hpm's ~750 KB of
// JavaScript was most of what a plain command costs beyond Node's own start; with the cache a
// command starts about as fast as `node -e 0`. The cache is a private file per build, Node version
// and command in hpm's cache folder, written once when it is missing or V8 refused it, and only a
// file that passes hpm's cache trust check (source/core/os/cache-trust.ts: this user's, 0600, in
// folders only this user can write) is ever read. Anything wrong with it (no folder,
// a read-only disk, a file V8 rejects) only means hpm compiles as it would without one.
//
// Ink, React and Yoga are a second bundle, dist/ui-libraries.js, started the same way (its own
// cache per command) when source/cli/ui.ts asks for them, before a screen or a prompt opens.
import {
	closeSync,
	constants,
	fstatSync,
	openSync,
	readdirSync,
	readFileSync,
	readSync,
	lstatSync,
	renameSync,
	rmSync,
	unlinkSync,
	writeFileSync,
} from "node:fs";
import { createRequire, wrap } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { checksumHex, codeChecksum, readSummed } from "./core/os/checksum.js";
import { cacheFolder, prepareCacheEntry, trustedCachePath, trustFault } from "./core/os/cache-trust.js";

declare const __HPM_BUILD__: string;
declare const __HPM_COMMANDS__: readonly string[];

/** hpm's cache folder for compiled code. */
function codeFolder(): string | undefined {
	if (process.env.HPM_NO_CACHE) return undefined;
	return path.join(cacheFolder(), "code");
}

/** One cache per command: what `list` compiles is not what `sync` needs (`sync-ui`: its prompts' UI libraries). */
function commandKey(argv: readonly string[]): string {
	return argv.find((word) => __HPM_COMMANDS__.includes(word)) ?? "other";
}

/** A name this launcher gives its files (any build's, any Node's), and nothing else in the folder. */
const OWN_NAME = /^[0-9a-f]{16}-v\d+\.\d+\.\d+-[a-z0-9]+-[a-z][a-z-]*(?:-[0-9a-f]{8})?\.bin(?:\.\d+\.tmp)?$/;

// A cache file is the code's checksum and length (8 bytes each, little-endian), then the code: V8
// checks a cache's version and size but not its bytes, and crashes on a damaged one, so a file a
// full disk or a crash damaged must never reach it (source/code-checksum.ts). The length's top
// bit marks a provisional cache (source/core/os/code-cache-hint.ts): the next run writes it again.
const HEADER = 16;
const PROVISIONAL_BIT = 1n << 63n;
const PROVISIONAL = Symbol.for("hpm.code-cache-provisional");

/** The cached code, only from a file that passes the cache trust check (this user's, 0600, in folders only they can write). */
function readCache(file: string): { data: Uint8Array; provisional: boolean } | undefined {
	let fd: number | undefined;
	try {
		if (!trustedCachePath(file, "file")) return undefined;
		// non-blocking: a named pipe put there must not hang hpm (it is then refused as no file)
		fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
		const stats = fstatSync(fd);
		// the file opened is the one checked: not replaced between the path's check and the open
		if (trustFault(stats, "file") !== undefined) return undefined;
		if (stats.size <= HEADER || stats.size > 64 * 2 ** 20) return undefined;
		const header = Buffer.alloc(HEADER);
		if (readSync(fd, header, 0, HEADER, 0) !== HEADER) return undefined;
		const length = header.readBigUInt64LE(8);
		if ((length & ~PROVISIONAL_BIT) !== BigInt(stats.size - HEADER)) return undefined;
		const read = readSummed(fd, HEADER, stats.size - HEADER);
		if (read === undefined || read.sum !== header.readBigUInt64LE(0)) return undefined;
		return { data: read.data, provisional: (length & PROVISIONAL_BIT) !== 0n };
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

/**
 * Writes the cache whole or not at all, then removes its own files that are no longer used: other
 * builds' caches untouched for a week, and temporary files a killed hpm left an hour ago or more.
 * Nothing else in the folder is touched (HPM_CACHE_DIR may name any folder).
 */
function writeCache(folder: string, file: string, code: Buffer, provisional: boolean): void {
	const temporary = `${file}.${process.pid}.tmp`;
	try {
		// the folders made private, and a file in the cache's place that is not believable set aside
		prepareCacheEntry(file, "file");
		const sum = codeChecksum(code);
		if (sum === undefined) return;
		const header = Buffer.alloc(HEADER);
		header.writeBigUInt64LE(sum, 0);
		header.writeBigUInt64LE(BigInt(code.length) | (provisional ? PROVISIONAL_BIT : 0n), 8);
		writeFileSync(temporary, Buffer.concat([header, code]), { mode: 0o600, flag: "wx" });
		renameSync(temporary, file);
		const now = Date.now();
		for (const name of readdirSync(folder)) {
			if (!OWN_NAME.test(name)) continue;
			const other = path.join(folder, name);
			const stats = lstatSync(other);
			const age = now - stats.mtimeMs;
			const stale = name.endsWith(".tmp")
				? age > 3600 * 1000
				: !name.startsWith(`${__HPM_BUILD__}-`) && age > 7 * 24 * 3600 * 1000;
			if (stale && stats.isFile()) unlinkSync(other);
		}
	} catch {
		// no cache this time: a read-only or full disk, a folder that is not ours
		try {
			rmSync(temporary, { force: true });
		} catch {
			// there was no folder to write it in
		}
	}
}

/**
 * Where the cache for this command and this `cli.js` goes: keyed by the bytes' identity too (size,
 * mtime, inode), so a `cli.js` changed in place never runs code compiled from the old one.
 */
function cacheFile(
	folder: string,
	command: string,
	bundleStats: { size: number; mtimeMs: number; ino: number },
): string | undefined {
	const identity = checksumHex(`${bundleStats.size}:${bundleStats.mtimeMs}:${bundleStats.ino}`)?.slice(0, 8);
	// no WebAssembly to check the cache with: no cache
	if (identity === undefined) return undefined;
	return path.join(folder, `${__HPM_BUILD__}-${process.version}-${process.arch}-${command}-${identity}.bin`);
}

/**
 * Runs a CommonJS bundle of dist/ (cli.js, ui-libraries.js) through V8's code cache for `key`,
 * and returns what it exports.
 */
function runBundle(bundle: string, key: string): unknown {
	const load = () => createRequire(__filename)(bundle) as unknown;
	// HPM_DEBUG=1 prints a failure's stack: through Node's own loader, with the bundle's source map,
	// it names hpm's source files and lines (the code cache's vm.Script has no source maps)
	if (process.env.HPM_DEBUG) {
		process.setSourceMapsEnabled(true);
		return load();
	}
	const fd = openSync(bundle, "r");
	let source: string;
	let stats: { size: number; mtimeMs: number; ino: number };
	try {
		stats = fstatSync(fd);
		// the build makes it ASCII: read as Latin-1, it needs no UTF-8 decoding
		source = readFileSync(fd, "latin1");
	} finally {
		closeSync(fd);
	}
	let file: string | undefined;
	let folder: string | undefined;
	try {
		folder = codeFolder();
		if (folder !== undefined) file = cacheFile(folder, key, stats);
	} catch {
		// no cache folder can be named (the working folder is gone and HPM_CACHE_DIR is relative)
	}
	if (folder === undefined || file === undefined) return load();
	const cached = readCache(file);
	// no import() inside: the build refuses a bundle with one (a vm.Script has no module loader)
	const script = new vm.Script(wrap(source), { filename: bundle, cachedData: cached?.data });
	if (cached === undefined || cached.provisional || script.cachedDataRejected === true) {
		const [where, target] = [folder, file];
		// after the run, so the cache holds every function the command compiled (and, from a
		// provisional cache, every function that one held)
		process.once("exit", () => {
			try {
				youngGeneration.release();
				const provisional = (globalThis as Record<symbol, unknown>)[PROVISIONAL] === true;
				writeCache(where, target, script.createCachedData(), provisional);
			} catch {
				// V8 could not serialize it: compiled again next time
			}
		});
	}
	const module = { exports: {}, filename: bundle, id: bundle };
	const run = script.runInThisContext() as (...args: unknown[]) => void;
	run.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
	return module.exports;
}

/**
 * `hpm ui`: V8's young generation stops growing once the first frame is drawn, so that it stays
 * small while keys are held (Ink makes a frame per key: peak RSS on 2,000 packages 118 -> ~95
 * MB), but may grow as usual before it, where a 1 MB one cost 16-33 collections. V8 keys its
 * code cache by its flags, so the flag is set back before a cache is written at exit (V8
 * recomputes the flags' hash); until the frame, the flags are those the bundles compiled with.
 */
const youngGeneration = {
	held: false,
	hold(): void {
		if (this.held) return;
		this.held = true;
		// node:v8 costs 2-3 ms to load: only the UI asks for it, after its first frame
		const v8 = createRequire(__filename)("node:v8") as typeof import("node:v8");
		v8.setFlagsFromString("--semi-space-growth-factor=1");
	},
	/** Before a code cache is written: the flags as they were at the start. */
	release(): void {
		if (!this.held) return;
		this.held = false;
		const given = process.execArgv.findLast((flag) => /^--semi[-_]space[-_]growth[-_]factor=\d+$/.test(flag));
		const v8 = createRequire(__filename)("node:v8") as typeof import("node:v8");
		v8.setFlagsFromString(`--semi-space-growth-factor=${given?.split("=")[1] ?? V8_GROWTH_FACTOR}`);
	},
};
// V8's own default (Node 20's V8 11.3)
const V8_GROWTH_FACTOR = 2;

function start(): void {
	const command = commandKey(process.argv.slice(2));
	const scope = globalThis as Record<symbol, unknown>;
	// Ink, React and Yoga, asked for by source/cli/ui.ts before a screen or a prompt opens
	scope[Symbol.for("hpm.load-ui-libraries")] = () =>
		runBundle(path.join(__dirname, "ui-libraries.js"), `${command}-ui`);
	if (command === "ui") scope[Symbol.for("hpm.ui-drawn")] = () => youngGeneration.hold();
	runBundle(path.join(__dirname, "cli.js"), command);
}

start();
