import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { getEventListeners } from "node:events";
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	symlinkSync,
	unlinkSync,
	utimesSync,
	writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { hostname } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { identify } from "../../source/core/os/process.js";
import {
	LOCK_FILE,
	lockProject,
	REGISTRY_LOCK_FILE,
	underProjectLock,
	underProjectLockIfAny,
	underProjectLockStream,
	underRegistryLock,
} from "../../source/core/project/lock.js";
import { lockAt, lockTimeout, releaseHeldLocks } from "../../source/core/project/lock-file.js";
import type { LockOwner } from "../../source/core/project/lock-holder.js";
import { HpmError } from "../../source/core/base/errors.js";
import { sha256 } from "../../source/core/os/sha256.js";
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
		expect(told[0]).toStrictEqual({ pid: stranger.pid, host: hostname(), command: "?", started: "?" });
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

/** The pid of a process that has exited (no process has it now). */
async function deadPid(): Promise<number> {
	const dead = spawn("true");
	await new Promise((resolve) => dead.on("exit", resolve));
	return dead.pid ?? 0;
}

/** Sets the lock file's time `seconds` into the past. */
function age(file: string, seconds: number): void {
	const then = (Date.now() - seconds * 1000) / 1000;
	utimesSync(file, then, then);
}

describe("a lock file that names no holder", () => {
	const bodies = [
		{ host: hostname() },
		{ pid: "1", host: hostname() },
		{ pid: 1.5, host: hostname() },
		{ pid: 0, host: hostname() },
		{ pid: 1 },
	];
	it("once it is old, is taken over like an empty one (not read as the holder it half names)", async () => {
		const file = path.join(tempDir(), LOCK_FILE);
		for (const body of bodies) {
			writeFileSync(file, JSON.stringify(body));
			age(file, 10);
			expect(await take(file), JSON.stringify(body)).toBe("taken");
		}
	});

	it("while it is fresh, is waited for without naming a holder, and the deadline says the owner is unknown", async () => {
		const file = path.join(tempDir(), LOCK_FILE);
		writeFileSync(file, "");
		const told: LockOwner[] = [];
		await expect(lockAt(file, "sync", "here", { timeoutMs: 150, onWait: (o) => told.push(o) })).rejects.toMatchObject({
			code: "locked",
			message: "another hpm is running here (its owner is unknown)",
		});
		expect(told).toEqual([]);
	});

	it("a start time that is no string is no start time: a live pid keeps its lock", async () => {
		const file = path.join(tempDir(), LOCK_FILE);
		writeFileSync(file, JSON.stringify({ pid: stranger.pid, host: hostname(), start: 12345 }));
		expect(await take(file)).toBe("locked");
	});
});

describe("taking the lock", () => {
	it("HPM_LOCK_TIMEOUT_MS may have spaces around it; a bad one names the fix", () => {
		expect(lockTimeout({ HPM_LOCK_TIMEOUT_MS: " 250 " })).toBe(250);
		expect(() => lockTimeout({ HPM_LOCK_TIMEOUT_MS: "soon" })).toThrow(
			expect.objectContaining({
				message: 'HPM_LOCK_TIMEOUT_MS must be a whole number of milliseconds, got "soon"',
				hint: "unset it (the default is 60000) or set it to a number such as 30000",
			}),
		);
	});

	it("a deadline of 0 gives up at the first look, without telling of a wait", async () => {
		const file = path.join(tempDir(), LOCK_FILE);
		writeLock(file, { pid: stranger.pid ?? 0, host: hostname() });
		const told: LockOwner[] = [];
		await expect(lockAt(file, "sync", "here", { timeoutMs: 0, onWait: (o) => told.push(o) })).rejects.toMatchObject({
			code: "locked",
		});
		expect(told).toEqual([]);
	});

	it("Ctrl-C before the first look names the lock and exits 1", async () => {
		const file = path.join(tempDir(), LOCK_FILE);
		const abort = new AbortController();
		abort.abort();
		await expect(lockAt(file, "sync", "here", { timeoutMs: 1000, signal: abort.signal })).rejects.toMatchObject({
			code: "interrupted",
			message: `interrupted while waiting for the lock ${file}`,
			exitCode: 1,
		});
		expect(existsSync(file)).toBe(false);
	});

	it("Ctrl-C wakes the wait itself (no timer has to run out first)", async () => {
		const file = path.join(tempDir(), LOCK_FILE);
		writeLock(file, { pid: stranger.pid ?? 0, host: hostname() });
		const abort = new AbortController();
		let waiting!: () => void;
		const asleep = new Promise<void>((resolve) => {
			waiting = resolve;
		});
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		try {
			let outcome = "waiting";
			const taking = lockAt(file, "sync", "here", { timeoutMs: 60_000, signal: abort.signal, onWait: () => waiting() });
			const settled = taking.then(
				() => "taken",
				(error: { code?: string }) => (outcome = error.code ?? "?"),
			);
			await asleep; // told of the wait: it sleeps now, and no timer will ever wake it
			abort.abort();
			await new Promise((resolve) => setImmediate(resolve));
			expect(outcome).toBe("interrupted");
			await settled;
		} finally {
			vi.useRealTimers();
		}
	});

	it("a wait that ends leaves no listener on the caller's signal", async () => {
		const file = path.join(tempDir(), LOCK_FILE);
		writeLock(file, { pid: stranger.pid ?? 0, host: hostname() });
		const abort = new AbortController();
		await expect(lockAt(file, "sync", "here", { timeoutMs: 250, signal: abort.signal })).rejects.toMatchObject({
			code: "locked",
		});
		expect(getEventListeners(abort.signal, "abort")).toHaveLength(0);
	});

	it("a folder that cannot hold the lock says what it could not create", async () => {
		const dir = tempDir();
		const file = path.join(dir, "nope", LOCK_FILE);
		await expect(lockAt(file, "test", "here", { timeoutMs: 100 })).rejects.toMatchObject({
			message: expect.stringMatching(new RegExp(`^cannot create ${file}: ENOENT`)),
		});
	});

	it("holding the lock keeps no descriptor of its file open", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		const lock = await lockProject(dir, "sync", { timeoutMs: 1000 });
		const open = readdirSync("/proc/self/fd").filter((fd) => {
			try {
				return readlinkSync(`/proc/self/fd/${fd}`) === file;
			} catch {
				return false;
			}
		});
		lock.release();
		expect(open).toEqual([]);
	});

	it("a socket or a device where the lock goes is said by kind", async () => {
		const file = path.join(tempDir(), LOCK_FILE);
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(file, resolve));
		try {
			await expect(lockAt(file, "test", "here", { timeoutMs: 1000 })).rejects.toMatchObject({
				code: "lock-odd",
				message: `${file} is not hpm's lock file (it is a socket)`,
			});
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
		await expect(lockAt("/dev/null", "test", "here", { timeoutMs: 1000 })).rejects.toMatchObject({
			code: "lock-odd",
			message: "/dev/null is not hpm's lock file (it is a device)",
		});
	});
});

describe("releasing the lock", () => {
	it("a second release of an old lock leaves this process's newer lock in place", async () => {
		const dir = tempDir();
		const file = path.join(dir, LOCK_FILE);
		const first = await lockProject(dir, "sync", { timeoutMs: 1000 });
		first.release();
		const second = await lockProject(dir, "sync", { timeoutMs: 1000 });
		first.release();
		expect(existsSync(file)).toBe(true);
		second.release();
		expect(existsSync(file)).toBe(false);
	});

	it("a lock file removed by someone meanwhile is released quietly", async () => {
		const dir = tempDir();
		const lock = await lockProject(dir, "sync", { timeoutMs: 1000 });
		unlinkSync(path.join(dir, LOCK_FILE));
		expect(() => lock.release()).not.toThrow();
	});

	it("this process's exit releases every lock it holds", async () => {
		expect(process.listeners("exit")).toContain(releaseHeldLocks);
		const [a, b] = [tempDir(), tempDir()];
		const locks = [
			await lockProject(a, "sync", { timeoutMs: 1000 }),
			await lockProject(b, "sync", { timeoutMs: 1000 }),
		];
		releaseHeldLocks();
		expect([existsSync(path.join(a, LOCK_FILE)), existsSync(path.join(b, LOCK_FILE))]).toEqual([false, false]);
		// released once: a later lock at the same place is not theirs to remove
		const again = await lockProject(a, "sync", { timeoutMs: 1000 });
		for (const lock of locks) lock.release();
		expect(existsSync(path.join(a, LOCK_FILE))).toBe(true);
		again.release();
	});
});

describe("the project and registry locks", () => {
	it("the project lock's deadline says it is this project's, and the hooks reach the wait", async () => {
		const dir = tempDir();
		writeLock(path.join(dir, LOCK_FILE), { pid: stranger.pid ?? 0, host: hostname() });
		await expect(lockProject(dir, "sync", { timeoutMs: 0 })).rejects.toMatchObject({
			message: expect.stringMatching(/^another hpm is running in this project \(/),
		});
		vi.stubEnv("HPM_LOCK_TIMEOUT_MS", "150");
		try {
			const told: LockOwner[] = [];
			await expect(underProjectLock(dir, "sync", { onWait: (o) => told.push(o) }, () => "ran")).rejects.toMatchObject({
				code: "locked",
			});
			expect(told).toHaveLength(1);
			const abort = new AbortController();
			abort.abort();
			await expect(underProjectLock(dir, "sync", { signal: abort.signal }, () => "ran")).rejects.toMatchObject({
				code: "interrupted",
			});
			// the registry's lock: its own file, its own words, the same hooks
			writeLock(path.join(dir, REGISTRY_LOCK_FILE), { pid: stranger.pid ?? 0, host: hostname() });
			const registryTold: LockOwner[] = [];
			await expect(
				underRegistryLock(dir, "registry add", { onWait: (o) => registryTold.push(o) }, () => "ran"),
			).rejects.toMatchObject({ message: expect.stringMatching(/^another hpm is running on this registry \(/) });
			expect(registryTold).toHaveLength(1);
			await expect(underRegistryLock(dir, "registry add", { signal: abort.signal }, () => "ran")).rejects.toMatchObject(
				{ code: "interrupted" },
			);
		} finally {
			vi.unstubAllEnvs();
		}
	});

	it("the registry lock clears a dead writer's staged group files too", async () => {
		const dir = tempDir();
		mkdirSync(path.join(dir, "groups"));
		const staged = path.join(dir, "groups", `.g.yaml.hpm-${await deadPid()}-0123abcd.tmp`);
		writeFileSync(staged, "half");
		expect(await underRegistryLock(dir, "registry add", {}, () => existsSync(staged))).toBe(false);
	});

	it("without a project, the body runs unlocked; with one, under its lock", async () => {
		expect(await underProjectLockIfAny(undefined, "registry add", {}, () => "ran")).toBe("ran");
		const dir = tempDir();
		expect(await underProjectLockIfAny(dir, "registry add", {}, () => existsSync(path.join(dir, LOCK_FILE)))).toBe(
			true,
		);
	});
});

describe("what a killed hpm left, before the body runs", () => {
	/** A journal of a dead hpm's sync that had changed nothing yet, with its backup. */
	async function unfinished(dir: string, owner?: { pid: number; start: string }): Promise<void> {
		writeFileSync(path.join(dir, "pyproject.toml"), "p0");
		const pid = await deadPid();
		const backup = `.pyproject.toml.hpm-${pid}-0123abcd.before`;
		writeFileSync(path.join(dir, backup), "p0");
		writeJournal(dir, {
			...newJournal("sync", {
				pyproject: { before: sha256(Buffer.from("p0")), backup, written: [] },
				lock: { before: null, backup: null, written: [] },
			}),
			owner: owner ?? { pid, start: "x:1" },
		});
	}

	it("without a journal, a dead hpm's staged copy is removed: it changed nothing", async () => {
		const dir = tempDir();
		writeFileSync(path.join(dir, "pyproject.toml"), "p1");
		const backup = path.join(dir, `.pyproject.toml.hpm-${await deadPid()}-0123abcd.before`);
		writeFileSync(backup, "p0");
		expect(await underProjectLock(dir, "sync", {}, () => "ran")).toBe("ran");
		expect(existsSync(backup)).toBe(false);
		expect(readdirSync(dir).sort()).toEqual(["pyproject.toml"]);
	});

	it("a journal that was used accounts for the dead hpm: another dead hpm's copy is removed, and no hook is needed", async () => {
		const dir = tempDir();
		await unfinished(dir);
		const stray = path.join(dir, `.pyproject.toml.hpm-${await deadPid()}-4567abcd.before`);
		writeFileSync(stray, "something else");
		expect(await underProjectLock(dir, "sync", {}, () => "ran")).toBe("ran");
		expect(readdirSync(dir).sort()).toEqual(["pyproject.toml"]);
	});

	it("the journal of a change still running is left alone and nothing is said", async () => {
		const dir = tempDir();
		const pid = stranger.pid ?? 0;
		await unfinished(dir, { pid, start: identify(pid)?.start ?? "" });
		const said: string[] = [];
		expect(await underProjectLock(dir, "sync", { onRecovered: (m) => said.push(m) }, () => "ran")).toBe("ran");
		expect(said).toEqual([]);
		expect(existsSync(path.join(dir, ".hpm.journal.json"))).toBe(true);
	});
});
