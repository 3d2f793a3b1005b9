import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HpmError } from "../../source/core/base/errors.js";
import type { HpmEvent } from "../../source/core/plan/events.js";
import { sha256 } from "../../source/core/os/fs-atomic.js";
import { checkRun, transaction, type Tx } from "../../source/core/operations/transaction.js";
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
			writeFileSync(p.pyproject, "uv added x");
			writeFileSync(p.lock, "uv's lock");
			yield exit(["add", "x"]);
			throw new Error("stop");
		});
		expect(error?.code).toBe("io");
		expect(readFileSync(p.pyproject, "utf8")).toBe(p.before);
		expect(existsSync(p.lock)).toBe(false);
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
			writeFileSync(p.pyproject, "x removed");
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
