import { readFile } from "node:fs";
import { createRequire } from "node:module";
import { parse } from "smol-toml";
import { HpmError } from "../base/errors.js";
import { editArrayLines, editHpmSections } from "./toml-splice.js";

/** Data hpm writes into TOML: strings, booleans, lists and (inline) tables of them. */
export type TomlData = string | boolean | readonly TomlData[] | { readonly [key: string]: TomlData };

/** A value hpm writes into TOML; `undefined` removes the key. */
export type TomlValue = TomlData | undefined;

const isStringList = (value: unknown): value is string[] =>
	Array.isArray(value) && value.every((item) => typeof item === "string");

/** One edit: set (or remove, with `undefined`) the key at `path`, e.g. ["tool", "hpm", "groups", "inference"]. */
export type TomlEdit = { readonly path: readonly string[]; readonly value: TomlValue };

// The one WebAssembly call used; TypeScript's ES libs do not declare the namespace.
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }).WebAssembly;

type Editor = { edit: (input: string, path: string, value: unknown, options?: { finalNewline?: boolean }) => string };
let editor: Promise<Editor> | undefined;

/**
 * Loads toml-edit-js (Rust toml_edit, the engine uv uses) only when a file is edited: read-only
 * commands never pay for it. The WebAssembly is compiled off the main thread, so a sync that
 * calls this before starting uv gets it for free while uv runs.
 */
export function loadEditor(): Promise<Editor> {
	editor ??= (async () => {
		const module = await import("@rainbowatcher/toml-edit-js");
		const require = createRequire(import.meta.url);
		// fs.readFile, not fs/promises: loading that module costs every command ~1 ms
		const bytes = await new Promise<Buffer>((resolve, reject) =>
			readFile(require.resolve("@rainbowatcher/toml-edit-js/index_bg.wasm"), (error, data) =>
				error ? reject(error) : resolve(data),
			),
		);
		module.initSync({ module: await wasm.compile(bytes) });
		return module;
	})();
	return editor;
}

/**
 * Applies `edits` to TOML `text` so that every byte outside the edited keys stays as it was.
 * toml_edit itself turns CRLF into LF, drops a BOM, may drop or add the final newline and adds
 * empty parent headers when it creates a table; this wrapper undoes all of that, and re-parses
 * the result to prove it holds exactly the intended data before anyone writes it.
 */
export async function editToml(text: string, edits: readonly TomlEdit[], file: string): Promise<string> {
	const { edit } = await loadEditor();
	const bom = text.startsWith("\uFEFF");
	let body = bom ? text.slice(1) : text;
	const crlf = /\r\n/.test(body);
	if (crlf) body = body.replace(/\r\n/g, "\n");
	const finalNewline = body.length === 0 || body.endsWith("\n");

	const before = parseOrThrow(body, file);
	let expected: unknown = before;
	for (const change of edits) expected = applyToData(expected, change);
	const finish = (text: string) => {
		let out = text;
		if (finalNewline && out !== "" && !out.endsWith("\n")) out += "\n";
		if (!finalNewline) out = out.replace(/\n+$/, "");
		return out;
	};
	// First only the [tool.hpm…] sections, cut out and put back (nothing else is re-rendered);
	// if that is not possible, or not exact, the whole document.
	const editAll = (text: string) => editDocument(edit, text, edits, file);
	const spliced = editHpmSections(body, editAll);
	let result = spliced === undefined ? undefined : finish(spliced);
	if (result === undefined || !sameData(parseOrUndefined(result), expected)) result = finish(editAll(body));

	const after = parseOrThrow(result, file);
	if (!sameData(after, expected)) {
		throw new HpmError(
			"toml-edit-mismatch",
			`editing ${file} would change more than the keys hpm manages; nothing was written`,
			{
				hint: "please report this with the file attached",
				location: { file },
			},
		);
	}
	if (crlf) result = result.replace(/\n/g, "\r\n");
	return bom ? `\uFEFF${result}` : result;
}

/** `edits` applied to `text` one by one: in place where a list keeps its lines, else by toml_edit. */
function editDocument(edit: Editor["edit"], text: string, edits: readonly TomlEdit[], file: string): string {
	let data = parseOrThrow(text, file);
	let result = text;
	for (const change of edits) {
		const old = valueAt(data, change.path);
		// removing what is not there is nothing to do (toml_edit would create the tables on the way)
		if (old === undefined && change.value === undefined) continue;
		result =
			(isStringList(old) && isStringList(change.value)
				? editArrayLines(result, change.path, old, change.value)
				: undefined) ??
			insertIntoSubtableOnlyTable(result, change, data) ??
			callEditor(edit, result, change, file);
		data = applyToData(data, change);
	}
	return dropAddedEmptyHeaders(text, result);
}

function valueAt(data: unknown, path: readonly string[]): unknown {
	let value = data;
	for (const key of path) value = isTable(value) ? value[key] : undefined;
	return value;
}

function parseOrUndefined(text: string): unknown {
	try {
		return parse(text);
	} catch {
		return undefined;
	}
}

function callEditor(edit: Editor["edit"], text: string, change: TomlEdit, file: string): string {
	const dotted = change.path.map(quoteKey).join(".");
	const value = structuredClone(change.value);
	// A panic inside the WebAssembly prints to the console; hpm reports it as an HpmError instead.
	const consoleError = console.error;
	console.error = () => {};
	try {
		return edit(text, dotted, value, { finalNewline: true });
	} catch (error) {
		throw new HpmError("toml-edit-failed", `cannot set ${change.path.join(".")} in ${file}: ${firstLine(error)}`, {
			hint: `write [${change.path.slice(0, -1).join(".")}] as a normal table (not an inline table or dotted keys) and try again`,
			location: { file },
		});
	} finally {
		console.error = consoleError;
	}
}

/**
 * toml_edit panics when the first plain key goes into a table that so far holds only
 * sub-tables (`[tool.hpm]` implied by `[tool.hpm.groups]`) or arrays of tables (`[tool.uv]`
 * implied by `[[tool.uv.index]]`, as `uv add --index` writes it). That one case is done here as a
 * line inserted under the table's header (or a new header just above its first sub-table).
 * The caller's re-parse check verifies the outcome like any other edit.
 */
function insertIntoSubtableOnlyTable(text: string, change: TomlEdit, data: unknown): string | undefined {
	if (change.value === undefined) return undefined;
	const tablePath = change.path.slice(0, -1);
	let table: unknown = data;
	for (const key of tablePath) table = isTable(table) ? table[key] : undefined;
	if (!isTable(table) || (change.path.at(-1) ?? "") in table) return undefined;
	const dotted = tablePath.map(quoteKey).join(".");
	const lines = text.split("\n");
	const bare = (l: string) => l.replace(/#.*$/, "").replace(/\s+/g, "");
	// an array of tables written as `[[dotted.key]]` headers, not an inline `key = [{…}]`
	const headed = (key: string) => lines.some((l) => bare(l) === `[[${dotted}.${quoteKey(key)}]]`);
	if (!Object.entries(table).every(([key, inner]) => isTable(inner) || (Array.isArray(inner) && headed(key))))
		return undefined;
	const value = inlineToml(change.value);
	const line = `${quoteKey(change.path.at(-1) ?? "")} = ${value}`;
	const header = lines.findIndex((l) => bare(l) === `[${dotted}]`);
	if (header !== -1) {
		lines.splice(header + 1, 0, line);
		return lines.join("\n");
	}
	const firstChild = lines.findIndex((l) => bare(l).startsWith(`[${dotted}.`) || bare(l).startsWith(`[[${dotted}.`));
	if (firstChild === -1) return undefined;
	lines.splice(firstChild, 0, `[${dotted}]`, line, "");
	return lines.join("\n");
}

/** A value as TOML writes it inline: `"s"`, `true`, `["a", "b"]`, `{ k = "v" }` (re-parsed by the caller's check). */
export function inlineToml(value: TomlData): string {
	if (typeof value === "string") return JSON.stringify(value);
	if (typeof value === "boolean") return String(value);
	if (Array.isArray(value)) return `[${(value as readonly TomlData[]).map(inlineToml).join(", ")}]`;
	const entries = Object.entries(value as { readonly [key: string]: TomlData });
	return `{ ${entries.map(([key, inner]) => `${quoteKey(key)} = ${inlineToml(inner)}`).join(", ")} }`;
}

function isTable(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function quoteKey(key: string): string {
	return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/** Removes `[tool]` / `[tool.hpm]` style headers that the editor added with nothing under them. */
function dropAddedEmptyHeaders(original: string, edited: string): string {
	const headers = new Set(original.split("\n").map((line) => line.trim()));
	const lines = edited.split("\n");
	const kept: string[] = [];
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i] ?? "";
		const isHeader = /^\[[^[\]]+\]$/.test(line);
		if (isHeader && !headers.has(line)) {
			let next = i + 1;
			while (next < lines.length && (lines[next] ?? "").trim() === "") next++;
			const following = lines[next] ?? "";
			const childHeader = following.startsWith(`[${line.slice(1, -1)}.`);
			if (childHeader) {
				i = next - 1;
				continue;
			}
		}
		kept.push(line);
	}
	return kept.join("\n");
}

/**
 * `data` with `change` applied. Only the tables along the path are copied: the rest is shared,
 * so values smol-toml gives as its own classes (local dates and times) stay what they were.
 */
function applyToData(data: unknown, change: TomlEdit): unknown {
	const set = (table: unknown, keys: readonly string[]): unknown => {
		const [key, ...rest] = keys;
		if (key === undefined) return table;
		const copy: Record<string, unknown> = isTable(table) ? { ...table } : {};
		if (rest.length === 0) {
			if (change.value === undefined) delete copy[key];
			else copy[key] = structuredClone(change.value);
		} else if (change.value === undefined && !isTable(copy[key])) return table;
		else copy[key] = set(copy[key], rest);
		return copy;
	};
	return set(data, change.path);
}

function parseOrThrow(text: string, file: string): unknown {
	try {
		return parse(text);
	} catch (error) {
		throw tomlSyntaxError(error, file);
	}
}

/** A smol-toml parse error as an HpmError naming the file, line and column. */
export function tomlSyntaxError(error: unknown, file: string): HpmError {
	const line = typeof error === "object" && error !== null && "line" in error ? Number(error.line) : undefined;
	const column = typeof error === "object" && error !== null && "column" in error ? Number(error.column) : undefined;
	return new HpmError("toml-syntax", `invalid TOML: ${firstLine(error).replace(/^Invalid TOML document: /, "")}`, {
		hint: "fix the syntax error; hpm did not change the file",
		location: { file, ...(line ? { line } : {}), ...(column ? { column } : {}) },
	});
}

/** Deep equality of parsed TOML; table key order does not matter, array order does. */
function sameData(a: unknown, b: unknown): boolean {
	return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
	if (isTable(value)) {
		return `{${Object.keys(value)
			.sort()
			.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
			.join(",")}}`;
	}
	if (typeof value === "bigint") return `${value}n`;
	if (value instanceof Date) return `date:${value.toISOString()}`;
	return JSON.stringify(value) ?? "undefined";
}

function firstLine(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return (message.split("\n")[0] ?? message).trim();
}
