import { existsSync, readFileSync, unlinkSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../fs-atomic.js";

import { JOURNAL_FILE } from "./journal-file.js";

/** What hpm writes before its first change to the project, so a killed run can be undone. */
type Journal = {
	readonly pid: number;
	readonly command: string;
	readonly started: string;
	/** base64 of pyproject.toml before the change. */
	readonly pyproject: string;
	/** base64 of uv.lock before the change, or null when there was none. */
	readonly lock: string | null;
	/** Process groups of the uv commands started so far (uv runs in its own group). */
	readonly children?: number[];
};

export function journalPath(root: string): string {
	return path.join(root, JOURNAL_FILE);
}

/** Records the files' bytes before a change; written atomically before anything else is touched. */
export function beginJournal(root: string, command: string, pyproject: Buffer, lock: Buffer | undefined): void {
	const journal: Journal = {
		pid: process.pid,
		command,
		started: new Date().toISOString(),
		pyproject: pyproject.toString("base64"),
		lock: lock ? lock.toString("base64") : null,
	};
	writeFileAtomic(journalPath(root), `${JSON.stringify(journal)}\n`);
}

/** Notes a started uv process group, so a recovery can stop it if hpm itself was killed. */
export function noteChild(root: string, pid: number): void {
	const file = journalPath(root);
	const journal = JSON.parse(readFileSync(file, "utf8")) as Journal;
	writeFileAtomic(file, `${JSON.stringify({ ...journal, children: [...(journal.children ?? []), pid] })}\n`);
}

/** The change is complete (or fully undone): forget the old bytes. */
export function endJournal(root: string): void {
	try {
		unlinkSync(journalPath(root));
	} catch {
		// nothing to forget
	}
}

/**
 * Finishes what a killed hpm left behind: puts pyproject.toml and uv.lock back to the bytes the
 * journal holds, then removes it. Call it only while holding the project lock. Returns a
 * sentence for the user, or undefined when there was nothing to recover.
 */
export function recoverJournal(root: string): string | undefined {
	const file = journalPath(root);
	if (!existsSync(file)) return undefined;
	let journal: Journal;
	try {
		journal = JSON.parse(readFileSync(file, "utf8")) as Journal;
	} catch {
		// A journal is written atomically, so an unreadable one was never complete: nothing was changed yet.
		unlinkSync(file);
		return undefined;
	}
	// uv outlives a SIGKILLed hpm (it has its own process group): stop it before it writes again.
	for (const pid of journal.children ?? []) {
		if (!isUvProcess(pid)) continue; // gone, or the number now belongs to someone else
		try {
			process.kill(-pid, "SIGKILL");
		} catch {
			// already gone
		}
	}
	const lockFile = path.join(root, "uv.lock");
	writeFileAtomic(path.join(root, "pyproject.toml"), Buffer.from(journal.pyproject, "base64"));
	if (journal.lock === null) {
		if (existsSync(lockFile)) unlinkSync(lockFile);
	} else {
		writeFileAtomic(lockFile, Buffer.from(journal.lock, "base64"));
	}
	unlinkSync(file);
	return `an earlier \`hpm ${journal.command}\` (pid ${journal.pid}, started ${journal.started}) was killed before it finished; pyproject.toml and uv.lock were restored to their state before it (run it again to apply it)`;
}

/** Whether `pid` is alive and is a uv process (by its command line, where /proc exists). */
function isUvProcess(pid: number): boolean {
	try {
		const argv0 = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? "";
		return path.basename(argv0) === "uv";
	} catch {
		return false;
	}
}
