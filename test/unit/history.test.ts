import {
	chmodSync,
	chownSync,
	copyFileSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
	forgetHistory,
	HISTORY_FOLDER,
	MAX_ENTRIES,
	pruneHistory,
	readableHistory,
	readHistory,
	recordEditFirst,
	recordFirst,
	recordHistory,
	retitleHistory,
} from "../../source/core/project/history.js";
import { readSignedJson, signedJson } from "../../source/core/os/signed-file.js";
import { userKey } from "../../source/core/os/user-key.js";
import { tempDir } from "../helpers/run.js";

const entry = (summary = "add x") => ({
	command: "sync",
	summary,
	pyproject: Buffer.from("p").toString("base64"),
	lock: null,
});
const folder = (root: string) => path.join(root, HISTORY_FOLDER);

afterEach(() => {
	delete process.env.HPM_TEST_FAIL;
});

describe("signed files", () => {
	it("reads back what this user signed, and nothing else", () => {
		const dir = tempDir();
		const file = path.join(dir, "f.json");
		const key = userKey(true);
		expect(key).toBeDefined();
		writeFileSync(file, signedJson(key as Buffer, { a: 1 }), { mode: 0o600 });
		expect(readSignedJson(file, 1024)).toEqual({ a: 1 });
		// edited by hand
		writeFileSync(file, readFileSync(file, "utf8").replace('"a":1', '"a":2'));
		expect(readSignedJson(file, 1024)).toBeUndefined();
		// signed with another key
		writeFileSync(file, signedJson(Buffer.alloc(32, 7), { a: 1 }));
		expect(readSignedJson(file, 1024)).toBeUndefined();
		// no signature line, too large, not a file, writable by others
		writeFileSync(file, '{"a":1}');
		expect(readSignedJson(file, 1024)).toBeUndefined();
		writeFileSync(file, signedJson(key as Buffer, { a: "x".repeat(100) }));
		expect(readSignedJson(file, 1024)).toEqual({ a: "x".repeat(100) });
		expect(readSignedJson(file, 50)).toBeUndefined();
		for (const mode of [0o622, 0o602, 0o620]) {
			chmodSync(file, mode);
			expect(readSignedJson(file, 1024), mode.toString(8)).toBeUndefined();
		}
		chmodSync(file, 0o644);
		expect(readSignedJson(file, 1024)).toBeDefined();
		symlinkSync(file, path.join(dir, "link"));
		expect(readSignedJson(path.join(dir, "link"), 1024)).toBeUndefined();
		expect(readSignedJson(path.join(dir, "missing"), 1024)).toBeUndefined();
		// signed, but not JSON after all
		const text = "not json";
		writeFileSync(file, `${signedJson(key as Buffer, 0).split("\n")[0]}\n${text}`);
		expect(readSignedJson(file, 1024)).toBeUndefined();
	});
});

describe("the project's history", () => {
	it("records entries with the next id, newest first, ignoring itself in git", () => {
		const root = tempDir();
		expect(readHistory(root)).toEqual({ entries: [], ignored: [] });
		expect(recordHistory(root, entry("one"))).toBe(1);
		expect(recordHistory(root, entry("two"))).toBe(2);
		const history = readableHistory(root);
		expect(history.entries.map((e) => [e.id, e.summary, e.command, e.root])).toEqual([
			[2, "two", "sync", root],
			[1, "one", "sync", root],
		]);
		expect(history.ignored).toEqual([]);
		expect(history.unverified).toBe(0);
		expect(readFileSync(path.join(root, ".hpm", ".gitignore"), "utf8")).toContain("*\n");
		expect(readdirSync(folder(root)).sort()).toEqual(["000001.json", "000002.json"]);
	});

	it("a file hpm did not write for this user is ignored, never counted, never removed", () => {
		const root = tempDir();
		recordHistory(root, entry());
		writeFileSync(path.join(folder(root), "000005.json"), "junk");
		writeFileSync(path.join(folder(root), "notes.txt"), "x");
		// an entry copied from another checkout is not this one's
		const other = tempDir();
		recordHistory(other, entry("elsewhere"));
		renameSync(path.join(folder(other), "000001.json"), path.join(folder(root), "000003.json"));
		// an entry renamed to another id is not that entry
		const history = readHistory(root);
		expect(history.entries.map((e) => e.id)).toEqual([1]);
		expect([...history.ignored].sort()).toEqual([
			path.join(HISTORY_FOLDER, "000003.json"),
			path.join(HISTORY_FOLDER, "000005.json"),
		]);
		expect(history.unverified).toBe(1);
		// the next id skips the names taken by files that are not hpm's
		expect(recordHistory(root, entry())).toBe(2);
		expect(recordHistory(root, entry())).toBe(4);
		expect(recordHistory(root, entry())).toBe(6);
	});

	it("none verifies with this key: an error that names the key, not an empty history", () => {
		const root = tempDir();
		mkdirSync(folder(root), { recursive: true });
		writeFileSync(path.join(folder(root), "000001.json"), signedJson(Buffer.alloc(32, 1), entry()));
		expect(() => readableHistory(root)).toThrow(
			expect.objectContaining({
				code: "history-unverified",
				message: expect.stringContaining("none of the 1 files of .hpm/history verifies with your signing key"),
			}),
		);
	});

	it("a history folder that is a link or a file is unreadable, never followed", () => {
		const root = tempDir();
		const elsewhere = tempDir();
		mkdirSync(path.join(root, ".hpm"));
		symlinkSync(elsewhere, folder(root));
		expect(readHistory(root).unreadable).toBe(`${folder(root)} is a link`);
		expect(() => readableHistory(root)).toThrow(expect.objectContaining({ code: "history-unreadable" }));
		expect(() => recordHistory(root, entry())).toThrow(`${folder(root)} is a link`);
		expect(readdirSync(elsewhere)).toEqual([]);
		rmSync(folder(root));
		writeFileSync(folder(root), "");
		expect(readHistory(root).unreadable).toBe(`${folder(root)} is not a folder of yours`);
		expect(() => recordFirst(root, "sync", entry())).toThrow(
			expect.objectContaining({
				code: "history-unwritable",
				exitCode: 1,
				message: expect.stringContaining("hpm sync changed nothing"),
			}),
		);
	});

	it("a full disk stops the change before it starts", () => {
		const root = tempDir();
		process.env.HPM_TEST_FAIL = "history-write";
		expect(() => recordFirst(root, "install", entry())).toThrow(
			expect.objectContaining({ code: "history-unwritable", message: expect.stringContaining("ENOSPC") }),
		);
	});

	it("an edit's entry holds uv.lock beside the pyproject.toml it was given", () => {
		const root = tempDir();
		recordEditFirst(root, "group add", "add g", Buffer.from("before"));
		writeFileSync(path.join(root, "uv.lock"), "lock");
		recordEditFirst(root, "group add", "add h", Buffer.from("before2"));
		const [second, first] = readHistory(root).entries;
		expect(first).toMatchObject({ lock: null, pyproject: Buffer.from("before").toString("base64"), summary: "add g" });
		expect(second).toMatchObject({ lock: Buffer.from("lock").toString("base64"), command: "group add" });
	});

	it("forget removes an entry, and the folder too when it was the only one", () => {
		const root = tempDir();
		const id = recordHistory(root, entry());
		forgetHistory(root, id);
		expect(existsSync(path.join(root, ".hpm"))).toBe(false);
		recordHistory(root, entry());
		const second = recordHistory(root, entry());
		forgetHistory(root, second);
		expect(readHistory(root).entries.map((e) => e.id)).toEqual([1]);
		// a .hpm folder holding anything of the person's stays
		const mine = tempDir();
		const only = recordHistory(mine, entry());
		writeFileSync(path.join(mine, ".hpm", "notes"), "mine");
		forgetHistory(mine, only);
		expect(readFileSync(path.join(mine, ".hpm", "notes"), "utf8")).toBe("mine");
		const edited = tempDir();
		const one = recordHistory(edited, entry());
		writeFileSync(path.join(edited, ".hpm", ".gitignore"), "edited\n");
		forgetHistory(edited, one);
		expect(readFileSync(path.join(edited, ".hpm", ".gitignore"), "utf8")).toBe("edited\n");
	});

	it("retitle gives an entry its final line, signed", () => {
		const root = tempDir();
		const id = recordHistory(root, entry("first"));
		retitleHistory(root, id, "final");
		expect(readHistory(root).entries[0]?.summary).toBe("final");
		retitleHistory(root, 99, "none"); // no such entry: nothing happens
		expect(readHistory(root).entries.map((e) => e.summary)).toEqual(["final"]);
	});

	it("prune keeps the newest MAX_ENTRIES and the entry just written, and no one else's file", () => {
		const root = tempDir();
		for (let n = 0; n < MAX_ENTRIES + 2; n++) recordHistory(root, entry(`#${n + 1}`));
		writeFileSync(path.join(folder(root), "000001.json.bak"), "");
		writeFileSync(path.join(folder(root), "000099.json"), "junk");
		pruneHistory(root, 1);
		const ids = readHistory(root).entries.map((e) => e.id);
		expect(ids).toHaveLength(MAX_ENTRIES + 1);
		expect(ids).toContain(1);
		expect(ids).not.toContain(2);
		expect(ids).toContain(3);
		expect(ids[0]).toBe(MAX_ENTRIES + 2);
		expect(existsSync(path.join(folder(root), "000099.json"))).toBe(true);
		pruneHistory(root, 0);
		expect(readHistory(root).entries.map((e) => e.id)).toHaveLength(MAX_ENTRIES);
		pruneHistory(tempDir(), 0); // no history: nothing to do
	});
});

describe("what the history believes", () => {
	it("entries are this user's folders and files only, and of hpm's shape", () => {
		const root = tempDir();
		recordHistory(root, entry());
		for (const dir of [path.join(root, ".hpm"), folder(root)]) expect(statSync(dir).mode & 0o777).toBe(0o700);
		expect(statSync(path.join(folder(root), "000001.json")).mode & 0o777).toBe(0o600);
		// an entry renamed to another id, and names that only look like entries
		copyFileSync(path.join(folder(root), "000001.json"), path.join(folder(root), "000007.json"));
		copyFileSync(path.join(folder(root), "000001.json"), path.join(folder(root), "000001.json.bak"));
		copyFileSync(path.join(folder(root), "000001.json"), path.join(folder(root), "x000002.json"));
		const key = userKey(false) as Buffer;
		const good = readHistory(root).entries[0] as Record<string, unknown>;
		const bad = { time: 5, command: null, summary: 1, pyproject: false, root: 0, lock: 3, id: "8" };
		let id = 10;
		for (const [field, value] of Object.entries(bad)) {
			writeFileSync(path.join(folder(root), `0000${id}.json`), signedJson(key, { ...good, id: id, [field]: value }));
			id += 1;
		}
		const history = readHistory(root);
		expect(history.entries.map((e) => e.id)).toEqual([1]);
		expect([...history.ignored].sort()).toEqual(
			["000007.json", ...Object.keys(bad).map((_, n) => `0000${10 + n}.json`)]
				.map((name) => path.join(HISTORY_FOLDER, name))
				.sort(),
		);
		// some verify (another id, another shape): the key is not what changed, so no error
		expect(() => readableHistory(root)).not.toThrow();
	});

	it("another user's history folder is unreadable, its entries listed as ignored", () => {
		const root = tempDir();
		recordHistory(root, entry());
		chownSync(folder(root), 65534, 65534);
		const history = readHistory(root);
		expect(history.unreadable).toBe(`${folder(root)} is not a folder of yours`);
		expect(history.ignored).toEqual([path.join(HISTORY_FOLDER, "000001.json")]);
		const error = (() => {
			try {
				readableHistory(root);
			} catch (e) {
				return e as { message: string; hint: string; location: unknown };
			}
			return undefined;
		})();
		expect(error?.message).toBe(`cannot read the history: ${folder(root)} is not a folder of yours`);
		expect(error?.hint).toContain("move what is there aside");
		expect(error?.location).toEqual({ file: folder(root) });
	});

	it("the .gitignore a person wrote is kept, and a forgotten entry leaves it", () => {
		const root = tempDir();
		mkdirSync(path.join(root, ".hpm"), { mode: 0o700 });
		writeFileSync(path.join(root, ".hpm", ".gitignore"), "mine\n");
		const id = recordHistory(root, entry());
		expect(readFileSync(path.join(root, ".hpm", ".gitignore"), "utf8")).toBe("mine\n");
		forgetHistory(root, id);
		expect(readFileSync(path.join(root, ".hpm", ".gitignore"), "utf8")).toBe("mine\n");
		const other = tempDir();
		const one = recordHistory(other, entry());
		writeFileSync(path.join(other, ".hpm", "notes"), "x");
		forgetHistory(other, one);
		expect(existsSync(path.join(other, ".hpm", ".gitignore"))).toBe(true);
	});

	it("a retitled entry stays private, and the same title writes nothing", () => {
		const root = tempDir();
		const id = recordHistory(root, entry("same"));
		const file = path.join(folder(root), "000001.json");
		const before = statSync(file).mtimeMs;
		const text = readFileSync(file, "utf8");
		retitleHistory(root, id, "same");
		expect(readFileSync(file, "utf8")).toBe(text);
		expect(statSync(file).mtimeMs).toBe(before);
		retitleHistory(root, id, "new");
		expect(statSync(file).mode & 0o777).toBe(0o600);
	});
});
