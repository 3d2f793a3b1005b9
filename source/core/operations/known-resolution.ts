import { rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { parse } from "smol-toml";
import { HPM_VERSION } from "../base/version.js";
import { cacheFolder, cachesDisabled, trustedCachePath } from "../os/cache-trust.js";
import { readCheckedJson, writeCheckedJson } from "../os/checked-file.js";
import { readRegularFile } from "../os/read-file.js";
import { nodeCrypto } from "../os/sha256.js";
import { absoluteUvPaths } from "./would-be-project.js";

/*
 * Known resolutions: what uv resolved for a project's would-be pyproject.toml, kept in hpm's
 * cache folder so that a check or a switch back to a combination resolved before runs no
 * resolver. An entry is keyed by everything `uv lock` reads (README "How sync drives uv"):
 * the project's pyproject.toml as uv reads it (hpm's own `[tool.hpm]` aside, every path made
 * absolute, the dependency lists in order of name), the local packages' own pyproject.toml,
 * setup.cfg and setup.py, the project's .python-version and uv.toml, uv's configuration files
 * and UV_* settings, uv's and hpm's versions. An index can publish a release without any of
 * these changing: an entry is believed for a day, as the matrix's results are; HPM_NO_CACHE=1
 * neither reads nor writes one. A sync writes an entry's uv.lock only through `uv sync
 * --locked`, which refuses a lock that does not satisfy pyproject.toml.
 */

/** What a resolution left: the packages it resolved, and the project's uv.lock when a sync wrote it in place. */
export type Known = { readonly resolved: number | null; readonly lock: Buffer | undefined };

/** How long a known resolution is believed: a day, as the matrix's results (matrix-answer.ts). */
const BELIEVED_MS = 24 * 60 * 60 * 1000;
/** uv settings that change where uv keeps things or what it prints, never what it resolves. */
const NOT_INPUTS = new Set(["UV_CACHE_DIR", "UV_NO_PROGRESS", "UV_NO_WRAP", "UV_COLOR"]);

/** The key of a pyproject.toml's resolution in `root`, from its text as it is on disk. */
export function projectResolutionKey(text: string, root: string, uvVersion: string): string | undefined {
	let data: Record<string, unknown>;
	try {
		data = parse(text) as Record<string, unknown>;
	} catch {
		return undefined;
	}
	absoluteUvPaths(data, root);
	return resolutionKey(data, root, uvVersion);
}

/**
 * The key of the resolution of pyproject.toml `data` (its paths already absolute, as
 * wouldBeProject makes them) for the project in `root`: any change to an input is another key.
 */
export function resolutionKey(data: Record<string, unknown>, root: string, uvVersion: string): string {
	const hash = nodeCrypto().createHash("sha256");
	const add = (label: string, bytes: string | Buffer) => hash.update(`${label}\0${bytes.length}\0`).update(bytes);
	add("hpm", HPM_VERSION);
	add("uv", uvVersion);
	add("root", root);
	add("pyproject", canonical(data));
	add("python-version", readOr(path.join(root, ".python-version")));
	add("uv.toml", readOr(path.join(root, "uv.toml")));
	for (const file of uvConfigFiles()) add(`config ${file}`, readOr(file));
	for (const name of Object.keys(process.env).sort())
		if (name.startsWith("UV_") && !NOT_INPUTS.has(name)) add(`env ${name}`, process.env[name] ?? "");
	const seen = new Set<string>();
	for (const folder of localFolders(data, root).sort()) addLocal(folder);
	return hash.digest("hex").slice(0, 40);

	// a local package's metadata files, and those of the local folders its [tool.uv.sources] name
	function addLocal(folder: string): void {
		if (seen.has(folder) || seen.size > 100) return;
		seen.add(folder);
		// a wheel or an archive given as a path: its size and time stand for its bytes
		try {
			const stats = statSync(folder);
			if (stats.isFile()) add(`file ${folder}`, `${stats.size}:${stats.mtimeMs}`);
		} catch {
			add(`missing ${folder}`, "");
		}
		const pyproject = readOr(path.join(folder, "pyproject.toml"));
		add(`local ${folder}`, pyproject);
		for (const name of ["setup.cfg", "setup.py"]) add(name, readOr(path.join(folder, name)));
		let inner: Record<string, unknown>;
		try {
			inner = parse(pyproject.toString("utf8")) as Record<string, unknown>;
		} catch {
			return;
		}
		for (const next of localFolders(inner, folder).sort()) addLocal(next);
	}
}

/** The known resolution for `key` in `root`, when there is one to believe (none with HPM_NO_CACHE=1). */
export function knownResolution(root: string, key: string): Known | undefined {
	if (cachesDisabled()) return undefined;
	const value = readCheckedJson(entryFile(root, key), 64_000_000);
	if (typeof value !== "object" || value === null) return undefined;
	const v = value as Record<string, unknown>;
	const age = typeof v.time === "number" ? Date.now() - v.time : Number.NaN;
	// the entry names its own key and build inside what is checked: one copied over another is a miss
	if (v.key !== key || v.hpm !== HPM_VERSION || !(age >= 0 && age < BELIEVED_MS)) return undefined;
	if (!(v.resolved === null || (typeof v.resolved === "number" && Number.isInteger(v.resolved)))) return undefined;
	if (v.lock !== undefined && typeof v.lock !== "string") return undefined;
	return { resolved: v.resolved, lock: typeof v.lock === "string" ? Buffer.from(v.lock, "base64") : undefined };
}

/** Keeps what uv resolved for `key` (not with HPM_NO_CACHE=1); a cache that cannot be written only costs speed. */
export function storeResolution(root: string, key: string, known: Known): void {
	if (cachesDisabled()) return;
	writeCheckedJson(entryFile(root, key), {
		key,
		hpm: HPM_VERSION,
		time: Date.now(),
		resolved: known.resolved,
		...(known.lock ? { lock: known.lock.toString("base64") } : {}),
	});
}

/** Forgets every known resolution of the project in `root` (after `sync --upgrade` moved its lock on). */
export function forgetResolutions(root: string): void {
	const folder = projectFolder(root);
	if (!trustedCachePath(folder, "folder")) return;
	try {
		rmSync(folder, { recursive: true, force: true });
	} catch {
		// the next read still checks every entry's key and age
	}
}

/** The number of packages a uv.lock holds (uv's "Resolved N packages"). */
export function lockedPackages(lock: Buffer): number {
	return lock.toString("utf8").split("\n[[package]]\n").length - 1;
}

function projectFolder(root: string): string {
	const id = nodeCrypto().createHash("sha256").update(root).digest("hex").slice(0, 16);
	return path.join(cacheFolder(), "resolutions", id);
}

function entryFile(root: string, key: string): string {
	return path.join(projectFolder(root), `${key}.json`);
}

/** The data as uv reads it, in one text: hpm's `[tool.hpm]` aside, tables' keys and dependency lists sorted. */
function canonical(data: Record<string, unknown>): string {
	const copy = structuredClone(data);
	const tool = record(copy.tool);
	if (tool) delete tool.hpm;
	const project = record(copy.project);
	const sortList = (value: unknown) =>
		Array.isArray(value) && value.every((item) => typeof item === "string") ? [...value].sort() : value;
	if (project) {
		project.dependencies = sortList(project.dependencies);
		const optional = record(project["optional-dependencies"]);
		for (const name of Object.keys(optional ?? {})) if (optional) optional[name] = sortList(optional[name]);
	}
	const groups = record(copy["dependency-groups"]);
	for (const name of Object.keys(groups ?? {})) if (groups) groups[name] = sortList(groups[name]);
	return JSON.stringify(copy, (_key, value: unknown) => {
		const table = record(value);
		return table
			? Object.fromEntries(
					Object.keys(table)
						.sort()
						.map((name) => [name, table[name]]),
				)
			: value;
	});
}

/** The folders `[tool.uv.sources]` of `data` names as paths (absolute from `dir`). */
function localFolders(data: Record<string, unknown>, dir: string): string[] {
	const sources = record(record(record(data.tool)?.uv)?.sources);
	const folders: string[] = [];
	for (const entry of Object.values(sources ?? {}))
		for (const one of Array.isArray(entry) ? entry : [entry]) {
			const at = record(one)?.path;
			if (typeof at === "string") folders.push(path.resolve(dir, at));
		}
	return folders;
}

/** uv's configuration files, as uv finds them (none with UV_NO_CONFIG). */
function uvConfigFiles(): string[] {
	if (process.env.UV_NO_CONFIG) return [];
	const xdg = process.env.XDG_CONFIG_HOME;
	const user = path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir(), ".config"), "uv", "uv.toml");
	const own = process.env.UV_CONFIG_FILE;
	return [user, "/etc/uv/uv.toml", ...(own ? [own] : [])];
}

function record(value: unknown): Record<string, unknown> | undefined {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

function readOr(file: string): Buffer {
	try {
		return readRegularFile(file, 10_000_000);
	} catch {
		return Buffer.from("(none)");
	}
}
