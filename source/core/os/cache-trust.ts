import { existsSync, lstatSync, mkdirSync, renameSync, type Stats, statSync, unlinkSync } from "node:fs";
import path from "node:path";
import { homeFolder } from "./home.js";

/*
 * The one trust check for hpm's caches (registry clones and trees, the index cache, uv's version,
 * matrix results, compiled code, the signing key). A cache path is believed only when it and every
 * folder from the cache folder down to it belong to this user and nobody else can write them (a
 * file: nobody else can read it either, as hpm writes them 0600), none of them a link. Once that
 * holds, nobody but this user (and root) can change what is under it, so the answer stays true
 * while hpm reads. What fails it is never read: a file is removed, a folder moved aside
 * (`NAME.untrusted-PID-TIME`, for you to look at), and hpm makes its own in its place.
 */

/** HPM_NO_CACHE (any non-empty value): no cache is read or written, so every answer is fresh. */
export function cachesDisabled(): boolean {
	return Boolean(process.env.HPM_NO_CACHE);
}

/** The cache folder as configured: HPM_CACHE_DIR, else $XDG_CACHE_HOME/hpm, else ~/.cache/hpm. */
export function configuredCacheFolder(): string {
	// an empty or relative value is unset (as for XDG's own variables): a relative one would put a
	// cache in whatever folder hpm runs in (inside a project, where it could be committed)
	const own = process.env.HPM_CACHE_DIR;
	if (own && path.isAbsolute(own)) return own;
	const xdg = process.env.XDG_CACHE_HOME;
	return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(homeFolder(), ".cache"), "hpm");
}

/**
 * hpm's cache folder for this user: the configured one when it is this user's and nobody else can
 * write it (or it is not there yet: hpm makes it 0700); inside a shared one (another user's, or
 * writable by others, as `HPM_CACHE_DIR=/tmp/cache`), this user's own folder `user-<uid>`.
 */
export function cacheFolder(): string {
	const root = configuredCacheFolder();
	let stats: Stats;
	try {
		stats = statSync(root); // the configured folder may be a link (~/.cache on another disk)
	} catch {
		return root;
	}
	return stats.isDirectory() && ownFolder(stats) ? root : path.join(root, `user-${process.getuid?.() ?? "0"}`);
}

/**
 * Whether `target` (a file, or a folder with `kind` "folder") under the cache folder can be
 * believed: it and every folder above it up to the cache folder are this user's and not writable
 * by anyone else, none a link. False when it is missing or outside the cache folder.
 */
export function trustedCachePath(target: string, kind: "file" | "folder"): boolean {
	const root = cacheFolder();
	try {
		if (!ownFolder(statSync(root))) return false;
	} catch {
		return false;
	}
	const parts = relativeParts(root, target);
	if (parts === undefined) return false;
	let at = root;
	for (const [index, part] of parts.entries()) {
		at = path.join(at, part);
		let stats: Stats;
		try {
			stats = lstatSync(at);
		} catch {
			return false;
		}
		const last = index === parts.length - 1;
		if (!(last && kind === "file" ? ownFile(stats) : ownFolder(stats))) return false;
	}
	return parts.length > 0 || kind === "folder";
}

/**
 * Makes `folder` (under the cache folder) and the folders above it, each 0700, so that it can be
 * believed; whatever stands in the way and cannot be is moved aside or removed first. Throws an
 * Error with code "EUNTRUSTED" (its message names the folder and the fix) when the cache folder
 * itself is not this user's, or a filesystem error.
 */
export function makeCacheFolder(folder: string): void {
	const root = cacheFolder();
	const configured = configuredCacheFolder();
	// the configured folder and its missing parents made private; below it, only hpm's own
	if (root === configured) {
		// one level at a time: Node's recursive mkdir spins forever under /proc
		const missing: string[] = [];
		for (let dir = root; !existsSync(dir) && path.dirname(dir) !== dir; dir = path.dirname(dir)) missing.unshift(dir);
		for (const dir of missing) makeOne(dir);
	} else makeOne(root);
	const stats = statSync(root);
	if (!stats.isDirectory() || !ownFolder(stats)) throw untrusted(root, stats);
	const parts = relativeParts(root, folder);
	if (parts === undefined)
		throw Object.assign(new Error(`${folder} is not in hpm's cache folder ${root}`), { code: "EUNTRUSTED" });
	let at = root;
	for (const part of parts) {
		at = path.join(at, part);
		makeOne(at);
		const made = lstatSync(at);
		if (!ownFolder(made)) {
			setAside(at, made, "folder");
			makeOne(at);
			const again = lstatSync(at);
			if (!ownFolder(again)) throw untrusted(at, again);
		}
	}
}

/**
 * Makes ready the cache entry `target` (a file hpm writes, or a folder hpm makes whole and renames
 * into place): its folder as makeCacheFolder does, and whatever is in its place and could not be
 * believed set aside. True when a believable one is there already.
 */
export function prepareCacheEntry(target: string, kind: "file" | "folder"): boolean {
	makeCacheFolder(path.dirname(target));
	let stats: Stats;
	try {
		stats = lstatSync(target);
	} catch {
		return false; // nothing there
	}
	if (kind === "file" ? ownFile(stats) : ownFolder(stats)) return true;
	setAside(target, stats, kind);
	return false;
}

function makeOne(folder: string): void {
	try {
		mkdirSync(folder, { mode: 0o700 });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
	}
}

/**
 * Moves what cannot be believed out of a cache path's way, in a folder only this user can write
 * (checked before), never following it: a folder is renamed aside, a link (or, where a file goes,
 * hpm's own file name) removed; a file of the person's where a folder goes is left as it is.
 */
function setAside(entry: string, stats: Stats, kind: "file" | "folder"): void {
	if (stats.isDirectory()) renameSync(entry, `${entry}.untrusted-${process.pid}-${Date.now()}`);
	else if (kind === "file" || stats.isSymbolicLink()) unlinkSync(entry);
	else throw untrusted(entry, stats);
}

function untrusted(folder: string, stats: Stats): Error {
	const why = trustFault(stats, "folder")?.text ?? "is not a folder";
	return Object.assign(
		new Error(
			`${folder} ${why}, so hpm does not use it as its cache: remove it, or set HPM_CACHE_DIR to a folder of your own`,
		),
		{ code: "EUNTRUSTED" },
	);
}

/** The names from `root` down to `target`, or undefined when `target` is not inside `root`. */
function relativeParts(root: string, target: string): string[] | undefined {
	const relative = path.relative(root, path.resolve(target));
	if (relative === "") return [];
	if (relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
	return relative.split(path.sep);
}

/**
 * What a path hpm believes must be, as lstat (or fstat) sees it, always a real folder or regular
 * file of this user's (never a link): `folder` and `file` are hpm's cache (nobody else may write a
 * folder; nobody else may read or write a file, hpm writes them 0600), `project-file` a file hpm
 * keeps in a project folder (signed; nobody else may write it), `project-folder` a folder hpm
 * keeps there (`.hpm`: its mode is the project's).
 */
export type TrustKind = "folder" | "file" | "project-file" | "project-folder";

const TRUST: Record<TrustKind, { readonly folder: boolean; readonly othersMay: number }> = {
	folder: { folder: true, othersMay: 0o755 },
	file: { folder: false, othersMay: 0o700 },
	"project-file": { folder: false, othersMay: 0o755 },
	"project-folder": { folder: true, othersMay: 0o777 },
};

/** Why a path cannot be believed: its type, its owner, or its mode, with a phrase that says so. */
export type TrustFault = { readonly why: "type" | "owner" | "mode"; readonly text: string };

/**
 * The one owner and mode test of what hpm believes: undefined when `stats` (not following a link)
 * are those of a `kind` of this user's that nobody else can change (or read, for a cache file),
 * else why not: `is not a folder`, `belongs to another user (uid N)`, `can be written by others
 * (mode 775)`.
 */
export function trustFault(stats: Stats, kind: TrustKind): TrustFault | undefined {
	const { folder, othersMay } = TRUST[kind];
	if (folder ? !stats.isDirectory() : !stats.isFile())
		return { why: "type", text: folder ? "is not a folder" : "is not a regular file" };
	const uid = process.getuid?.();
	if (uid !== undefined && stats.uid !== uid)
		return { why: "owner", text: `belongs to another user (uid ${stats.uid})` };
	if ((stats.mode & 0o777 & ~othersMay) !== 0)
		return {
			why: "mode",
			text: `can be ${(othersMay & 0o044) === 0 ? "read or written" : "written"} by others (mode ${(stats.mode & 0o777).toString(8)})`,
		};
	return undefined;
}

/** A folder of this user's that nobody else can write (not a link: lstat's answer is passed). */
const ownFolder = (stats: Stats): boolean => trustFault(stats, "folder") === undefined;

/** A regular file of this user's that nobody else can read or write (hpm writes its cache files 0600). */
const ownFile = (stats: Stats): boolean => trustFault(stats, "file") === undefined;
