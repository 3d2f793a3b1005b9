import { spawn } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stageFile } from "../../source/core/os/fs-atomic.js";
import { sha256 } from "../../source/core/os/sha256.js";
import { identify } from "../../source/core/os/process.js";
import { hashOf } from "../../source/core/project/files.js";
import {
	classify,
	journalNotice,
	journalOwnerAlive,
	journalPath,
	type JournalBody,
	keepAsBefore,
	newJournal,
	readJournal,
	recoverJournal,
	removeJournal,
	restoreFiles,
	writeJournal,
} from "../../source/core/project/journal.js";
import { JOURNAL_FILE } from "../../source/core/project/journal-file.js";
import { tempDir } from "../helpers/run.js";

const h = (text: string) => sha256(Buffer.from(text));

/** A project folder with pyproject.toml and uv.lock as `before`, staged, and a journal of a change by a dead hpm. */
async function killedChange(before: { pyproject: string; lock: string | null }) {
	const root = tempDir();
	const targets = { pyproject: path.join(root, "pyproject.toml"), lock: path.join(root, "uv.lock") };
	writeFileSync(targets.pyproject, before.pyproject);
	if (before.lock !== null) writeFileSync(targets.lock, before.lock);
	const pyBackup = stageFile(targets.pyproject, lstatSync(targets.pyproject), before.pyproject, "before");
	const lockBackup =
		before.lock === null ? null : stageFile(targets.lock, lstatSync(targets.lock), before.lock, "before");
	const dead = spawn("true");
	await new Promise((resolve) => dead.on("exit", resolve));
	const journal: JournalBody = {
		...newJournal("sync", {
			pyproject: { before: h(before.pyproject), backup: path.basename(pyBackup), written: [] },
			lock: {
				before: before.lock === null ? null : h(before.lock),
				backup: lockBackup ? path.basename(lockBackup) : null,
				written: [],
			},
		}),
		owner: { pid: dead.pid ?? 0, start: "boot:1" },
	};
	writeJournal(root, journal);
	const write = (files: { pyproject?: string; lock?: string | null }, recorded = true) => {
		const next = { ...journal, files: { ...journal.files } };
		for (const name of ["pyproject", "lock"] as const) {
			const text = files[name];
			if (text === undefined) continue;
			if (text === null) rmSync(targets[name]);
			else writeFileSync(targets[name], text);
			const hash = text === null ? null : h(text);
			if (recorded) next.files[name] = { ...next.files[name], written: [...next.files[name].written, hash] };
		}
		Object.assign(journal, next);
		writeJournal(root, journal);
	};
	return { root, targets, journal, write, pyBackup, lockBackup };
}

const recover = (root: string, targets: { pyproject: string; lock: string }) => recoverJournal(root, targets, hashOf);

describe("the journal file", () => {
	it("is written signed and read back; anything else is invalid, never applied", () => {
		const root = tempDir();
		expect(readJournal(root)).toEqual({ kind: "none" });
		const body = newJournal("sync", {
			pyproject: { before: h("a"), backup: ".pyproject.toml.hpm-1-0123abcd.before", written: [h("b")] },
			lock: { before: null, backup: null, written: [] },
		});
		expect(body.owner).toEqual(identify(process.pid));
		expect(body.host).toBe(hostname());
		expect(body.version).toBe(2);
		expect(body.running).toBeNull();
		writeJournal(root, body);
		expect(journalPath(root)).toBe(path.join(root, JOURNAL_FILE));
		expect(readJournal(root)).toEqual({ kind: "valid", journal: body });
		const text = readFileSync(journalPath(root), "utf8");
		expect(text.endsWith("}\n")).toBe(true);

		const invalid = (content: string) => {
			writeFileSync(journalPath(root), content);
			const read = readJournal(root);
			expect(read.kind).toBe("invalid");
			return read.kind === "invalid" ? read.reason : "";
		};
		expect(invalid("{not json")).toBe("it is not JSON");
		expect(invalid("[]")).toBe("it is not an hpm journal");
		expect(invalid(JSON.stringify({ body: {}, checksum: 1 }))).toBe("it is not an hpm journal");
		// edited by hand: the signature no longer matches
		expect(invalid(text.replace('"command":"sync"', '"command":"install"'))).toContain("its signature does not match");
		// signed, but not of the shape hpm writes (a backup path that leaves the folder, a bad command)
		for (const bad of [
			{ ...body, version: 1 },
			{ ...body, command: "sync; rm -rf" },
			{ ...body, files: { ...body.files, pyproject: { ...body.files.pyproject, backup: "../../etc/passwd" } } },
			{ ...body, files: { ...body.files, pyproject: { ...body.files.pyproject, before: "xyz" } } },
			{ ...body, owner: { pid: -1, start: "" } },
			{ ...body, running: { pid: 5, start: "s", token: "not-hex" } },
			// every pattern holds for the whole value
			{ ...body, running: { pid: 5, start: "s", token: "0123456789abcdef0" } },
			{ ...body, running: { pid: 5, start: "s", token: "z0123456789abcdef" } },
			{ ...body, files: { ...body.files, lock: { ...body.files.lock, before: "a".repeat(65) } } },
			{ ...body, files: { ...body.files, lock: { ...body.files.lock, before: `z${"a".repeat(64)}` } } },
			{ ...body, files: { ...body.files, lock: { ...body.files.lock, backup: "x/.p.hpm-1-0123abcd.before" } } },
			{ ...body, files: { ...body.files, lock: { ...body.files.lock, backup: ".p.hpm-1-0123abcd.before.x" } } },
		]) {
			writeJournal(root, bad as JournalBody);
			expect(readJournal(root)).toEqual({ kind: "invalid", reason: "it does not have the shape hpm writes" });
		}
		const running = { ...body, running: { pid: 5, start: "s", token: "0123456789abcdef" } };
		writeJournal(root, running);
		expect(readJournal(root)).toEqual({ kind: "valid", journal: running });
		rmSync(journalPath(root));
		symlinkSync("/dev/zero", journalPath(root));
		expect(readJournal(root).kind).toBe("invalid");
		removeJournal(root);
		expect(existsSync(journalPath(root))).toBe(false);
		removeJournal(root); // twice is fine
	});

	it("a journal whose owner runs is alive; a dead owner's, or another machine's, is not", () => {
		const mine = newJournal("sync", {
			pyproject: { before: null, backup: null, written: [] },
			lock: { before: null, backup: null, written: [] },
		});
		expect(journalOwnerAlive(mine)).toBe(true);
		expect(journalOwnerAlive({ ...mine, host: "elsewhere" })).toBe(false);
		expect(journalOwnerAlive({ ...mine, owner: { pid: process.pid, start: "another:1" } })).toBe(false);
	});

	it("classify: unchanged, ours (only states the change wrote), foreign", () => {
		const journal = newJournal("sync", {
			pyproject: { before: h("p0"), backup: null, written: [h("p1"), h("p2")] },
			lock: { before: null, backup: null, written: [h("l1")] },
		});
		expect(classify(journal, { pyproject: h("p0"), lock: null })).toBe("unchanged");
		expect(classify(journal, { pyproject: h("p2"), lock: null })).toBe("ours");
		expect(classify(journal, { pyproject: h("p0"), lock: h("l1") })).toBe("ours");
		expect(classify(journal, { pyproject: h("p1"), lock: h("l1") })).toBe("ours");
		expect(classify(journal, { pyproject: h("edit"), lock: h("l1") })).toBe("foreign");
		expect(classify(journal, { pyproject: h("p1"), lock: h("edit") })).toBe("foreign");
		expect(classify(journal, { pyproject: null, lock: null })).toBe("foreign");
	});

	it("keepAsBefore never overwrites an earlier copy", () => {
		const dir = tempDir();
		const target = path.join(dir, "pyproject.toml");
		for (const [n, name] of [
			"pyproject.toml.hpm-before",
			"pyproject.toml.hpm-before.1",
			"pyproject.toml.hpm-before.2",
		].entries()) {
			writeFileSync(path.join(dir, "b"), `v${n}`);
			expect(keepAsBefore(path.join(dir, "b"), target)).toBe(path.join(dir, name));
		}
		expect(readFileSync(`${target}.hpm-before`, "utf8")).toBe("v0");
		expect(readFileSync(`${target}.hpm-before.2`, "utf8")).toBe("v2");
	});
});

describe("recovering a killed hpm's change", () => {
	it("nothing to do without a journal, and nothing while its owner still runs", async () => {
		const root = tempDir();
		const targets = { pyproject: path.join(root, "pyproject.toml"), lock: path.join(root, "uv.lock") };
		expect(await recover(root, targets)).toBeUndefined();
		writeJournal(
			root,
			newJournal("sync", {
				pyproject: { before: null, backup: null, written: [] },
				lock: { before: null, backup: null, written: [] },
			}),
		);
		expect(await recover(root, targets)).toBeUndefined();
		expect(journalNotice(root)).toBeUndefined();
		expect(existsSync(journalPath(root))).toBe(true);
	});

	it("unchanged files: the journal and the backups go, the files stay", async () => {
		const { root, targets, pyBackup, lockBackup } = await killedChange({ pyproject: "p0", lock: "l0" });
		expect(journalNotice(root)).toMatch(/^an earlier `hpm sync` \(pid \d+, started .*\) did not finish; the next/);
		expect(await recover(root, targets)).toMatch(/it had not changed pyproject.toml or uv.lock yet$/);
		expect(readFileSync(targets.pyproject, "utf8")).toBe("p0");
		expect(readFileSync(targets.lock, "utf8")).toBe("l0");
		expect([existsSync(pyBackup), existsSync(lockBackup ?? ""), existsSync(journalPath(root))]).toEqual([
			false,
			false,
			false,
		]);
		expect(readdirSync(root).sort()).toEqual(["pyproject.toml", "uv.lock"]);
	});

	it("files holding what the change wrote are restored, a lock it created is removed", async () => {
		const { root, targets, write } = await killedChange({ pyproject: "p0", lock: null });
		write({ pyproject: "p1", lock: "l1" });
		expect(await recover(root, targets)).toMatch(
			/was killed before it finished; pyproject.toml and uv.lock were restored to their state before it/,
		);
		expect(readFileSync(targets.pyproject, "utf8")).toBe("p0");
		expect(existsSync(targets.lock)).toBe(false);
		expect(readdirSync(root)).toEqual(["pyproject.toml"]);
	});

	it("a lock uv removed is put back; an untouched file's backup is dropped", async () => {
		const { root, targets, write } = await killedChange({ pyproject: "p0", lock: "l0" });
		write({ lock: "l1" });
		write({ lock: null });
		expect(await recover(root, targets)).toContain("were restored");
		expect(readFileSync(targets.lock, "utf8")).toBe("l0");
		expect(readdirSync(root).sort()).toEqual(["pyproject.toml", "uv.lock"]);
	});

	it("files someone edited afterwards: nothing is restored, the old bytes are kept beside them", async () => {
		const { root, targets, write } = await killedChange({ pyproject: "p0", lock: "l0" });
		write({ pyproject: "p1" });
		writeFileSync(targets.pyproject, "person's edit");
		await expect(recover(root, targets)).rejects.toMatchObject({
			code: "recovery-conflict",
			exitCode: 1,
			hint: expect.stringContaining(`${targets.pyproject}.hpm-before holds pyproject.toml from before that sync`),
		});
		expect(readFileSync(targets.pyproject, "utf8")).toBe("person's edit");
		expect(readFileSync(`${targets.pyproject}.hpm-before`, "utf8")).toBe("p0");
		expect(readdirSync(root).sort()).toEqual(["pyproject.toml", "pyproject.toml.hpm-before", "uv.lock"]);
	});

	it("a state the change made but never recorded counts as someone else's", async () => {
		const { root, targets, write } = await killedChange({ pyproject: "p0", lock: "l0" });
		write({ lock: "l9" }, false);
		await expect(recover(root, targets)).rejects.toMatchObject({ code: "recovery-conflict" });
		expect(readFileSync(`${targets.lock}.hpm-before`, "utf8")).toBe("l0");
	});

	it("a backup deleted by hand: nothing restored, the journal set aside, the fix named", async () => {
		const { root, targets, write, pyBackup } = await killedChange({ pyproject: "p0", lock: "l0" });
		write({ pyproject: "p1" });
		rmSync(pyBackup);
		await expect(recover(root, targets)).rejects.toMatchObject({
			code: "backup-missing",
			hint: expect.stringMatching(
				/run `hpm sync` to finish it \(the journal is kept as \.hpm\.journal\.json\.invalid-\d+\)/,
			),
		});
		expect(readFileSync(targets.pyproject, "utf8")).toBe("p1");
		expect(existsSync(journalPath(root))).toBe(false);
		expect(readdirSync(root).some((name) => name.startsWith(".hpm.journal.json.invalid-"))).toBe(true);
	});

	it("an invalid journal is set aside and nothing is restored", async () => {
		const { root, targets, write } = await killedChange({ pyproject: "p0", lock: "l0" });
		write({ pyproject: "p1" });
		writeFileSync(journalPath(root), "{}");
		expect(journalNotice(root)).toContain("is not a valid hpm journal (it is not an hpm journal)");
		expect(await recover(root, targets)).toMatch(
			/^set aside \.hpm\.journal\.json: it is not an hpm journal; nothing was restored \(it is kept as \.hpm\.journal\.json\.invalid-\d+\)$/,
		);
		expect(readFileSync(targets.pyproject, "utf8")).toBe("p1");
		expect(existsSync(journalPath(root))).toBe(false);
	});

	it("the uv a killed hpm left running is stopped first, and only it", async () => {
		const { root, targets, journal } = await killedChange({ pyproject: "p0", lock: "l0" });
		const token = "0123456789abcdef";
		const uv = spawn("sleep", ["60"], { env: { ...process.env, HPM_RUN_ID: token }, detached: true, stdio: "ignore" });
		const other = spawn("sleep", ["60"], { detached: true, stdio: "ignore" });
		const gone = new Promise((resolve) => uv.on("exit", resolve));
		try {
			await new Promise((resolve) => setTimeout(resolve, 50)); // the environment is set once sleep runs
			const who = identify(uv.pid);
			writeJournal(root, { ...journal, running: who ? { ...who, token } : null });
			expect(await recover(root, targets)).toContain("had not changed");
			await gone;
			expect(uv.exitCode ?? uv.signalCode).toBe("SIGTERM");
			expect(identify(other.pid)).toBeDefined();
		} finally {
			uv.kill("SIGKILL");
			other.kill("SIGKILL");
		}
	});
});

describe("restoreFiles", () => {
	it("an edit saved while a file is put back is kept, and named", async () => {
		const { journal, targets, write } = await killedChange({ pyproject: "p0", lock: "l0" });
		write({ pyproject: "p1" });
		// the file changed after the caller looked: it is left as it is, never lost
		expect(() => restoreFiles(journal, targets, { pyproject: h("p-other"), lock: h("l0") })).toThrow(
			expect.objectContaining({ code: "project-changed" }),
		);
		expect(readFileSync(targets.pyproject, "utf8")).toBe("p1");
		rmSync(path.join(path.dirname(targets.pyproject), journal.files.pyproject.backup ?? ""));
		expect(() => restoreFiles(journal, targets, { pyproject: h("p1"), lock: h("l0") })).toThrow(
			expect.objectContaining({ code: "backup-missing" }),
		);
	});

	it("a file uv removed is put back, but one someone saved after hpm looked is never overwritten", async () => {
		const { journal, targets, write } = await killedChange({ pyproject: "p0", lock: "l0" });
		write({ pyproject: "p1" });
		rmSync(targets.lock); // uv removed uv.lock
		// someone saves a uv.lock between hpm's look (absent) and the restore
		writeFileSync(targets.lock, "theirs");
		expect(() => restoreFiles(journal, targets, { pyproject: h("p1"), lock: null })).toThrow(
			expect.objectContaining({ code: "project-changed" }),
		);
		expect(readFileSync(targets.lock, "utf8")).toBe("theirs");
		expect(readFileSync(targets.pyproject, "utf8")).toBe("p0"); // pyproject.toml came back first
		// with nothing there, the backup goes back in place
		rmSync(targets.lock);
		restoreFiles(journal, targets, { pyproject: h("p0"), lock: null });
		expect(readFileSync(targets.lock, "utf8")).toBe("l0");
		expect(readFileSync(targets.pyproject, "utf8")).toBe("p0");
	});
});
