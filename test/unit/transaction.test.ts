import { type ChildProcess, spawn } from "node:child_process";
import {
	chmodSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	symlinkSync,
	truncateSync,
	unlinkSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HpmError } from "../../source/core/base/errors.js";
import type { HpmEvent } from "../../source/core/plan/events.js";
import { sha256 } from "../../source/core/os/sha256.js";
import { checkRun, transaction, type Tx } from "../../source/core/operations/transaction.js";
import { writeIndexTable } from "../../source/core/operations/transaction-steps.js";
import { type FileHashes, stepWatcher } from "../../source/core/operations/transaction-watch.js";
import { MAX_FILE_BYTES } from "../../source/core/project/files.js";
import type { PlanEntry } from "../../source/core/plan/plan.js";
import { identify } from "../../source/core/os/process.js";
import { readHistory } from "../../source/core/project/history.js";
import { readJournal } from "../../source/core/project/journal.js";
import { tempDir } from "../helpers/run.js";

const h = (text: string) => sha256(Buffer.from(text));
const TOKEN = "00112233aabbccdd";

/** A live process standing for uv: the transaction only asks who it is. */
let uv: ChildProcess;
beforeAll(() => {
	uv = spawn("sleep", ["600"], { stdio: "ignore" });
});
afterAll(() => {
	uv.kill("SIGKILL");
});

function project(lock?: string) {
	const root = tempDir();
	const pyproject = path.join(root, "pyproject.toml");
	writeFileSync(pyproject, '[project]\nname = "p"\nversion = "0"\n');
	if (lock !== undefined) writeFileSync(path.join(root, "uv.lock"), lock);
	return { root, pyproject, lock: path.join(root, "uv.lock"), before: readFileSync(pyproject, "utf8") };
}

/** Runs the transaction to its end: its events, and its result or error. */
async function run<T>(
	pyproject: string,
	body: (tx: Tx) => AsyncGenerator<HpmEvent, T>,
	signal?: AbortSignal,
): Promise<{ events: HpmEvent[]; result?: T; error?: HpmError }> {
	const events: HpmEvent[] = [];
	const stream = transaction(pyproject, "sync", signal, body);
	try {
		for (;;) {
			const next = await stream.next();
			if (next.done) return { events, result: next.value };
			events.push(next.value);
		}
	} catch (error) {
		if (!(error instanceof HpmError)) throw error;
		return { events, error };
	}
}

const start = (args: string[]): HpmEvent => ({ type: "uv-start", args, pid: uv.pid, token: TOKEN });
const exit = (args: string[], exitCode = 0): HpmEvent => ({ type: "uv-exit", args, exitCode });

/** Waits until the journal has recorded `hash` as written for `name` (the watcher's 50 ms look). */
async function journalled(root: string, name: "pyproject" | "lock", hash: string): Promise<void> {
	for (let i = 0; i < 400; i++) {
		const read = readJournal(root);
		if (read.kind === "valid" && read.journal.files[name].written.includes(hash)) return;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error(`the journal never recorded ${name}`);
}

/** Waits until the watcher has kept a person's edit beside pyproject.toml. */
async function journalledOrKept(root: string): Promise<void> {
	for (let i = 0; i < 400; i++) {
		if (existsSync(path.join(root, "pyproject.toml.hpm-edit"))) return;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error("the edit was never kept");
}

/** Only the project's own files are left (no journal, no staged copies, no history when none was kept). */
const files = (root: string) => readdirSync(root).sort();

describe("a transaction that completes", () => {
	it("keeps the change, records its history entry, and leaves nothing else behind", async () => {
		const p = project("lock0");
		let scratch = "";
		const { result, error } = await run(p.pyproject, async function* (tx) {
			scratch = tx.scratch;
			expect(existsSync(tx.scratch)).toBe(true);
			expect(tx.before.pyproject.toString()).toBe(p.before);
			expect(tx.before.lock?.toString()).toBe("lock0");
			// the journal is there before the first change, naming the staged copies
			const journal = readJournal(p.root);
			expect(journal.kind).toBe("valid");
			if (journal.kind === "valid") {
				expect(journal.journal.command).toBe("sync");
				expect(journal.journal.files.pyproject.before).toBe(h(p.before));
				expect(journal.journal.files.lock.before).toBe(h("lock0"));
				const backup = journal.journal.files.pyproject.backup ?? "";
				expect(readFileSync(path.join(p.root, backup), "utf8")).toBe(p.before);
			}
			tx.checkpoint();
			writeFileSync(p.pyproject, "changed");
			tx.wrote();
			tx.describe("added x");
			yield { type: "phase", phase: "add", message: "adding" };
			return 42;
		});
		expect(error).toBeUndefined();
		expect(result).toBe(42);
		expect(readFileSync(p.pyproject, "utf8")).toBe("changed");
		expect(existsSync(scratch)).toBe(false);
		expect(files(p.root)).toEqual([".hpm", "pyproject.toml", "uv.lock"]);
		const history = readHistory(p.root).entries;
		expect(history).toHaveLength(1);
		expect(history[0]).toMatchObject({
			command: "sync",
			summary: "added x",
			lock: Buffer.from("lock0").toString("base64"),
		});
		expect(Buffer.from(history[0]?.pyproject ?? "", "base64").toString()).toBe(p.before);
	});

	it("a change that changed nothing keeps no history entry", async () => {
		const p = project();
		const { result } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			yield* [];
			return "same";
		});
		expect(result).toBe("same");
		expect(files(p.root)).toEqual(["pyproject.toml"]);
	});

	it("a read-only pyproject.toml or uv.lock is refused before anything is staged", async () => {
		const p = project("lock0");
		chmodSync(p.lock, 0o444);
		const body = vitestBodyNever();
		expect((await run(p.pyproject, body)).error).toMatchObject({
			code: "project-read-only",
			location: { file: p.lock },
		});
		chmodSync(p.lock, 0o644);
		chmodSync(p.pyproject, 0o444);
		expect((await run(p.pyproject, body)).error).toMatchObject({
			code: "project-read-only",
			location: { file: p.pyproject },
		});
		expect(files(p.root)).toEqual(["pyproject.toml", "uv.lock"]);
	});
});

function vitestBodyNever() {
	return async function* (): AsyncGenerator<HpmEvent, void> {
		yield* [];
		throw new Error("the body must not run");
	};
}

describe("a transaction that fails", () => {
	it("puts back what it wrote, says so, and keeps no history", async () => {
		const p = project();
		const { events, error } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			writeFileSync(p.pyproject, "changed");
			writeFileSync(p.lock, "new lock");
			tx.wrote();
			yield* [];
			throw new Error("disk full");
		});
		expect(error).toMatchObject({ code: "io", message: "hpm sync stopped: disk full" });
		expect(events.map((e) => e.type)).toEqual(["phase", "restored"]);
		expect(readFileSync(p.pyproject, "utf8")).toBe(p.before);
		expect(files(p.root)).toEqual(["pyproject.toml"]);
	});

	it("an HpmError is passed on after the restore; an abort says interrupted", async () => {
		const p = project("lock0");
		const failing = async function* (tx: Tx): AsyncGenerator<HpmEvent, void> {
			tx.checkpoint();
			writeFileSync(p.lock, "new lock");
			tx.wrote();
			yield* [];
			throw new HpmError("uv-failed", "uv lock failed");
		};
		expect((await run(p.pyproject, failing)).error).toMatchObject({ code: "uv-failed" });
		expect(readFileSync(p.lock, "utf8")).toBe("lock0");
		const abort = new AbortController();
		abort.abort();
		expect((await run(p.pyproject, failing, abort.signal)).error).toMatchObject({ code: "interrupted" });
		expect(readFileSync(p.lock, "utf8")).toBe("lock0");
		expect(files(p.root)).toEqual(["pyproject.toml", "uv.lock"]);
	});

	it("a failure before anything changed restores nothing and says nothing was restored", async () => {
		const p = project();
		const { events, error } = await run(p.pyproject, async function* () {
			yield* [];
			throw new HpmError("uv-failed", "resolution failed");
		});
		expect(error?.code).toBe("uv-failed");
		expect(events.map((e) => e.type)).toEqual(["phase"]);
		expect(files(p.root)).toEqual(["pyproject.toml"]);
	});

	it("someone else's edit meanwhile: nothing is restored, both versions kept", async () => {
		const p = project("lock0");
		const { error } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			writeFileSync(p.lock, "ours");
			tx.wrote();
			writeFileSync(p.pyproject, "a person's edit");
			yield* [];
			tx.checkpoint();
		});
		expect(error).toMatchObject({
			code: "restore-conflict",
			message: expect.stringContaining("pyproject.toml or uv.lock changed while hpm sync was running"),
			hint: expect.stringContaining("pyproject.toml.hpm-before holds pyproject.toml from before the sync"),
		});
		expect(readFileSync(p.pyproject, "utf8")).toBe("a person's edit");
		expect(readFileSync(`${p.pyproject}.hpm-before`, "utf8")).toBe(p.before);
		expect(readFileSync(`${p.lock}.hpm-before`, "utf8")).toBe("lock0");
		expect(files(p.root).filter((name) => name.startsWith("."))).toEqual([".hpm"]);
	});
});

describe("the file watcher while uv runs", () => {
	it("journals uv's first write of a file it may write at once, with the running uv", async () => {
		const p = project("lock0");
		const { error } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			yield start(["lock"]);
			const journal = readJournal(p.root);
			expect(journal.kind === "valid" && journal.journal.running).toEqual({ ...identify(uv.pid), token: TOKEN });
			writeFileSync(p.lock, "uv's lock");
			// a SIGKILLed hpm's journal already knows this state as the change's own
			await journalled(p.root, "lock", h("uv's lock"));
			yield exit(["lock"]);
			const after = readJournal(p.root);
			expect(after.kind === "valid" && after.journal.running).toBeNull();
			throw new Error("later step failed");
		});
		expect(error?.message).toBe("hpm sync stopped: later step failed");
		expect(readFileSync(p.lock, "utf8")).toBe("lock0");
	});

	it("a write seen only when the step ends is still uv's", async () => {
		const p = project();
		const { error } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			yield start(["add", "x"]);
			writeFileSync(p.pyproject, `${p.before}dependencies = ["x"]\n`); // what uv add writes
			writeFileSync(p.lock, "uv's lock");
			yield exit(["add", "x"]);
			throw new Error("stop");
		});
		expect(error?.code).toBe("io");
		expect(readFileSync(p.pyproject, "utf8")).toBe(p.before);
		expect(existsSync(p.lock)).toBe(false);
	});

	it("a person's edit while uv add runs (outside what uv edits) is kept in a copy the error names, then the files are put back", async () => {
		const p = project("lock0");
		const { error } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			yield start(["add", "x"]);
			writeFileSync(p.pyproject, p.before.replace('version = "0"', 'version = "1"')); // the person
			await journalledOrKept(p.root);
			writeFileSync(p.pyproject, `${p.before}dependencies = ["x"]\n`); // uv, from what it had read
			yield exit(["add", "x"]);
		});
		expect(error?.code).toBe("project-changed");
		expect(error?.message).toContain("pyproject.toml.hpm-edit");
		expect(readFileSync(`${p.pyproject}.hpm-edit`, "utf8")).toContain('version = "1"');
		expect(readFileSync(p.pyproject, "utf8")).toBe(p.before);
	});

	const foreign: [string, (p: ReturnType<typeof project>) => Promise<void> | void, string[]][] = [
		[
			"pyproject.toml changed during `uv lock` (which never writes it)",
			(p) => writeFileSync(p.pyproject, "edit"),
			["lock"],
		],
		[
			"uv.lock changed more often in one step than uv writes it (three times)",
			async (p) => {
				for (const state of ["first", "second", "third"]) {
					writeFileSync(p.lock, state);
					await journalled(p.root, "lock", h(state));
				}
				writeFileSync(p.lock, "fourth");
			},
			["sync"],
		],
	];
	for (const [what, edit, args] of foreign)
		it(`${what} is someone else's: nothing is restored`, async () => {
			const p = project("lock0");
			const { error } = await run(p.pyproject, async function* (tx) {
				tx.checkpoint();
				yield start(args);
				await edit(p);
				yield exit(args);
				throw new Error("stop");
			});
			expect(error?.code).toBe("restore-conflict");
			expect(existsSync(`${p.lock}.hpm-before`) || existsSync(`${p.pyproject}.hpm-before`)).toBe(true);
		});

	it("a failed `uv add` that left its write: the write was journalled as uv's and is put back", async () => {
		const p = project("lock0");
		const { error } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			yield start(["add", "x"]);
			writeFileSync(p.lock, "not undone");
			yield exit(["add", "x"], 1);
			throw new HpmError("uv-failed", "uv add failed");
		});
		expect(error?.code).toBe("uv-failed");
		expect(readFileSync(p.lock, "utf8")).toBe("lock0");
	});

	it("a failed `uv remove` does not undo itself: its write is the change's and is put back", async () => {
		const p = project("lock0");
		const { error } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			yield start(["remove", "x"]);
			writeFileSync(p.pyproject, `${p.before}dependencies = []\n`); // what uv remove writes
			yield exit(["remove", "x"], 1);
			throw new HpmError("uv-failed", "uv remove failed");
		});
		expect(error?.code).toBe("uv-failed");
		expect(readFileSync(p.pyproject, "utf8")).toBe(p.before);
		expect(readFileSync(p.lock, "utf8")).toBe("lock0");
	});
});

describe("checkRun", () => {
	it("passes a run that worked, and explains one that failed", () => {
		const ok = { exitCode: 0, aborted: false, lines: [] };
		expect(() => checkRun(ok as never, "uv lock", undefined)).not.toThrow();
		expect(() => checkRun({ ...ok, aborted: true } as never, "uv lock", undefined)).toThrow(
			expect.objectContaining({ code: "interrupted" }),
		);
		expect(() => checkRun({ ...ok, exitCode: 2 } as never, "uv lock", undefined)).toThrow(
			expect.objectContaining({
				code: "uv-failed",
				message: "uv lock failed (exit 2); pyproject.toml and uv.lock were restored",
			}),
		);
	});
});

/** The journal as it is now (the test fails when there is none). */
function journalOf(root: string) {
	const read = readJournal(root);
	if (read.kind !== "valid") throw new Error(`no valid journal: ${read.kind}`);
	return read.journal;
}

describe("before the change", () => {
	it("a uv.lock too large to keep a copy of is refused, naming the fix, before anything is staged", async () => {
		const p = project("");
		truncateSync(p.lock, MAX_FILE_BYTES + 1); // sparse: no byte is written
		const { error } = await run(p.pyproject, vitestBodyNever());
		expect(error).toMatchObject({
			code: "project-unreadable",
			message: expect.stringMatching(/^pyproject\.toml or uv\.lock .+/),
			hint: "make them regular files hpm can read; nothing was changed",
		});
		expect(files(p.root)).toEqual(["pyproject.toml", "uv.lock"]);
	});

	it("a journal that cannot be signed stops the change with its own error, and both copies are removed", async () => {
		const p = project("lock0");
		const notAFolder = path.join(p.root, "cache");
		writeFileSync(notAFolder, "");
		vi.stubEnv("HPM_CACHE_DIR", notAFolder);
		try {
			const { error } = await run(p.pyproject, vitestBodyNever());
			expect(error).toMatchObject({ code: "io", message: expect.stringMatching(/^hpm cannot sign its journal/) });
		} finally {
			vi.unstubAllEnvs();
		}
		expect(files(p.root)).toEqual(["cache", "pyproject.toml", "uv.lock"]);
	});

	it("the scratch folder is hpm's, in TMPDIR, and removed with what the body put in it", async () => {
		const p = project();
		let scratch = "";
		await run(p.pyproject, async function* (tx) {
			scratch = tx.scratch;
			mkdirSync(path.join(tx.scratch, "inside"));
			writeFileSync(path.join(tx.scratch, "inside", "f"), "x");
			yield* [];
		});
		expect(path.dirname(scratch)).toBe(tmpdir());
		expect(path.basename(scratch)).toMatch(/^hpm-/);
		expect(existsSync(scratch)).toBe(false);
	});

	it("a copy that cannot be staged (a name too long for it) is an error that says nothing was changed", async () => {
		const p = project();
		const real = path.join(p.root, "p".repeat(240));
		writeFileSync(real, p.before);
		unlinkSync(p.pyproject);
		symlinkSync(real, p.pyproject);
		const { error } = await run(p.pyproject, vitestBodyNever());
		expect(error).toMatchObject({
			code: "io",
			message: expect.stringMatching(/^hpm sync could not prepare its change: ENAMETOOLONG/),
			hint: "free some disk space or fix the folder's permissions; nothing was changed",
		});
		expect(files(p.root)).toEqual(["p".repeat(240), "pyproject.toml"]);
	});

	it("a scratch folder the body removed itself is no error", async () => {
		const p = project();
		const { error } = await run(p.pyproject, async function* (tx) {
			rmSync(tx.scratch, { recursive: true });
			yield* [];
		});
		expect(error).toBeUndefined();
	});

	it("a change that wrote no history entry leaves the history folder alone", async () => {
		const p = project("lock0");
		mkdirSync(path.join(p.root, ".hpm", "history"), { recursive: true });
		await run(p.pyproject, async function* () {
			yield* [];
		});
		await run(p.pyproject, async function* () {
			yield* [];
			throw new Error("stop");
		});
		expect(existsSync(path.join(p.root, ".hpm", "history"))).toBe(true);
	});
});

describe("checkpoints and what a step leaves", () => {
	it("uv.lock put back by someone meanwhile stops the change at its checkpoint; there is nothing to restore", async () => {
		const p = project("lock0");
		const { error, events } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			writeFileSync(p.lock, "lock1");
			tx.wrote();
			writeFileSync(p.lock, "lock0");
			yield* [];
			tx.checkpoint();
		});
		expect(error).toMatchObject({
			code: "project-changed",
			message: "pyproject.toml or uv.lock changed while hpm sync was running",
			hint: "hpm stopped before changing anything more; run the command again",
			exitCode: 1,
		});
		expect(events).toEqual([{ type: "phase", phase: "restore", message: "restoring pyproject.toml and uv.lock" }]);
		expect(files(p.root)).toEqual(["pyproject.toml", "uv.lock"]);
	});

	it("each state hpm wrote is journalled once, and a step's write of one file records nothing for the other", async () => {
		const p = project("lock0");
		let journalled: unknown;
		await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			writeFileSync(p.lock, "lock1");
			tx.wrote();
			tx.wrote();
			yield start(["lock"]);
			writeFileSync(p.lock, "lock2");
			yield exit(["lock"]);
			journalled = journalOf(p.root).files;
			throw new Error("stop");
		});
		expect(journalled).toMatchObject({
			pyproject: { written: [h(p.before)] },
			lock: { written: [h("lock1"), h("lock2")] },
		});
		expect(readFileSync(p.lock, "utf8")).toBe("lock0");
	});

	// what the next checkpoint makes of a step's writes: the change's own (it goes on) or someone else's
	const after: [string, string[], number, boolean, "ours" | "project-changed"][] = [
		["a `uv lock` that worked", ["lock"], 0, false, "ours"],
		["a failed `uv sync` (it undoes its own writes)", ["sync"], 1, false, "project-changed"],
		["a failed `uv sync` that hpm stopped", ["sync"], 1, true, "ours"],
		["a failed `uv remove` (it does not undo itself)", ["remove", "x"], 1, false, "ours"],
	];
	for (const [what, args, code, aborted, verdict] of after)
		it(`after ${what}, a write it left is ${verdict === "ours" ? "the change's own" : "someone else's"}`, async () => {
			const p = project("lock0");
			const abort = new AbortController();
			const { error } = await run(
				p.pyproject,
				async function* (tx) {
					tx.checkpoint();
					yield start(args);
					writeFileSync(p.lock, "left by uv");
					if (aborted) abort.abort();
					yield exit(args, code);
					tx.checkpoint();
					return "went on";
				},
				abort.signal,
			);
			expect(error?.code).toBe(verdict === "ours" ? undefined : "project-changed");
		});

	it("uv.lock alone changed: the change keeps its history entry", async () => {
		const p = project("lock0");
		await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			writeFileSync(p.lock, "lock1");
			tx.wrote();
			yield* [];
		});
		expect(readHistory(p.root).entries).toHaveLength(1);
	});

	it("a body that changed the files without a checkpoint still gets its history entry", async () => {
		const p = project("lock0");
		await run(p.pyproject, async function* (tx) {
			writeFileSync(p.lock, "lock1");
			tx.wrote();
			yield* [];
		});
		expect(readHistory(p.root).entries).toHaveLength(1);
	});

	it("a body that changed nothing and took no step writes no history at all (a full disk cannot stop it)", async () => {
		const p = project("lock0");
		vi.stubEnv("HPM_TEST_FAIL", "history-write");
		try {
			const { result, error } = await run(p.pyproject, async function* () {
				yield* [];
				return "nothing to do";
			});
			expect(error).toBeUndefined();
			expect(result).toBe("nothing to do");
		} finally {
			vi.unstubAllEnvs();
		}
		expect(files(p.root)).toEqual(["pyproject.toml", "uv.lock"]);
	});
});

describe("how a failed change ends", () => {
	it("its events and error say what was restored and what to do", async () => {
		const p = project("lock0");
		const { events, error } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			writeFileSync(p.lock, "lock1");
			tx.wrote();
			yield* [];
			throw new Error("ENOSPC");
		});
		expect(events).toEqual([
			{ type: "phase", phase: "restore", message: "restoring pyproject.toml and uv.lock" },
			{ type: "restored", files: [p.pyproject, p.lock], message: "restored pyproject.toml and uv.lock" },
		]);
		expect(error).toMatchObject({
			code: "io",
			exitCode: 1,
			hint: "pyproject.toml and uv.lock were restored; free some disk space or fix permissions, then run it again",
		});
		const abort = new AbortController();
		const stopped = await run(
			p.pyproject,
			async function* (tx) {
				tx.checkpoint();
				writeFileSync(p.lock, "lock1");
				tx.wrote();
				abort.abort();
				yield* [];
				throw new Error("killed");
			},
			abort.signal,
		);
		expect(stopped.error).toMatchObject({
			code: "interrupted",
			message: "interrupted: uv was stopped and pyproject.toml and uv.lock were restored",
			exitCode: 1,
		});
	});

	it("a failure before anything changed rewrites neither file", async () => {
		const p = project("lock0");
		const inodes = [statSync(p.pyproject).ino, statSync(p.lock).ino];
		await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			yield* [];
			throw new Error("stop");
		});
		expect([statSync(p.pyproject).ino, statSync(p.lock).ino]).toEqual(inodes);
	});

	it("someone's edit after a failure that was no HpmError: both kept, each copy named in the hint", async () => {
		const p = project("lock0");
		const { error } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			writeFileSync(p.lock, "ours");
			tx.wrote();
			writeFileSync(p.pyproject, "a person's edit");
			writeFileSync(p.lock, "a person's lock");
			yield* [];
			throw new Error("disk full");
		});
		expect(error).toMatchObject({
			code: "restore-conflict",
			message: expect.stringMatching(/^hpm sync stopped \(it failed\), and /),
			hint: "pyproject.toml.hpm-before holds pyproject.toml from before the sync; uv.lock.hpm-before holds uv.lock from before the sync. Compare and keep what you want, delete the copies, then run hpm sync again",
		});
	});

	it("a backup gone before the restore: the error says so and the journal stays for the next command", async () => {
		const p = project("lock0");
		const { error } = await run(p.pyproject, async function* (tx) {
			tx.checkpoint();
			writeFileSync(p.lock, "lock1");
			tx.wrote();
			unlinkSync(path.join(p.root, journalOf(p.root).files.lock.backup ?? ""));
			yield* [];
			throw new Error("stop");
		});
		expect(error?.code).toBe("backup-missing");
		expect(existsSync(path.join(p.root, ".hpm.journal.json"))).toBe(true);
	});

	it("an edit saved while the files are put back is kept in a copy; the change is then finished, its journal gone", async () => {
		const p = project();
		const flag = path.join(tempDir(), "pause");
		// another process saves an edit in the moment hpm holds its restore (HPM_TEST_PAUSE), then lets it go on
		const editor = spawn(
			"sh",
			["-c", 'while [ ! -f "$0" ]; do sleep 0.01; done; printf "+edit" >> "$(cat "$0")"; rm "$0"', flag],
			{ stdio: "ignore" },
		);
		try {
			const { error } = await run(p.pyproject, async function* (tx) {
				tx.checkpoint();
				writeFileSync(p.pyproject, "changed");
				tx.wrote();
				vi.stubEnv("HPM_TEST_PAUSE", flag);
				yield* [];
				throw new Error("stop");
			});
			expect(error?.code).toBe("edit-kept");
		} finally {
			vi.unstubAllEnvs();
			editor.kill("SIGKILL");
		}
		expect(readFileSync(p.pyproject, "utf8")).toBe(p.before);
		expect(readFileSync(`${p.pyproject}.hpm-edit`, "utf8")).toBe("changed+edit");
		expect(existsSync(path.join(p.root, ".hpm.journal.json"))).toBe(false);
	});

	it("a step still being watched when the body fails is stopped: no timer is left", async () => {
		const p = project("lock0");
		vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
		try {
			let watching = 0;
			await run(p.pyproject, async function* (tx) {
				tx.checkpoint();
				yield start(["lock"]);
				watching = vi.getTimerCount();
				throw new Error("stop");
			});
			expect([watching, vi.getTimerCount()]).toEqual([1, 0]);
		} finally {
			vi.useRealTimers();
		}
	});
});

describe("the step watcher on its own (its clock in the test's hands)", () => {
	/** A judge that reads no file: the step's writes are told apart by counting alone. */
	const OWN_BY_COUNT = { begin: () => undefined, own: () => true, keep: () => undefined };

	/** A watcher over states the test sets, with the clock faked: `tick()` is one look. */
	function watched() {
		let state: FileHashes = { pyproject: "p0", lock: "l0" };
		let looks = 0;
		const remembered: Partial<FileHashes>[] = [];
		const watcher = stepWatcher(
			() => {
				looks += 1;
				return state;
			},
			(now) => remembered.push(now),
			OWN_BY_COUNT,
		);
		return {
			watcher,
			remembered,
			looks: () => looks,
			set: (change: Partial<FileHashes>) => {
				state = { ...state, ...change };
			},
			tick: () => vi.advanceTimersByTime(50),
		};
	}

	function withFakeClock(test: () => void): () => void {
		return () => {
			vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
			try {
				test();
			} finally {
				vi.useRealTimers();
			}
		};
	}

	it(
		"a state seen at one look only (uv's empty moment) is no change; a state that holds is one, once",
		withFakeClock(() => {
			const w = watched();
			w.watcher.start(["lock"]);
			w.tick();
			w.set({ lock: "empty" });
			w.tick();
			w.set({ lock: "l1" });
			w.tick();
			w.tick();
			w.tick();
			w.tick();
			expect(w.remembered).toEqual([{ lock: "l1" }]);
			expect(w.watcher.stop()).toMatchObject({ changes: { pyproject: 0, lock: 1 }, foreign: false });
		}),
	);

	it(
		"a step that writes nothing changes nothing and is nobody else's",
		withFakeClock(() => {
			const w = watched();
			w.watcher.start(["sync"]);
			for (let i = 0; i < 5; i++) w.tick();
			expect(w.watcher.stop()).toMatchObject({ changes: { pyproject: 0, lock: 0 }, foreign: false });
			expect(w.remembered).toEqual([]);
		}),
	);

	it(
		"three writes of a file the step may write are its own; a fourth is someone else's",
		withFakeClock(() => {
			const w = watched();
			w.watcher.start(["add", "x"]);
			for (const lock of ["l1", "l2", "l3"]) {
				w.set({ lock });
				w.tick();
				w.tick();
			}
			expect(w.remembered).toEqual([{ lock: "l1" }, { lock: "l2" }, { lock: "l3" }]);
			w.set({ lock: "l4" });
			expect(w.watcher.stop()).toMatchObject({ changes: { lock: 4 }, foreign: true });
		}),
	);

	it(
		"after it stops it looks no more; stopping a watcher that never started says no step was watched",
		withFakeClock(() => {
			const w = watched();
			expect(w.watcher.stop()).toBeUndefined();
			w.watcher.start(["lock"]);
			w.watcher.stop();
			const looks = w.looks();
			w.tick();
			w.tick();
			expect(w.looks()).toBe(looks);
		}),
	);

	it(
		"a look that fails is reported when the step ends (the first failure), not thrown from the timer",
		withFakeClock(() => {
			let fail = 0;
			const watcher = stepWatcher(
				() => {
					if (fail > 0) throw new Error(`look ${fail++}`);
					return { pyproject: "p0", lock: "l0" };
				},
				() => undefined,
				OWN_BY_COUNT,
			);
			watcher.start(["lock"]);
			fail = 1;
			vi.advanceTimersByTime(50);
			vi.advanceTimersByTime(50);
			expect(() => watcher.stop()).toThrow("look 1");
		}),
	);
});

describe("the steps' helpers", () => {
	const entry: PlanEntry = {
		key: "a",
		name: "a",
		groups: ["g"],
		source: { type: "local", path: "/p/a", rawPath: "a", editable: false },
	};

	it("an interrupted run says so and exits 1; a failure uv explains names the choices", () => {
		const aborted = { exitCode: 0, aborted: true, lines: [] };
		expect(() => checkRun(aborted as never, "uv lock", undefined)).toThrow(
			expect.objectContaining({ code: "interrupted", message: "interrupted", exitCode: 1 }),
		);
		const lines = [
			"error: No solution found when resolving dependencies",
			"  cause: Because only a==0.1.0 is available and a==0.1.0 depends on core-iface<2, we can conclude that all versions of a depend on core-iface<2.",
			"         And because only core-iface>=2 is available and your project depends on a, we can conclude that your project's requirements are unsatisfiable.",
		];
		let thrown: unknown;
		try {
			checkRun({ exitCode: 1, aborted: false, lines } as never, "uv lock", { selected: [entry] });
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toMatchObject({
			command: "uv lock",
			exitCode: 1,
			choices: ["g=a"],
			hint: "uv's output above says why; `hpm check` shows the problem without changing anything",
			message: expect.stringMatching(/^uv lock failed \(exit 1\): .+; pyproject\.toml and uv\.lock were restored$/),
		});
		expect((thrown as HpmError).code).not.toBe("uv-failed");
	});

	it("an explicit index's table is written once, as a step of the change, after its checkpoint", () => {
		const p = project();
		const calls: string[] = [];
		const tx = { checkpoint: () => calls.push("checkpoint"), wrote: () => calls.push("wrote") };
		const index = { name: "private", url: "https://example.org/simple", explicit: true };
		writeIndexTable(tx, p.pyproject, index);
		const written = readFileSync(p.pyproject, "utf8");
		expect(written).toContain('name = "private"');
		expect(calls).toEqual(["checkpoint", "wrote"]);
		writeIndexTable(tx, p.pyproject, index);
		expect(readFileSync(p.pyproject, "utf8")).toBe(written);
		expect(calls).toEqual(["checkpoint", "wrote", "checkpoint"]);
	});
});
