import { quotedScalar } from "./yaml-escape.js";
import { isAlias, isMap, isNode, isScalar, parseDocument, type Node, type Pair } from "yaml";

/** What changes in an existing manifest: one mode's source, and the version or description when given. */
export type ManifestChange = {
	readonly mode: string;
	readonly source: Readonly<Record<string, string | boolean>>;
	readonly version?: string | undefined;
	readonly description?: string | undefined;
};

/**
 * `text` with `change` applied, touching only the lines it concerns: a mode's source is replaced
 * (or appended after the last one) at the indentation the file already uses, a scalar is rewritten
 * in place, and every other line, comments included, stays byte-identical. Returns undefined when
 * the file is not in the block shape this handles; the caller then lets the YAML library render it.
 */
export function editManifestText(text: string, change: ManifestChange): string | undefined {
	const document = parseDocument(text);
	if (document.errors.length > 0) return undefined;
	const root = document.contents;
	if (!isMap(root) || root.flow) return undefined;
	const newline = text.includes("\r\n") ? "\r\n" : "\n";
	// each edit is an offset range and its replacement, applied from the end
	const edits: { start: number; end: number; text: string }[] = [];

	const sources = root.get("sources", true);
	if (!isMap(sources) || sources.flow || sources.items.length === 0) return undefined;
	const pairs = sources.items as Pair<Node, Node>[];
	const keyIndent = column(text, rangeOf(pairs[0]?.key)?.[0]);
	const existing = pairs.find((pair) => isScalar(pair.key) && pair.key.value === change.mode);
	const sample = pairs.find((pair) => isMap(pair.value) && !pair.value.flow)?.value;
	const fieldIndent = isMap(sample)
		? column(text, rangeOf((sample.items[0] as Pair<Node> | undefined)?.key)?.[0])
		: undefined;
	if (keyIndent === undefined) return undefined;
	// an anchored source (another mode may be its alias) and explicit `? key` entries are shapes the
	// YAML library handles: a line edit would drop the anchor or rewrite the key
	if (pairs.some((pair) => (isNode(pair.value) && pair.value.anchor !== undefined) || isAlias(pair.value)))
		return undefined;
	if (
		pairs.some((pair) => text.slice(lineStart(text, rangeOf(pair.key)?.[0]) ?? 0, rangeOf(pair.key)?.[0]).trim() !== "")
	)
		return undefined;
	const inner = fieldIndent !== undefined && fieldIndent > keyIndent ? fieldIndent : keyIndent + 2;
	const block = [
		`${" ".repeat(keyIndent)}${change.mode}:`,
		...Object.entries(change.source).map(([key, value]) => `${" ".repeat(inner)}${key}: ${scalar(value)}`),
	]
		.map((line) => `${line}${newline}`)
		.join("");
	if (existing) {
		const start = lineStart(text, rangeOf(existing.key)?.[0]);
		const end = lineEnd(text, rangeOf(existing.value)?.[1] ?? rangeOf(existing.key)?.[1]);
		if (start === undefined || end === undefined) return undefined;
		edits.push({ start, end, text: block });
	} else {
		const last = pairs.at(-1);
		const end = lineEnd(text, rangeOf(last?.value)?.[1] ?? rangeOf(last?.key)?.[1]);
		if (end === undefined) return undefined;
		edits.push({ start: end, end, text: (end === text.length && !text.endsWith("\n") ? newline : "") + block });
	}

	for (const key of ["version", "description"] as const) {
		const value = change[key];
		if (value === undefined) continue;
		const node = root.get(key, true);
		const range = rangeOf(node);
		if (range) {
			if (!isScalar(node) || column(text, range[0]) === undefined) return undefined;
			const valueEnd = blockScalarSafeEnd(text, range[0], range[1]);
			if (valueEnd === undefined) return undefined;
			edits.push({ start: range[0], end: valueEnd, text: scalar(value) });
		} else {
			// a new key goes after `version:` (or `name:`), on its own line
			const after = (root.items as Pair<Node, Node>[]).find(
				(pair) => isScalar(pair.key) && (pair.key.value === "version" || pair.key.value === "name"),
			);
			const end = lineEnd(text, rangeOf(after?.value)?.[1]);
			if (end === undefined) return undefined;
			edits.push({ start: end, end, text: `${key}: ${scalar(value)}${newline}` });
		}
	}

	let out = text;
	for (const edit of edits.sort((a, b) => b.start - a.start))
		out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
	return out;
}

function rangeOf(node: unknown): readonly [number, number, number] | undefined {
	if (typeof node !== "object" || node === null || !("range" in node)) return undefined;
	const range = (node as { range?: unknown }).range;
	return Array.isArray(range) && range.length === 3 ? (range as [number, number, number]) : undefined;
}

/** The column of `offset` when only blanks precede it on its line (else undefined). */
function column(text: string, offset: number | undefined): number | undefined {
	if (offset === undefined) return undefined;
	const start = text.lastIndexOf("\n", offset - 1) + 1;
	return /^ *$/.test(text.slice(start, offset)) ? offset - start : undefined;
}

function lineStart(text: string, offset: number | undefined): number | undefined {
	return offset === undefined ? undefined : text.lastIndexOf("\n", offset - 1) + 1;
}

/** The offset just past the newline that ends the line holding `offset - 1`. */
function lineEnd(text: string, offset: number | undefined): number | undefined {
	if (offset === undefined) return undefined;
	const newline = text.indexOf("\n", Math.max(offset - 1, 0));
	return newline === -1 ? text.length : newline + 1;
}

/** A one-line scalar's end; a block scalar (`|`, `>`) or a multi-line one is not edited in place. */
function blockScalarSafeEnd(text: string, start: number, end: number): number | undefined {
	const raw = text.slice(start, end);
	if (raw.includes("\n") || /^[|>]/.test(raw)) return undefined;
	return end;
}

/** A YAML scalar hpm writes: strings double-quoted (JSON's escapes are YAML's), booleans bare. */
function scalar(value: string | boolean): string {
	return typeof value === "boolean" ? String(value) : quotedScalar(value);
}
