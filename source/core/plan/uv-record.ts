/**
 * How uv records each kind of source: the requirement lines and `uv add` calls that make the
 * record, the `[tool.uv.sources]` entry it writes, and whether a recorded entry is that one.
 */
import path from "node:path";
import { splitCredentials } from "../base/secrets.js";
import type { GitRef, IndexDefinition, Source } from "../registry/model.js";

/** A package as uv records it: its name, its source and, for an index source naming one, the declared index. */
export type RecordedPackage = {
	readonly name: string;
	readonly source: Source;
	readonly index?: IndexDefinition | undefined;
};

/** Whether a `[tool.uv.sources]` entry already points where `source` does. */
export function sameSource(
	entry: unknown,
	source: Source,
	root: string,
	members: ReadonlySet<string> = new Set(),
	/** For an index source that names an index: its definition. */
	index?: IndexDefinition,
): boolean {
	switch (source.type) {
		case "local": {
			const e = asEntry(entry);
			if (!e) return false;
			// a workspace member is recorded by uv as `{ workspace = true }`, editable unless it says not
			if (e.workspace === true) return members.has(source.path) && (e.editable !== false) === source.editable;
			return (
				typeof e.path === "string" &&
				path.resolve(root, e.path) === source.path &&
				(e.editable === true) === source.editable
			);
		}
		case "index": {
			// a requirement on the default index has no entry at all
			if (source.index === undefined) return entry === undefined;
			const e = asEntry(entry);
			return e !== undefined && index !== undefined && e.index === index.name && Object.keys(e).length === 1;
		}
		case "git": {
			const e = asEntry(entry);
			if (!e || e.workspace === true) return false;
			if (typeof e.git !== "string" || gitUrl(e.git) !== gitUrl(source.url)) return false;
			// The ref's kind matters as much as its value: uv resolves `tag = "v1"` and `rev = "v1"` alike,
			// but records them differently, and a tag written as a rev would not read as the manifest does.
			for (const kind of ["tag", "branch", "rev"] as const)
				if ((e[kind] ?? undefined) !== (source.ref?.kind === kind ? source.ref.value : undefined)) return false;
			return (e.subdirectory ?? undefined) === source.subdirectory;
		}
	}
}

/** A `[tool.uv.sources]` entry as a table, or undefined when it is none. */
function asEntry(entry: unknown): Record<string, unknown> | undefined {
	return typeof entry === "object" && entry !== null && !Array.isArray(entry)
		? (entry as Record<string, unknown>)
		: undefined;
}

/**
 * The URL form uv writes: scp-like `git@host:org/repo` becomes `ssh://git@host/org/repo`, and
 * credentials are left out (uv never records them; hpm passes them in git's environment).
 */
export function gitUrl(url: string): string {
	const bare = splitCredentials(url.replace(/^git\+/, "")).url;
	const scp = /^([\w.-]+@[\w.-]+):(?!\/)(.*)$/.exec(bare);
	return scp ? `ssh://${scp[1]}/${scp[2]}` : bare;
}

/** One `uv add` call: the requirement lines it takes and the flags they share. */
export type AddBatch = {
	readonly ref: GitRef | undefined;
	/** `--index NAME=URL`: uv pins every requirement of the call to that index (measured with uv 0.13.9). */
	readonly index?: { readonly name: string; readonly url: string; readonly explicit: boolean };
	/** `--no-editable`: workspace members are editable unless uv is told otherwise. */
	readonly noEditable?: boolean;
	readonly lines: readonly string[];
};

/**
 * The flags of a batch's `uv add`: `--tag`/`--branch`/`--rev` for a git ref (uv records it so, as
 * `uv add --tag` does), `--no-editable` for a workspace member that is not, `--index NAME=URL` for
 * a declared index (its URL without credentials, which go in the environment).
 */
export function addFlags(batch: AddBatch): string[] {
	const ref = batch.ref ? [`--${batch.ref.kind}=${batch.ref.value}`] : batch.noEditable ? ["--no-editable"] : [];
	const pin = batch.index ? ["--index", `${batch.index.name}=${splitCredentials(batch.index.url).url}`] : [];
	return [...ref, ...pin];
}

/**
 * The `uv add` calls that record each source as uv's own flags would: uv records a ref written
 * inside a URL as `rev`, so a tag or a branch is passed as `--tag`/`--branch`, one call per value
 * (uv takes one per call, and refuses it next to a local path); a workspace member that is not
 * editable needs `--no-editable`; the requirements on one declared index share a call with
 * `--index NAME=URL`, which pins each of them to it. Local paths, refless URLs, revs and
 * requirements on the default index share the first call.
 */
export function addBatches(
	entries: readonly RecordedPackage[],
	root: string,
	members: ReadonlySet<string> = new Set(),
): AddBatch[] {
	const plain: string[] = [];
	const fixed: string[] = [];
	const byRef = new Map<string, { ref: GitRef; lines: string[] }>();
	const byIndex = new Map<
		string,
		{ ref: undefined; index: { name: string; url: string; explicit: boolean }; lines: string[] }
	>();
	for (const entry of entries) {
		const call = addCall(entry, members);
		switch (call.kind) {
			case "plain":
				plain.push(requirementLine(entry, root));
				break;
			case "no-editable":
				fixed.push(requirementLine(entry, root));
				break;
			case "ref": {
				const id = `${call.ref.kind}\0${call.ref.value}`;
				const batch = byRef.get(id) ?? { ref: call.ref, lines: [] };
				batch.lines.push(requirementLine(entry, root, false));
				byRef.set(id, batch);
				break;
			}
			case "index": {
				const batch = byIndex.get(call.index.key) ?? {
					ref: undefined,
					index: { name: call.index.name, url: call.index.url, explicit: call.index.explicit },
					lines: [],
				};
				batch.lines.push(requirementLine(entry, root));
				byIndex.set(call.index.key, batch);
				break;
			}
		}
	}
	return [
		...(plain.length > 0 ? [{ ref: undefined, lines: plain }] : []),
		...(fixed.length > 0 ? [{ ref: undefined, noEditable: true, lines: fixed }] : []),
		...byRef.values(),
		...byIndex.values(),
	];
}

/** Which of `addBatches`' calls records an entry's source. */
function addCall(
	entry: RecordedPackage,
	members: ReadonlySet<string>,
):
	| { readonly kind: "plain" | "no-editable" }
	| { readonly kind: "ref"; readonly ref: GitRef }
	| { readonly kind: "index"; readonly index: IndexDefinition } {
	const { source } = entry;
	switch (source.type) {
		case "index":
			if (source.index === undefined) return { kind: "plain" };
			// never a requirement meant for a declared index without it: it would come from the default index
			if (!entry.index) throw new Error(`index "${source.index}" of ${entry.name} is not declared`);
			return { kind: "index", index: entry.index };
		case "git":
			return source.ref && source.ref.kind !== "rev" ? { kind: "ref", ref: source.ref } : { kind: "plain" };
		case "local":
			return !source.editable && members.has(source.path) ? { kind: "no-editable" } : { kind: "plain" };
	}
}

/**
 * One line of a requirements file for `uv add -r`: a path (`-e` when editable) relative to the
 * project root, or `name @ git+URL@ref#subdirectory=...` (without `@ref` when the call passes the
 * ref as a flag), or an index source's requirement. Everything was validated at load time, and a
 * path always starts with `../../..`, `../../..` or `/`, so no line can read as an option.
 */
export function requirementLine(entry: RecordedPackage, root: string, withRef = true): string {
	const { source } = entry;
	switch (source.type) {
		case "index":
			return source.requirement.trim();
		case "local": {
			let where = path.relative(root, source.path).split(path.sep).join("/");
			if (!where.startsWith("../../..")) where = `./${where}`;
			if (where === "../../..") where = ".";
			return `${source.editable ? "-e " : ""}${where}`;
		}
		case "git": {
			const ref = source.ref && withRef ? `@${source.ref.value}` : "";
			const sub = source.subdirectory ? `#subdirectory=${source.subdirectory}` : "";
			return `${entry.name} @ git+${gitUrl(source.url)}${ref}${sub}`;
		}
	}
}

/**
 * The `[tool.uv.sources]` entry uv would record for `source` (absolute paths, for a scratch copy);
 * undefined for a requirement on the default index, which has none.
 */
export function uvSourceEntry(source: Source, index?: IndexDefinition): Record<string, string | boolean> | undefined {
	switch (source.type) {
		case "local":
			return { path: source.path, ...(source.editable ? { editable: true } : {}) };
		case "index":
			return index ? { index: index.name } : undefined;
		case "git":
			return {
				git: gitUrl(source.url),
				...(source.ref ? { [source.ref.kind]: source.ref.value } : {}),
				...(source.subdirectory ? { subdirectory: source.subdirectory } : {}),
			};
	}
	const exhaustive: never = source;
	return exhaustive;
}

/** A `[tool.uv.sources]` entry as a short phrase: `path packages/x (editable)`, `git URL tag v1`. */
export function describeRecordedSource(entry: unknown): string {
	if (typeof entry !== "object" || entry === null) return "a registry requirement";
	const fields = entry as Record<string, unknown>;
	if (typeof fields.path === "string") return `local ${fields.path}${fields.editable === true ? " (editable)" : ""}`;
	if (fields.workspace === true) return `workspace member${fields.editable === false ? " (not editable)" : ""}`;
	if (typeof fields.git === "string") {
		const ref = (["tag", "branch", "rev"] as const).find((kind) => typeof fields[kind] === "string");
		return `git ${fields.git}${ref ? ` ${ref} ${String(fields[ref])}` : ""}`;
	}
	if (typeof fields.index === "string") return `index ${fields.index}`;
	return "another source";
}
