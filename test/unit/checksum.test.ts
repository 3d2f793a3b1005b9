import fc from "fast-check";
import { chmodSync, lstatSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checksumHex, codeChecksum, referenceChecksum } from "../../source/core/os/checksum.js";
import { cacheFolder } from "../../source/core/os/cache-trust.js";
import { readCheckedJson, writeCheckedJson } from "../../source/core/os/checked-file.js";
import { randomHex } from "../../source/core/os/random.js";
import { tempDir } from "../helpers/run.js";

describe("the WebAssembly checksum", () => {
	it("is the reference sum on any bytes, at every length around a word", () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => codeChecksum(bytes) === referenceChecksum(bytes)),
			{ numRuns: 300 },
		);
		// larger than the memory it starts with, then smaller again (the memory is reused)
		const big = Uint8Array.from({ length: 200_003 }, (_, i) => (i * 7919) & 0xff);
		expect(codeChecksum(big)).toBe(referenceChecksum(big));
		expect(codeChecksum(big.subarray(0, 5))).toBe(referenceChecksum(big.subarray(0, 5)));
	});

	it("changes with any one changed byte, and with the length (checksumHex)", () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ minLength: 1, maxLength: 200 }),
				fc.nat(),
				fc.integer({ min: 1, max: 255 }),
				(bytes, where, flip) => {
					const changed = Uint8Array.from(bytes);
					const at = where % bytes.length;
					changed[at] = (changed[at] ?? 0) ^ flip;
					return codeChecksum(changed) !== codeChecksum(bytes);
				},
			),
			{ numRuns: 500 },
		);
		expect(checksumHex("abc")).not.toBe(checksumHex("abc\0"));
		expect(checksumHex("")).toMatch(/^[0-9a-f]{16}-0$/);
	});
});

describe("checked cache files", () => {
	// inside hpm's cache folder (test/setup.ts makes one per test process): only there is a cache believed
	const folder = () => mkdtempSync(path.join(cacheFolder(), "checked-"));

	it("read back what was written, private to the user", () => {
		const file = path.join(folder(), "sub", "cache.json");
		writeCheckedJson(file, { a: [1, "é"] });
		expect(readCheckedJson(file, 1000)).toEqual({ a: [1, "é"] });
		expect(readFileSync(file, "utf8")).toMatch(/^[0-9a-f]{16}-[0-9a-f]+\n\{/);
	});

	it("a file edited by hand, damaged, readable by others, too large or not there is a miss", () => {
		const file = path.join(folder(), "cache.json");
		writeCheckedJson(file, { version: "1.0" });
		const good = readFileSync(file, "utf8");
		writeFileSync(file, good.replace("1.0", "9.9"));
		expect(readCheckedJson(file, 1000)).toBeUndefined();
		writeFileSync(file, good.slice(0, -1));
		expect(readCheckedJson(file, 1000)).toBeUndefined();
		writeFileSync(file, good);
		expect(readCheckedJson(file, 1000)).toEqual({ version: "1.0" });
		// as a cloned repository checks a file out: 0644
		chmodSync(file, 0o644);
		expect(readCheckedJson(file, 1000)).toBeUndefined();
		chmodSync(file, 0o600);
		expect(readCheckedJson(file, 5)).toBeUndefined();
		expect(readCheckedJson(path.join(folder(), "none.json"), 1000)).toBeUndefined();
		// a folder on the way that others can write: whatever is below it is a miss
		const open = folder();
		writeCheckedJson(path.join(open, "sub", "cache.json"), { a: 1 });
		expect(readCheckedJson(path.join(open, "sub", "cache.json"), 1000)).toEqual({ a: 1 });
		chmodSync(open, 0o777);
		expect(readCheckedJson(path.join(open, "sub", "cache.json"), 1000)).toBeUndefined();
		// outside hpm's cache folder nothing is believed
		const outside = path.join(tempDir("hpm-checked-"), "cache.json");
		writeFileSync(outside, good, { mode: 0o600 });
		expect(readCheckedJson(outside, 1000)).toBeUndefined();
		rmSync(path.dirname(outside), { recursive: true });
	});
});

describe("checked cache files: what is in their place", () => {
	it("a link is removed, never written through; a file with other permissions is replaced by a private one", () => {
		const dir = mkdtempSync(path.join(cacheFolder(), "checked-"));
		const victim = path.join(dir, "victim.txt");
		writeFileSync(victim, "victim original");
		const file = path.join(dir, "cache.json");
		symlinkSync(victim, file);
		writeCheckedJson(file, { a: 1 });
		expect(readFileSync(victim, "utf8")).toBe("victim original");
		expect(lstatSync(file).isFile()).toBe(true);
		expect(readCheckedJson(file, 1000)).toEqual({ a: 1 });
		chmodSync(file, 0o644);
		writeCheckedJson(file, { a: 2 });
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(readCheckedJson(file, 1000)).toEqual({ a: 2 });
	});
});

describe("randomHex", () => {
	it("gives the asked number of bytes, different each time", () => {
		const seen = new Set(Array.from({ length: 200 }, () => randomHex(8)));
		expect(seen.size).toBe(200);
		for (const value of seen) expect(value).toMatch(/^[0-9a-f]{16}$/);
		expect(randomHex(32)).toMatch(/^[0-9a-f]{64}$/);
	});
});
