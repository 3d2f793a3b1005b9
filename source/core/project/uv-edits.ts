import { isDeepStrictEqual } from "node:util";
import { parse } from "smol-toml";

/**
 * Where `uv add` and `uv remove` write in pyproject.toml: the dependency lists and uv's sources
 * and indexes. Everything else in the file is a person's (or hpm's own, written between steps).
 */
const UV_EDITS: readonly (readonly string[])[] = [
	["project", "dependencies"],
	["project", "optional-dependencies"],
	["dependency-groups"],
	["tool", "uv", "sources"],
	["tool", "uv", "index"],
	["tool", "uv", "dev-dependencies"],
];

/** The file's data without what uv edits; undefined when it is not TOML (a person's half-saved edit). */
function outsideUvEdits(bytes: Buffer): unknown {
	let data: Record<string, unknown>;
	try {
		data = parse(bytes.toString("utf8")) as Record<string, unknown>;
	} catch {
		return undefined;
	}
	for (const keys of UV_EDITS) drop(data, keys);
	return data;
}

/** Deletes `keys` from `table`, and each table on the way that it leaves empty (uv made it). */
function drop(table: Record<string, unknown>, keys: readonly string[]): void {
	const [key, ...rest] = keys;
	if (key === undefined || !(key in table)) return;
	const inner = table[key];
	if (rest.length === 0) delete table[key];
	else if (inner && typeof inner === "object" && !Array.isArray(inner)) {
		drop(inner as Record<string, unknown>, rest);
		if (Object.keys(inner).length === 0) delete table[key];
	}
}

/**
 * Whether pyproject.toml went from `before` to `now` changing only what uv edits, as `uv add` or
 * `uv remove` would. A change elsewhere in the data (a version, a name, a table) is someone else's.
 * A change to comments or layout alone is not seen: uv keeps both, so only data tells the two apart.
 */
export function onlyUvEdits(before: Buffer | null, now: Buffer | null): boolean {
	if (before === null || now === null) return before === now;
	const was = outsideUvEdits(before);
	const is = outsideUvEdits(now);
	return was !== undefined && is !== undefined && isDeepStrictEqual(was, is);
}
