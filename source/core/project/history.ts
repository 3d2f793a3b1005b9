import {
	existsSync,
	lstatSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	realpathSync,
	rmdirSync,
	writeFileSync,
} from "node:fs";
import path from "node:path";
import { HpmError, isCode } from "../base/errors.js";
import { removeQuietly, writeFileAtomic } from "../os/fs-atomic.js";
import { injectedFailure } from "../os/test-hooks.js";
import { readRegularFile } from "../os/read-file.js";
import { readSignedJson, signedJson } from "../os/signed-file.js";
import { cacheFolder, trustFault } from "../os/cache-trust.js";
import { keyProblem, userKey } from "../os/user-key.js";
import { MACHINE_FILE } from "./machine-choice.js";

/**
 * The project's history: before each change hpm makes to pyproject.toml and uv.lock (a sync, an
 * install, a rollback), the pair as it was, with a line saying what the change was. Kept in
 * `.hpm/history/` (which ignores itself in git: each person's history is their own), at most
 * MAX_ENTRIES entries and MAX_BYTES in all, the oldest dropped first. Each entry is signed with
 * the user's key: an entry hpm did not write for this user (copied, edited, committed by someone)
 * is listed as such and never restored.
 */
export type HistoryEntry = {
	readonly id: number;
	/** When the change was made (ISO 8601). */
	readonly time: string;
	readonly command: string;
	/** One line: what the change did (selection, mode). */
	readonly summary: string;
	/** pyproject.toml before the change, byte for byte (base64). */
	readonly pyproject: string;
	/** uv.lock before the change (base64); null when there was none. */
	readonly lock: string | null;
	/** The project's folder (its real path): an entry copied to another checkout is not that one's. */
	readonly root: string;
	/**
	 * `.hpm/machine.toml` before the change (base64; null when there was none): this machine's
	 * choices of per-machine groups, which a rollback brings back too. Absent in older entries.
	 */
	readonly machine?: string | null;
};

export const HISTORY_FOLDER = path.join(".hpm", "history");
export const MAX_ENTRIES = 30;
export const MAX_BYTES = 64 * 2 ** 20;
const ENTRY = /^(\d{6})\.json$/;
const IGNORE = "# hpm's own files: the history of this checkout is yours alone\n*\n";

export type History = {
	/** Newest first. */
	readonly entries: readonly HistoryEntry[];
	/** Files in the folder hpm did not write for this user, or cannot read: never used. */
	readonly ignored: readonly string[];
	/** Why the history cannot be read at all (`.hpm/history` is a file, a link, another user's). */
	readonly unreadable?: string | undefined;
	/** Of the ignored files, those whose signature (or form) does not verify with this user's key. */
	readonly unverified?: number | undefined;
};

/** The history, or an error (exit 2) naming why it cannot be read at all. */
export function readableHistory(root: string): History {
	const history = readHistory(root);
	if (history.unreadable)
		throw new HpmError("history-unreadable", `cannot read the history: ${history.unreadable}`, {
			hint: "hpm keeps it in .hpm/history, a folder of yours: move what is there aside, and the next change starts a new history",
			location: { file: path.join(root, HISTORY_FOLDER) },
		});
	// entries, and none this user's key verifies: the key is what changed, not the entries
	if (history.entries.length === 0 && history.ignored.length > 0 && history.unverified === history.ignored.length) {
		const key = path.join(cacheFolder(), "hpm.key");
		const usable = userKey(false) !== undefined;
		throw new HpmError(
			"history-unverified",
			`none of the ${history.ignored.length} files of .hpm/history verifies with ${usable ? `your signing key (${key})` : existsSync(key) ? `a signing key (${key}: ${keyProblem()})` : `a signing key (${key} does not exist)`}: they were signed with another key, so hpm does not use them`,
			{
				hint: "hpm signs its history with a key in its cache folder: if the cache was cleared or HPM_CACHE_DIR changed, point it back at the folder that holds the key; otherwise the next change starts a new history (the old entries stay in .hpm/history)",
				location: { file: path.join(root, HISTORY_FOLDER) },
			},
		);
	}
	return history;
}

export function readHistory(root: string): History {
	const folder = path.join(root, HISTORY_FOLDER);
	const entries: HistoryEntry[] = [];
	const ignored: string[] = [];
	// never through a link: `.hpm -> ../other/.hpm` would offer another project's files
	try {
		requireOwnFolder(path.join(root, ".hpm"));
		requireOwnFolder(folder);
	} catch (error) {
		// no history yet is no history; anything else in its place is said, never taken for none
		const missing = isCode(error, "ENOENT");
		return {
			entries,
			ignored: entryNames(folder).map((name) => path.join(HISTORY_FOLDER, name)),
			...(missing ? {} : { unreadable: (error as Error).message }),
		};
	}
	const real = realpathSync(root);
	let unverified = 0;
	for (const name of entryNames(folder)) {
		const entry = readEntry(path.join(folder, name));
		if (entry && entry.id === Number(ENTRY.exec(name)?.[1]) && entry.root === real) entries.push(entry);
		else {
			if (!entry) unverified++;
			ignored.push(path.join(HISTORY_FOLDER, name));
		}
	}
	return { entries: entries.sort((a, b) => b.id - a.id), ignored, unverified };
}

/**
 * Adds an entry (the next id) and returns its id; nothing is dropped (`pruneHistory` does that once
 * the change it describes is made). Throws when the entry cannot be written: no usable key, a full
 * disk, `.hpm/history` not a folder of this user's.
 */
export function recordHistory(root: string, entry: Omit<HistoryEntry, "id" | "time" | "root">): number {
	const folder = path.join(root, HISTORY_FOLDER);
	const key = userKey(true);
	if (!key) throw new Error(`hpm cannot sign it: ${keyProblem()}`);
	for (const dir of [path.join(root, ".hpm"), folder]) {
		try {
			mkdirSync(dir, { mode: 0o700 });
		} catch {
			// there already: what it is is checked next
		}
		requireOwnFolder(dir);
	}
	// the folder ignores itself, whatever the project's own .gitignore says
	const ignore = path.join(root, ".hpm", ".gitignore");
	try {
		writeFileSync(ignore, IGNORE, { flag: "wx" });
	} catch {
		// there already
	}
	// the next number after hpm's own entries (a file of any name someone else put there counts for nothing)
	let id = (readHistory(root).entries[0]?.id ?? 0) + 1;
	// and never over a file of that name that is not hpm's
	while (existsSync(entryPath(root, id))) id += 1;
	if (id > 999_999) throw new Error(`${folder} is full (entry #${id}): remove it to start again`);
	const injected = injectedFailure("history-write");
	if (injected) throw injected;
	// this machine's local choices as they are before the change, unless the entry says them
	const machine = entry.machine !== undefined ? entry.machine : machineFileBase64(root);
	const full: HistoryEntry = { id, time: new Date().toISOString(), root: realpathSync(root), ...entry, machine };
	writeFileAtomic(entryPath(root, id), signedJson(key, full), { newMode: 0o600 });
	return id;
}

/**
 * Writes the history entry of a change before the change is made; when it cannot be written the
 * command stops here, having changed nothing (an HpmError that says why and what to do).
 */
export function recordFirst(root: string, command: string, entry: Omit<HistoryEntry, "id" | "time" | "root">): number {
	try {
		return recordHistory(root, entry);
	} catch (error) {
		throw new HpmError(
			"history-unwritable",
			`hpm ${command} changed nothing: its history entry could not be written in ${path.join(root, HISTORY_FOLDER)} (${(error as Error).message}), and without it \`hpm rollback\` could not undo the change`,
			{
				exitCode: 1,
				hint: "free some disk space, or make .hpm/history a folder of yours that hpm can write (remove whatever is in its place), then run the command again",
			},
		);
	}
}

function machineFileBase64(root: string): string | null {
	try {
		return readRegularFile(path.join(root, MACHINE_FILE), MAX_BYTES).toString("base64");
	} catch {
		return null;
	}
}

/** The history entry of an edit to pyproject.toml alone (a choice, the mode): `before` is the file as it was, uv.lock goes with it. */
export function recordEditFirst(root: string, command: string, summary: string, before: Buffer): number {
	let lock: string | null = null;
	try {
		lock = readRegularFile(path.join(root, "uv.lock"), MAX_BYTES).toString("base64");
	} catch {
		// no uv.lock (or not a file hpm reads): none is recorded
	}
	return recordFirst(root, command, { command, summary, pyproject: before.toString("base64"), lock });
}

/** Removes the entry just written for a change that did not happen after all (it changed nothing, or was undone). */
export function forgetHistory(root: string, id: number): void {
	removeQuietly(entryPath(root, id));
	// a history that only this entry had started leaves nothing behind either
	const hpm = path.join(root, ".hpm");
	try {
		rmdirSync(path.join(hpm, "history"));
		if (readdirSync(hpm).join() !== ".gitignore" || readFileSync(path.join(hpm, ".gitignore"), "utf8") !== IGNORE)
			return;
		removeQuietly(path.join(hpm, ".gitignore"));
		rmdirSync(hpm);
	} catch {
		// other entries, or other files of hpm's: they stay
	}
}

/** Gives the entry just written its final line (a sync learns what it did as it goes); kept as it was if that fails. */
export function retitleHistory(root: string, id: number, summary: string): void {
	try {
		const entry = readHistory(root).entries.find((each) => each.id === id);
		const key = userKey(false);
		if (!entry || !key || entry.summary === summary) return;
		writeFileAtomic(entryPath(root, id), signedJson(key, { ...entry, summary }), { newMode: 0o600 });
	} catch {
		// the entry keeps its first line; its bytes are what matter
	}
}

function entryPath(root: string, id: number): string {
	return path.join(root, HISTORY_FOLDER, `${String(id).padStart(6, "0")}.json`);
}

/**
 * `.hpm` and `.hpm/history` must be real folders of this user: a link (a cloned repository could
 * hold `.hpm/history -> ~/.ssh`) would have hpm write, and prune, somewhere else.
 */
function requireOwnFolder(dir: string): void {
	const stats = lstatSync(dir);
	if (trustFault(stats, "project-folder") !== undefined)
		throw new Error(`${dir} is ${stats.isSymbolicLink() ? "a link" : "not a folder of yours"}`);
}

function entryNames(folder: string): string[] {
	try {
		return readdirSync(folder)
			.filter((name) => ENTRY.test(name))
			.sort();
	} catch {
		return [];
	}
}

function readEntry(file: string): HistoryEntry | undefined {
	const data = readSignedJson(file, MAX_BYTES) as Partial<HistoryEntry> | undefined;
	if (
		typeof data?.id !== "number" ||
		typeof data.time !== "string" ||
		typeof data.command !== "string" ||
		typeof data.summary !== "string" ||
		typeof data.pyproject !== "string" ||
		typeof data.root !== "string" ||
		(data.lock !== null && typeof data.lock !== "string") ||
		(data.machine !== undefined && data.machine !== null && typeof data.machine !== "string")
	)
		return undefined;
	return data as HistoryEntry;
}

/**
 * Drops the oldest entries beyond MAX_ENTRIES or MAX_BYTES, counting only entries that verify
 * (hpm's signature, this project): a file someone else put there (a junk `000099.json`, thirty
 * tiny ones) counts for nothing and is never removed, and neither is the entry `keep` (the one
 * just written).
 */
export function pruneHistory(root: string, keep: number): void {
	try {
		let bytes = 0;
		for (const [index, entry] of readHistory(root).entries.entries()) {
			const file = entryPath(root, entry.id);
			bytes += lstatSync(file).size;
			if (entry.id !== keep && (index >= MAX_ENTRIES || bytes > MAX_BYTES)) removeQuietly(file);
		}
	} catch {
		// a history that cannot be pruned is only larger than it should be
	}
}
