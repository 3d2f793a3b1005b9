import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identify } from "../../source/core/os/process.js";
import {
	LOCK_FILE,
	lockProject,
	REGISTRY_LOCK_FILE,
	underProjectLock,
	underProjectLockStream,
	underRegistryLock,
} from "../../source/core/project/lock.js";
import { lockAt, lockTimeout } from "../../source/core/project/lock-file.js";
import type { LockOwner } from "../../source/core/project/lock-holder.js";
import { HpmError } from "../../source/core/base/errors.js";
import { sha256 } from "../../source/core/os/fs-atomic.js";
import { newJournal, writeJournal } from "../../source/core/project/journal.js";
import { tempDir } from "../helpers/run.js";

/** A live process that is not hpm and not this test: the pid a reused lock would carry. */
let stranger: ChildProcess;
beforeAll(() => {
	stranger = spawn("sleep", ["600"], { stdio: "ignore" });
});
afterAll(() => {
	stranger.kill("SIGKILL");
});

function writeLock(file: string, owner: Partial<LockOwner> & Record<string, unknown>): void {
	writeFileSync(file, `${JSON.stringify({ command: "sync", started: "2020-01-01T00:00:00Z", ...owner })}\n`);
}

/** The outcome of taking the lock at `file` with a short deadline: "taken" or the error's code. */
async function take(file: string, timeoutMs = 250): Promise<string> {
	try {
		const lock = await lockAt(file, "test", "here", { timeoutMs });
		lock.release();
		return "taken";
	} catch (error) {
		return (error as { code?: string }).code ?? String(error);
	}
}

describe("lock staleness", () => {
	it("a lock whose pid now belongs to an unrelated live process is stale and taken over", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		const pid = stranger.pid ?? 0;
		const now = identify(pid);
		expect(now).toBeDefined();
		// the holder was another process that had this pid: same pid, another start
		writeLock(file, { pid, host: hostname(), start: `${now?.start ?? ""}0` });
		expect(await take(file)).toBe("taken");
	});

	it("a lock held by that live process itself is not stale", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		const pid = stranger.pid ?? 0;
		writeLock(file, { pid, host: hostname(), start: identify(pid)?.start ?? "" });
		expect(await take(file)).toBe("locked");
		expect(readFileSync(file, "utf8")).toContain(`"pid":${pid}`);
	});

	it("a lock without a start time (an older hpm's) trusts a live pid, and not a dead one", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		writeLock(file, { pid: stranger.pid ?? 0, host: hostname() });
		expect(await take(file)).toBe("locked");
		const dead = spawn("true");
		await new Promise((resolve) => dead.on("exit", resolve));
		writeLock(file, { pid: dead.pid ?? 0, host: hostname() });
		expect(await take(file)).toBe("taken");
	});

	it("a dead holder's lock is stale even with its start time", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		const dead = spawn("sleep", ["60"]);
		const start = identify(dead.pid)?.start ?? "";
		dead.kill("SIGKILL");
		await new Promise((resolve) => dead.on("exit", resolve));
		writeLock(file, { pid: dead.pid ?? 0, host: hostname(), start });
		expect(await take(file)).toBe("taken");
	});

	it("another machine's lock is never stale (its processes cannot be seen from here)", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		writeLock(file, { pid: 999_999_9, host: `${hostname()}-elsewhere`, start: "x:1" });
		expect(await take(file)).toBe("locked");
	});

	it("this process's own lock, held, is not stale", async () => {
		const dir = tempDir();
		const held = await lockProject(dir, "sync", { timeoutMs: 1000 });
		const owner = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), "utf8")) as LockOwner;
		expect(owner.pid).toBe(process.pid);
		expect(owner.host).toBe(hostname());
		expect(owner.command).toBe("sync");
		expect(owner.start).toBe(identify(process.pid)?.start);
		expect(await take(path.join(dir, LOCK_FILE))).toBe("locked");
		held.release();
		expect(await take(path.join(dir, LOCK_FILE))).toBe("taken");
	});
});

describe("the lock file itself", () => {
	it("a half-written lock (empty, fresh) is waited for; an old one is taken over", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		writeFileSync(file, "");
		expect(await take(file, 300)).toBe("locked");
		const old = (Date.now() - 10_000) / 1000;
		utimesSync(file, old, old);
		expect(await take(file)).toBe("taken");
		// a clock that jumped back: a time far in the future is as suspect as an old one
		writeFileSync(file, "{not json");
		const future = (Date.now() + 10_000) / 1000;
		utimesSync(file, future, future);
		expect(await take(file)).toBe("taken");
	});

	it("a lock that is not hpm's (no pid, a pid that is no number) counts as half-written", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		for (const body of [
			{ host: hostname() },
			{ pid: "1", host: hostname() },
			{ pid: 1.5, host: hostname() },
			{ pid: 0, host: hostname() },
			{ pid: 1 },
		]) {
			writeFileSync(file, JSON.stringify(body));
			expect(await take(file, 300), JSON.stringify(body)).toBe("locked");
		}
	});

	it("a folder where the lock goes is an error naming the fix, not a wait", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		mkdirSync(file);
		const started = Date.now();
		await expect(lockAt(file, "test", "here", { timeoutMs: 30_000 })).rejects.toMatchObject({
			code: "lock-odd",
			message: `${file} is not hpm's lock file (it is a folder)`,
		});
		expect(Date.now() - started).toBeLessThan(30_000);
	});

	it("a lock in a folder that does not exist says which folder to fix", async () => {
		const dir = tempDir();
		await expect(lockAt(path.join(dir, "nope", LOCK_FILE), "test", "here", { timeoutMs: 100 })).rejects.toMatchObject({
			code: "lock-failed",
			hint: `check that ${path.join(dir, "nope")} is writable`,
		});
	});

	it("the wait names the holder once, and its deadline names the holder and the fix", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		writeLock(file, { pid: stranger.pid ?? 0, host: hostname(), command: "install" });
		const told: LockOwner[] = [];
		const error = await lockAt(file, "sync", "in this project", { timeoutMs: 350, onWait: (o) => told.push(o) }).catch(
			(e: unknown) => e,
		);
		expect(told).toHaveLength(1);
		expect(told[0]).toMatchObject({ pid: stranger.pid, command: "install" });
		expect(error).toMatchObject({
			code: "locked",
			message: `another hpm is running in this project (pid ${stranger.pid}: hpm install, since 2020-01-01T00:00:00Z)`,
			hint: `wait for it to finish; if no hpm is running, delete ${file}`,
		});
	});

	it("Ctrl-C ends the wait at once", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		writeLock(file, { pid: stranger.pid ?? 0, host: hostname() });
		const abort = new AbortController();
		const waiting = lockAt(file, "sync", "here", { timeoutMs: 60_000, signal: abort.signal });
		setTimeout(() => abort.abort(), 50);
		await expect(waiting).rejects.toMatchObject({ code: "interrupted" });
	});

	it("release removes only this process's lock, once", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		const lock = await lockProject(dir, "sync", { timeoutMs: 1000 });
		// someone took it over meanwhile (a stale-lock takeover): theirs stays
		writeLock(file, { pid: stranger.pid ?? 0, host: hostname() });
		lock.release();
		expect(readFileSync(file, "utf8")).toContain(`"pid":${stranger.pid}`);
	});

	it("the registry lock is its own file and clears a dead writer's staged files", async () => {
		const dir = tempDir();
		mkdirSync(path.join(dir, "packages"));
		const dead = spawn("true");
		await new Promise((resolve) => dead.on("exit", resolve));
		const staged = path.join(dir, "packages", `.x.yaml.hpm-${dead.pid}-0123abcd.tmp`);
		writeFileSync(staged, "half");
		const seen = await underRegistryLock(dir, "registry add", {}, () =>
			readFileSync(path.join(dir, REGISTRY_LOCK_FILE), "utf8"),
		);
		expect(seen).toContain('"command":"registry add"');
		expect(existsSync(staged)).toBe(false);
		expect(() => readFileSync(path.join(dir, REGISTRY_LOCK_FILE))).toThrow();
	});
});

describe("HPM_LOCK_TIMEOUT_MS", () => {
	it("defaults to a minute, takes whole milliseconds, refuses anything else with the fix", () => {
		expect(lockTimeout({})).toBe(60_000);
		expect(lockTimeout({ HPM_LOCK_TIMEOUT_MS: "" })).toBe(60_000);
		expect(lockTimeout({ HPM_LOCK_TIMEOUT_MS: "250" })).toBe(250);
		expect(lockTimeout({ HPM_LOCK_TIMEOUT_MS: "0" })).toBe(0);
		for (const bad of ["-1", "1.5", "1e3", "abc", "99999999999999999999"])
			expect(() => lockTimeout({ HPM_LOCK_TIMEOUT_MS: bad }), bad).toThrow(
				expect.objectContaining({ code: "invalid-setting", message: expect.stringContaining(`got "${bad}"`) }),
			);
	});
});

describe("what is not a lock file is said, by kind", () => {
	const kinds: [string, (file: string) => void][] = [
		["a symbolic link", (file) => symlinkSync("/nowhere", file)],
		["a named pipe", (file) => execFileSync("mkfifo", [file])],
	];
	for (const [kind, make] of kinds)
		it(kind, async () => {
			const file = path.join(tempDir(), LOCK_FILE);
			make(file);
			await expect(lockAt(file, "test", "here", { timeoutMs: 1000 })).rejects.toMatchObject({
				code: "lock-odd",
				message: `${file} is not hpm's lock file (it is ${kind})`,
				hint: `remove it (rm -r "${file}") and run the command again`,
			});
		});

	it("a lock naming no command or start time says so with ?", async () => {
		const file = path.join(tempDir(), LOCK_FILE);
		writeFileSync(file, JSON.stringify({ pid: stranger.pid, host: hostname() }));
		const told: LockOwner[] = [];
		await lockAt(file, "sync", "here", { timeoutMs: 150, onWait: (o) => told.push(o) }).catch(() => undefined);
		expect(told[0]).toEqual({ pid: stranger.pid, host: hostname(), command: "?", started: "?" });
	});
});

describe("underProjectLock", () => {
	it("runs the body under the lock and releases it however the body ends", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		expect(await underProjectLock(dir, "sync", {}, () => existsSync(file))).toBe(true);
		expect(existsSync(file)).toBe(false);
		await expect(
			underProjectLock(dir, "sync", {}, () => {
				throw new Error("body failed");
			}),
		).rejects.toThrow("body failed");
		expect(existsSync(file)).toBe(false);
		const stream = underProjectLockStream(dir, "sync", {}, async function* () {
			yield existsSync(file);
			return "done";
		});
		expect(await stream.next()).toEqual({ done: false, value: true });
		expect(await stream.next()).toEqual({ done: true, value: "done" });
		expect(existsSync(file)).toBe(false);
	});

	it("finishes a killed hpm's change first and says so; an unusable journal keeps its backups", async () => {
		const dir = tempDir();
		writeFileSync(path.join(dir, "pyproject.toml"), "p0");
		const dead = spawn("true");
		await new Promise((resolve) => dead.on("exit", resolve));
		const backup = `.pyproject.toml.hpm-${dead.pid}-0123abcd.before`;
		writeFileSync(path.join(dir, backup), "p0");
		writeJournal(dir, {
			...newJournal("sync", {
				pyproject: { before: sha256(Buffer.from("p0")), backup, written: [] },
				lock: { before: null, backup: null, written: [] },
			}),
			owner: { pid: dead.pid ?? 0, start: "x:1" },
		});
		const said: string[] = [];
		expect(await underProjectLock(dir, "sync", { onRecovered: (m) => said.push(m) }, () => "ran")).toBe("ran");
		expect(said).toHaveLength(1);
		expect(said[0]).toContain("it had not changed pyproject.toml or uv.lock yet");
		expect(existsSync(path.join(dir, backup))).toBe(false);
		// a journal hpm cannot use: its backup holds what nothing else does, so it is kept, and the command stops
		writeFileSync(path.join(dir, backup), "p-before");
		writeFileSync(path.join(dir, ".hpm.journal.json"), "{}");
		const recovered: string[] = [];
		await expect(
			underProjectLock(dir, "sync", { onRecovered: (m) => recovered.push(m) }, () => "ran"),
		).rejects.toBeInstanceOf(HpmError);
		expect(recovered[0]).toMatch(/^set aside /);
		expect(readFileSync(path.join(dir, "pyproject.toml.hpm-before"), "utf8")).toBe("p-before");
		expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
	});
});
