import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from "node:fs";
import path from "node:path";
import type { Hash } from "node:crypto";
import { captureOnce } from "../os/child.js";
import { gitDeadlines } from "../os/git-env.js";
import { nodeCrypto } from "../os/sha256.js";

/**
 * The working tree as `hpm test` sees it, for reusing results: in a git repository HEAD's commit,
 * `git status` and the bytes of every file it names (tracked files that differ from HEAD, untracked
 * files git does not ignore); elsewhere every file under the project root but `.venv`, `.git`,
 * `__pycache__`, `node_modules` and hpm's `.hpm`. A tree beyond MAX_FILES files or MAX_BYTES bytes
 * is not fingerprinted (its results are never reused), nor one git cannot describe.
 */
export type Tree = { readonly fingerprint: string } | { readonly refused: string };

export const MAX_FILES = 20_000;
export const MAX_BYTES = 1024 * 1024 * 1024;

const SKIPPED = new Set([".venv", ".git", "__pycache__", "node_modules", ".hpm"]);

export async function treeFingerprint(root: string, signal?: AbortSignal): Promise<Tree> {
	const env: NodeJS.ProcessEnv = { ...process.env, ...(await gitDeadlines()), GIT_OPTIONAL_LOCKS: "0" };
	const git = (args: readonly string[]) => captureOnce("git", ["-C", root, ...args], { env, timeout: 60_000, signal });
	const top = await git(["rev-parse", "--show-toplevel"]);
	if (top.code !== 0) return walkTree(root);
	const topLevel = top.stdout.trim();
	const head = await git(["rev-parse", "--verify", "--quiet", "HEAD"]);
	const status = await git(["status", "--porcelain=v1", "-z", "--untracked-files=all"]);
	if (status.code !== 0) return { refused: `git status failed: ${status.stderr.trim().split("\n")[0] ?? ""}` };
	const hash = nodeCrypto().createHash("sha256");
	hash.update(`git\0${head.code === 0 ? head.stdout.trim() : "(no commit)"}\0${status.stdout}\0`);
	// entries `XY path`; a rename or copy (R or C) is followed by its source path: every path named is hashed
	const files = new Set<string>();
	const entries = status.stdout.split("\0");
	for (let at = 0; at < entries.length; at++) {
		const entry = entries[at] ?? "";
		if (entry.length < 4) continue;
		files.add(entry.slice(3));
		if (/[RC]/.test(entry.slice(0, 2)) && entries[at + 1]) files.add(entries[++at] ?? "");
	}
	if (files.size > MAX_FILES) return tooMany(files.size);
	const budget = { bytes: MAX_BYTES };
	for (const file of [...files].sort())
		if (!hashEntry(hash, path.join(topLevel, file), file, budget)) return tooLarge();
	return { fingerprint: hash.digest("hex") };
}

function walkTree(root: string): Tree {
	const files: string[] = [];
	const walk = (folder: string, relative: string): boolean => {
		let names: string[];
		try {
			names = readdirSync(folder).sort();
		} catch {
			return true; // an unreadable folder: its name is all that counts
		}
		for (const name of names) {
			if (SKIPPED.has(name)) continue;
			const full = path.join(folder, name);
			const rel = relative ? `${relative}/${name}` : name;
			let isFolder = false;
			try {
				isFolder = lstatSync(full).isDirectory();
			} catch {
				// gone meanwhile
			}
			if (isFolder) {
				if (!walk(full, rel)) return false;
			} else files.push(rel);
			if (files.length > MAX_FILES) return false;
		}
		return true;
	};
	if (!walk(root, "")) return tooMany(MAX_FILES + 1);
	const hash = nodeCrypto().createHash("sha256");
	hash.update("files\0");
	const budget = { bytes: MAX_BYTES };
	for (const file of files) if (!hashEntry(hash, path.join(root, file), file, budget)) return tooLarge();
	return { fingerprint: hash.digest("hex") };
}

/** The name and what is there (a file's bytes, a link's target, else its kind); false past the byte budget. */
function hashEntry(hash: Hash, full: string, name: string, budget: { bytes: number }): boolean {
	hash.update(`${name.length}\0${name}\0`);
	let fd: number | undefined;
	try {
		const stats = lstatSync(full);
		if (stats.isSymbolicLink()) {
			hash.update(`link\0${readlinkSync(full)}\0`);
			return true;
		}
		if (!stats.isFile()) {
			hash.update(stats.isDirectory() ? "folder\0" : "other\0");
			return true;
		}
		fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW);
		const size = fstatSync(fd).size;
		budget.bytes -= size;
		if (budget.bytes < 0) return false;
		hash.update(`file\0${size}\0`);
		const chunk = Buffer.alloc(Math.min(size, 1 << 20) || 1);
		for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) hash.update(chunk.subarray(0, read));
		return true;
	} catch (error) {
		hash.update(`missing\0${(error as NodeJS.ErrnoException).code ?? ""}\0`);
		return true;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

const tooMany = (count: number): Tree => ({
	refused: `the working tree has more than ${MAX_FILES} files to fingerprint (${count > MAX_FILES ? "at least " : ""}${count})`,
});
const tooLarge = (): Tree => ({
	refused: `the working tree's files to fingerprint are more than ${MAX_BYTES / 2 ** 30} GB`,
});
