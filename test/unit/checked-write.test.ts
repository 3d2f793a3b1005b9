import {
	appendFileSync,
	chmodSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	renameSync,
	statSync,
	symlinkSync,
	unlinkSync,
	writeFileSync,
} from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
	editKept,
	removeChecked,
	replaceChecked,
	writeChecked,
	writeFilesChecked,
} from "../../source/core/os/checked-write.js";
import { HpmError } from "../../source/core/base/errors.js";
import { tempDir } from "../helpers/run.js";

const changed = () => new HpmError("project-changed", "it changed");
const changedFile = (file: string) => new HpmError("project-changed", `${file} changed`);

/** An `expected` that holds for `text`, and the first time it is asked saves `edit` into the file (the window between the check and the rename). */
function editDuringWrite(file: string, text: string, edit: (file: string) => void) {
	let calls = 0;
	return (bytes: Buffer) => {
		calls += 1;
		if (calls === 1) {
			const ok = bytes.toString("utf8") === text;
			edit(file);
			return ok;
		}
		return bytes.toString("utf8") === text;
	};
}

/** Nothing but the named files is left in the folder (no staged temporaries). */
function onlyFiles(dir: string): string[] {
	return readdirSync(dir).sort();
}

describe("writeChecked", () => {
	it("replaces a file that holds what was read, keeping its mode, through a link", () => {
		const dir = tempDir();
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(file, "old\n");
		chmodSync(file, 0o640);
		symlinkSync(file, path.join(dir, "link.toml"));
		writeChecked(path.join(dir, "link.toml"), "old\n", "new\n", changed);
		expect(readFileSync(file, "utf8")).toBe("new\n");
		expect(statSync(file).mode & 0o777).toBe(0o640);
		expect(onlyFiles(dir)).toEqual(["link.toml", "pyproject.toml"]);
		writeChecked(file, Buffer.from("new\n"), Buffer.from("bytes\n"), changed);
		expect(readFileSync(file, "utf8")).toBe("bytes\n");
		writeChecked(file, (bytes) => bytes.toString() === "bytes\n", "fn\n", changed);
		expect(readFileSync(file, "utf8")).toBe("fn\n");
	});

	it("writes nothing when the file holds something else, or is gone", () => {
		const dir = tempDir();
		const file = path.join(dir, "f");
		writeFileSync(file, "theirs");
		expect(() => writeChecked(file, "mine", "new", changed)).toThrow("it changed");
		expect(() => writeChecked(file, Buffer.from("mine"), "new", changed)).toThrow("it changed");
		expect(readFileSync(file, "utf8")).toBe("theirs");
		expect(onlyFiles(dir)).toEqual(["f"]);
		expect(() => writeChecked(path.join(dir, "gone"), "x", "new", changed)).toThrow("it changed");
		expect(onlyFiles(dir)).toEqual(["f"]);
	});

	it("an edit saved between the check and the rename is kept in a copy the error names", () => {
		const dir = tempDir();
		const file = path.join(dir, "f");
		for (const copy of ["f.hpm-edit", "f.hpm-edit.1"]) {
			writeFileSync(file, "old");
			const error = (() => {
				try {
					writeChecked(
						file,
						editDuringWrite(file, "old", (f) => appendFileSync(f, "+edit")),
						"new",
						changed,
					);
				} catch (e) {
					return e;
				}
				return undefined;
			})();
			expect(error).toMatchObject({ code: "edit-kept", exitCode: 1 });
			expect((error as Error).message).toBe(
				`${file} changed while hpm was writing it; hpm's change is in place and f as you saved it is kept in ${path.join(dir, copy)}`,
			);
			expect(readFileSync(file, "utf8")).toBe("new");
			expect(readFileSync(path.join(dir, copy), "utf8")).toBe("old+edit");
		}
		expect(onlyFiles(dir)).toEqual(["f", "f.hpm-edit", "f.hpm-edit.1"]);
	});

	it("another file saved in its place meanwhile is left as it is", () => {
		const dir = tempDir();
		const file = path.join(dir, "f");
		writeFileSync(file, "old");
		const saveByRename = (f: string) => {
			writeFileSync(`${f}.new`, "editor");
			renameSync(`${f}.new`, f);
		};
		expect(() => writeChecked(file, editDuringWrite(file, "old", saveByRename), "new", changed)).toThrow("it changed");
		expect(readFileSync(file, "utf8")).toBe("editor");
		expect(onlyFiles(dir)).toEqual(["f"]);
	});
});

describe("writeFilesChecked", () => {
	it("writes every file, creating the new ones, or none", () => {
		const dir = tempDir();
		const a = path.join(dir, "a");
		const b = path.join(dir, "b");
		writeFileSync(a, "a0");
		writeFilesChecked(
			[
				{ file: a, expected: "a0", text: "a1" },
				{ file: b, expected: undefined, text: "b1" },
			],
			changedFile,
		);
		expect([readFileSync(a, "utf8"), readFileSync(b, "utf8")]).toEqual(["a1", "b1"]);
		// the second no longer holds what was read: the first is not written either
		expect(() =>
			writeFilesChecked(
				[
					{ file: a, expected: "a1", text: "a2" },
					{ file: b, expected: "b0", text: "b2" },
				],
				changedFile,
			),
		).toThrow(`${b} changed`);
		expect([readFileSync(a, "utf8"), readFileSync(b, "utf8")]).toEqual(["a1", "b1"]);
		// a file expected new that exists, a file expected that is gone
		expect(() => writeFilesChecked([{ file: a, expected: undefined, text: "x" }], changedFile)).toThrow(`${a} changed`);
		expect(() => writeFilesChecked([{ file: path.join(dir, "c"), expected: "c", text: "x" }], changedFile)).toThrow(
			`${path.join(dir, "c")} changed`,
		);
		expect(onlyFiles(dir)).toEqual(["a", "b"]);
	});

	it("keeps edits saved during the write, naming each", () => {
		const dir = tempDir();
		const a = path.join(dir, "a");
		const b = path.join(dir, "b");
		writeFileSync(a, "a0");
		writeFileSync(b, "b0");
		expect(() =>
			writeFilesChecked(
				[
					{ file: a, expected: editDuringWrite(a, "a0", (f) => appendFileSync(f, "!")), text: "a1" },
					{ file: b, expected: editDuringWrite(b, "b0", (f) => appendFileSync(f, "?")), text: "b1" },
				],
				changedFile,
			),
		).toThrow(
			expect.objectContaining({ code: "edit-kept", message: expect.stringContaining(`${a} and ${b} changed`) }),
		);
		expect([readFileSync(a, "utf8"), readFileSync(b, "utf8")]).toEqual(["a1", "b1"]);
		expect(readFileSync(`${a}.hpm-edit`, "utf8")).toBe("a0!");
		expect(readFileSync(`${b}.hpm-edit`, "utf8")).toBe("b0?");
		expect(onlyFiles(dir)).toEqual(["a", "a.hpm-edit", "b", "b.hpm-edit"]);
	});
});

/** The error `run` throws (the test fails when it throws none). */
function caught(run: () => unknown): HpmError {
	try {
		run();
	} catch (error) {
		return error as HpmError;
	}
	throw new Error("it threw nothing");
}

describe("writeFilesChecked names the file that changed", () => {
	it("one holding something else, one saved in its place, one created meanwhile", () => {
		const dir = tempDir();
		const [a, b, c] = ["a", "b", "c"].map((name) => path.join(dir, name)) as [string, string, string];
		writeFileSync(a, "a0");
		writeFileSync(b, "theirs");
		expect(
			caught(() =>
				writeFilesChecked(
					[
						{ file: a, expected: "a0", text: "a1" },
						{ file: b, expected: "b0", text: "b1" },
					],
					changedFile,
				),
			).message,
		).toBe(`${b} changed`);
		const saveByRename = (f: string) => {
			writeFileSync(`${f}.new`, "editor");
			renameSync(`${f}.new`, f);
		};
		expect(
			caught(() =>
				writeFilesChecked([{ file: a, expected: editDuringWrite(a, "a0", saveByRename), text: "a1" }], changedFile),
			).message,
		).toBe(`${a} changed`);
		expect(readFileSync(a, "utf8")).toBe("editor");
		// c is new: someone creates it while a is checked
		const createC = () => writeFileSync(c, "someone's");
		expect(
			caught(() =>
				writeFilesChecked(
					[
						{ file: a, expected: editDuringWrite(a, "editor", createC), text: "a2" },
						{ file: c, expected: undefined, text: "c1" },
					],
					changedFile,
				),
			).message,
		).toBe(`${c} changed`);
		expect(readFileSync(c, "utf8")).toBe("someone's");
		expect(onlyFiles(dir)).toEqual(["a", "b", "c"]);
		// d is new: someone makes a folder of that name meanwhile (still "changed", not "not a file")
		const d = path.join(dir, "d");
		expect(
			caught(() =>
				writeFilesChecked(
					[
						{ file: a, expected: editDuringWrite(a, readFileSync(a, "utf8"), () => mkdirSync(d)), text: "a3" },
						{ file: d, expected: undefined, text: "d1" },
					],
					changedFile,
				),
			).message,
		).toBe(`${d} changed`);
	});

	it("two edits kept: each named, each in its own compare", () => {
		const dir = tempDir();
		const a = path.join(dir, "a");
		const b = path.join(dir, "b");
		writeFileSync(a, "a0");
		writeFileSync(b, "b0");
		const error = caught(() =>
			writeFilesChecked(
				[
					{ file: a, expected: editDuringWrite(a, "a0", (f) => appendFileSync(f, "!")), text: "a1" },
					{ file: b, expected: editDuringWrite(b, "b0", (f) => appendFileSync(f, "?")), text: "b1" },
				],
				changedFile,
			),
		);
		expect(error.message).toBe(
			`${a} and ${b} changed while hpm was writing it; hpm's change is in place and a as you saved it is kept in ${a}.hpm-edit; b as you saved it is kept in ${b}.hpm-edit`,
		);
		expect(error.hint).toBe(
			`compare (diff ${a}.hpm-edit ${a}; diff ${b}.hpm-edit ${b}), keep what you want, then delete the copy`,
		);
	});
});

describe("replaceChecked and removeChecked", () => {
	it("replace renames staged bytes over a file that holds what is expected", () => {
		const dir = tempDir();
		const file = path.join(dir, "f");
		const staged = path.join(dir, ".f.before");
		writeFileSync(file, "now");
		writeFileSync(staged, "before");
		expect(replaceChecked(staged, file, "now", changed)).toBeUndefined();
		expect(readFileSync(file, "utf8")).toBe("before");
		expect(existsSync(staged)).toBe(false);
		writeFileSync(staged, "again");
		expect(() => replaceChecked(staged, file, "now", changed)).toThrow("it changed");
		expect(readFileSync(file, "utf8")).toBe("before");
	});

	it("remove removes a file that holds what is expected, and keeps anything else", () => {
		const dir = tempDir();
		const file = path.join(dir, "f");
		writeFileSync(file, "ours");
		expect(removeChecked(file, "ours", changed)).toBeUndefined();
		expect(existsSync(file)).toBe(false);
		writeFileSync(file, "theirs");
		expect(() => removeChecked(file, "ours", changed)).toThrow("it changed");
		expect(readFileSync(file, "utf8")).toBe("theirs");
		// an edit saved in the moment before it is moved aside is kept
		writeFileSync(file, "ours");
		const kept = removeChecked(
			file,
			editDuringWrite(file, "ours", (f) => appendFileSync(f, "+")),
			changed,
		);
		expect(kept).toEqual({ target: file, copy: `${file}.hpm-edit` });
		expect(readFileSync(`${file}.hpm-edit`, "utf8")).toBe("ours+");
		expect(existsSync(file)).toBe(false);
		expect(onlyFiles(dir)).toEqual(["f.hpm-edit"]);
		// a second kept copy never replaces the first
		writeFileSync(file, "ours");
		expect(
			removeChecked(
				file,
				editDuringWrite(file, "ours", (f) => appendFileSync(f, "2")),
				changed,
			),
		).toEqual({
			target: file,
			copy: `${file}.hpm-edit.1`,
		});
		expect(readFileSync(`${file}.hpm-edit`, "utf8")).toBe("ours+");
		expect(readFileSync(`${file}.hpm-edit.1`, "utf8")).toBe("ours2");
		// removed by someone else in that moment: nothing to do
		writeFileSync(file, "ours");
		expect(
			removeChecked(
				file,
				editDuringWrite(file, "ours", (f) => renameSync(f, path.join(dir, "moved"))),
				changed,
			),
		).toBeUndefined();
		expect(existsSync(file)).toBe(false);
	});

	it("the error for kept edits says what to compare", () => {
		const error = editKept([{ target: "/p/pyproject.toml", copy: "/p/pyproject.toml.hpm-edit" }]);
		expect(error.code).toBe("edit-kept");
		expect(error.hint).toBe(
			"compare (diff /p/pyproject.toml.hpm-edit /p/pyproject.toml), keep what you want, then delete the copy",
		);
		expect(error.location).toEqual({ file: "/p/pyproject.toml" });
	});
});

/** The files in `dir` this process holds open (a descriptor left open shows here). */
function openIn(dir: string): string[] {
	return readdirSync("/proc/self/fd").flatMap((fd) => {
		try {
			const target = readlinkSync(`/proc/self/fd/${fd}`);
			return target.startsWith(`${dir}/`) ? [target] : [];
		} catch {
			return [];
		}
	});
}

describe("what a checked write leaves open and where it gives up", () => {
	it("no descriptor stays open after a write, a kept edit, a removal or a refusal", () => {
		const dir = tempDir();
		const a = path.join(dir, "a");
		const b = path.join(dir, "b");
		writeFileSync(a, "a0");
		writeFileSync(b, "theirs");
		writeChecked(a, "a0", "a1", changed);
		expect(() =>
			writeChecked(
				a,
				editDuringWrite(a, "a1", (f) => appendFileSync(f, "!")),
				"a2",
				changed,
			),
		).toThrow(expect.objectContaining({ code: "edit-kept" }));
		expect(() =>
			writeFilesChecked(
				[
					{ file: a, expected: "a2", text: "a3" },
					{ file: b, expected: "b0", text: "b1" },
				],
				changedFile,
			),
		).toThrow(`${b} changed`);
		writeFileSync(b, "ours");
		expect(
			removeChecked(
				b,
				editDuringWrite(b, "ours", (f) => appendFileSync(f, "?")),
				changed,
			),
		).toEqual({
			target: b,
			copy: `${b}.hpm-edit`,
		});
		expect(openIn(dir)).toEqual([]);
	});

	it("a file whose folder is gone is a changed file, not a failure to stage", () => {
		const dir = tempDir();
		expect(() => writeChecked(path.join(dir, "gone", "f"), "x", "new", changed)).toThrow("it changed");
	});

	it("a file expected new that exists stops the write before any other file is written", () => {
		const dir = tempDir();
		const a = path.join(dir, "a");
		const b = path.join(dir, "b");
		writeFileSync(a, "a0");
		writeFileSync(b, "someone's");
		expect(() =>
			writeFilesChecked(
				[
					{ file: a, expected: "a0", text: "a1" },
					{ file: b, expected: undefined, text: "b1" },
				],
				changedFile,
			),
		).toThrow(`${b} changed`);
		expect([readFileSync(a, "utf8"), readFileSync(b, "utf8")]).toEqual(["a0", "someone's"]);
		expect(onlyFiles(dir)).toEqual(["a", "b"]);
	});

	it("a file deleted between the check and the rename is not written back", () => {
		const dir = tempDir();
		const file = path.join(dir, "f");
		writeFileSync(file, "old");
		expect(() =>
			writeChecked(
				file,
				editDuringWrite(file, "old", (f) => unlinkSync(f)),
				"new",
				changed,
			),
		).toThrow("it changed");
		expect(onlyFiles(dir)).toEqual([]);
	});

	it("a restore or removal of a file that is gone is a changed file; a file that cannot be opened is its error", () => {
		const dir = tempDir();
		const staged = path.join(dir, ".f.before");
		writeFileSync(staged, "before");
		expect(() => replaceChecked(staged, path.join(dir, "gone"), "now", changed)).toThrow("it changed");
		expect(() => removeChecked(path.join(dir, "gone"), "now", changed)).toThrow("it changed");
		const loop = path.join(dir, "loop");
		symlinkSync(loop, loop);
		expect(() => replaceChecked(staged, loop, "now", changed)).toThrow(expect.objectContaining({ code: "ELOOP" }));
		expect(readFileSync(staged, "utf8")).toBe("before");
	});

	it("a removal the system refuses (a name too long for the aside copy) is an error, and the file stays", () => {
		const dir = tempDir();
		const file = path.join(dir, "f".repeat(240));
		writeFileSync(file, "ours");
		expect(() => removeChecked(file, "ours", changed)).toThrow(expect.objectContaining({ code: "ENAMETOOLONG" }));
		expect(readFileSync(file, "utf8")).toBe("ours");
	});

	it("a folder moved away while an edit is kept is an error, not an endless search for a free name", () => {
		const moveFolder = (dir: string) => () => renameSync(dir, `${dir}-moved`);
		/** `expected` that holds at the check, and at the second look (after the rename) moves the folder and sees an edit (or not). */
		const thenMove = (text: string, move: () => void, edited = true) => {
			let calls = 0;
			return (bytes: Buffer) => {
				calls += 1;
				if (calls === 1) return bytes.toString("utf8") === text;
				move();
				return !edited;
			};
		};
		const parent = tempDir();
		const one = path.join(parent, "one");
		mkdirSync(one);
		writeFileSync(path.join(one, "f"), "old");
		expect(() => writeChecked(path.join(one, "f"), thenMove("old", moveFolder(one)), "new", changed)).toThrow(
			expect.objectContaining({ code: "ENOENT" }),
		);
		const two = path.join(parent, "two");
		mkdirSync(two);
		writeFileSync(path.join(two, "f"), "ours");
		expect(() => removeChecked(path.join(two, "f"), thenMove("ours", moveFolder(two)), changed)).toThrow(
			expect.objectContaining({ code: "ENOENT" }),
		);
		// a new file put in place after the folder moved: the system's error, not "changed"
		const three = path.join(parent, "three");
		mkdirSync(three);
		writeFileSync(path.join(three, "a"), "a0");
		expect(() =>
			writeFilesChecked(
				[
					{ file: path.join(three, "a"), expected: thenMove("a0", moveFolder(three), false), text: "a1" },
					{ file: path.join(three, "b"), expected: undefined, text: "b1" },
				],
				changedFile,
			),
		).toThrow(expect.objectContaining({ code: "ENOENT" }));
	});
});
