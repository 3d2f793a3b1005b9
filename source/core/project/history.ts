import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { removeQuietly, writeFileAtomic } from "../fs-atomic.js";
import { readRegularFile } from "../os/read-file.js";
import { readSignedJson, signedJson } from "../os/signed-file.js";
import { keyProblem, userKey } from "../os/user-key.js";

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
};

export const HISTORY_FOLDER = path.join(".hpm", "history");
export const MAX_ENTRIES = 30;
export const MAX_BYTES = 64 * 2 ** 20;
const ENTRY = /^(\d{6})\.json$/;

export type History = {
	/** Newest first. */
	readonly entries: readonly HistoryEntry[];
	/** Files in the folder hpm did not write for this user, or cannot read: never used. */
	readonly ignored: readonly string[];
};

export function readHistory(root: string): History {
	const folder = path.join(root, HISTORY_FOLDER);
	const entries: HistoryEntry[] = [];
	const ignored: string[] = [];
	// never through a link: `.hpm -> ../other/.hpm` would offer another project's files
	try {
		ownFolder(path.join(root, ".hpm"));
		ownFolder(folder);
	} catch {
		return { entries, ignored: entryNames(folder).map((name) => path.join(HISTORY_FOLDER, name)) };
	}
	const real = realpathSync(root);
	for (const name of entryNames(folder)) {
		const entry = readEntry(path.join(folder, name));
		if (entry && entry.id === Number(ENTRY.exec(name)?.[1]) && entry.root === real) entries.push(entry);
		else ignored.push(path.join(HISTORY_FOLDER, name));
	}
	return { entries: entries.sort((a, b) => b.id - a.id), ignored };
}

/** Adds an entry (the next id) and drops the oldest beyond the bounds; returns the new id. */
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
		ownFolder(dir);
	}
	// the folder ignores itself, whatever the project's own .gitignore says
	const ignore = path.join(root, ".hpm", ".gitignore");
	try {
		writeFileSync(ignore, "# hpm's own files: the history of this checkout is yours alone\n*\n", { flag: "wx" });
	} catch {
		// there already
	}
	// the next number after hpm's own entries (a file of any name someone else put there counts for nothing)
	let id = (readHistory(root).entries[0]?.id ?? 0) + 1;
	// and never over a file of that name that is not hpm's
	while (existsSync(path.join(folder, `${String(id).padStart(6, "0")}.json`))) id += 1;
	if (id > 999_999) throw new Error(`${folder} is full (entry #${id}): remove it to start again`);
	const full: HistoryEntry = { id, time: new Date().toISOString(), root: realpathSync(root), ...entry };
	writeFileAtomic(path.join(folder, `${String(id).padStart(6, "0")}.json`), signedJson(key, full), { newMode: 0o600 });
	prune(folder);
	return id;
}

/**
 * `.hpm` and `.hpm/history` must be real folders of this user: a link (a cloned repository could
 * hold `.hpm/history -> ~/.ssh`) would have hpm write, and prune, somewhere else.
 */
function ownFolder(dir: string): void {
	const stats = lstatSync(dir);
	const uid = process.getuid?.();
	if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid))
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
		(data.lock !== null && typeof data.lock !== "string")
	)
		return undefined;
	return data as HistoryEntry;
}

/** Drops the oldest entries beyond MAX_ENTRIES or MAX_BYTES (the newest always stays). */
function prune(folder: string): void {
	// hpm writes its entries 0600 (git never checks a file out so): a file of the same name that
	// someone else made, or a repository brought, is not hpm's to remove
	const uid = process.getuid?.();
	const names = entryNames(folder)
		.reverse()
		.filter((name) => {
			try {
				const stats = lstatSync(path.join(folder, name));
				return stats.isFile() && (uid === undefined || stats.uid === uid) && (stats.mode & 0o077) === 0;
			} catch {
				return false;
			}
		});
	let bytes = 0;
	for (const [index, name] of names.entries()) {
		const file = path.join(folder, name);
		try {
			bytes += lstatSync(file).size;
		} catch {
			continue;
		}
		if (index > 0 && (index >= MAX_ENTRIES || bytes > MAX_BYTES)) removeQuietly(file);
	}
}

/**
 * Records an edit hpm makes to pyproject.toml alone (a choice, the mode): `before` is the file as
 * it was; uv.lock, which such an edit leaves alone, goes with it. A history that cannot be written
 * (no key, a full disk) never stops the edit.
 */
export function recordEdit(root: string, command: string, summary: string, before: Buffer): void {
	try {
		const lockFile = path.join(root, "uv.lock");
		let lock: string | null = null;
		try {
			lock = readRegularFile(lockFile, MAX_BYTES).toString("base64");
		} catch {
			// no uv.lock (or not a file hpm reads): none is recorded
		}
		recordHistory(root, { command, summary, pyproject: before.toString("base64"), lock });
	} catch {
		// the edit stands; `hpm rollback` cannot undo this one
	}
}
