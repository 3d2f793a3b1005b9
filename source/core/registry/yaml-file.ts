import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Location, Problem, ProblemCode } from "../base/errors.js";
import { parseSimpleYaml, type SimpleNode } from "./yaml-simple.js";

export type PathSegment = string | number;

/** A parsed YAML file that can point back at the line and column of any value or key. */
export type YamlFile = {
	readonly file: string;
	readonly value: unknown;
	/** Location of the value at `path`, or of the nearest existing parent. */
	readonly locate: (path: readonly PathSegment[]) => Location;
	/** Location of the key `key` of the mapping at `path` (for unknown keys). */
	readonly locateKey: (path: readonly PathSegment[], key: string) => Location;
};

// A 1 MB manifest is already absurd; refusing early keeps a 10 MB file from costing seconds.
export const MAX_YAML_BYTES = 1_000_000;

export function parseYamlFile(
	file: string,
	bytes: Buffer,
	// tests compare the two parsers; everything else takes the fast one when it can
	options: { readonly simple?: boolean } = {},
): { ok: true; yaml: YamlFile } | { ok: false; problems: Problem[] } {
	if (bytes.length > MAX_YAML_BYTES) {
		return fail(
			file,
			"file-too-large",
			`file is ${bytes.length} bytes; a registry file must be under ${MAX_YAML_BYTES}`,
		);
	}
	if (bytes.includes(0)) return fail(file, "yaml-binary", "file holds binary data (a NUL byte), not YAML text");
	let text: string;
	try {
		// fatal: a U+FFFD written in the file is text; only bytes that are not UTF-8 are refused
		text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
	} catch {
		return fail(file, "yaml-encoding", "file is not valid UTF-8 text");
	}
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

	// the plain YAML registry files are written in, without the full parser (exactly what it would
	// give, or nothing: then the full parser reads the file and reports its problems)
	const simple = options.simple === false ? undefined : parseSimpleYaml(text);
	if (simple) return { ok: true, yaml: simpleFile(file, text, simple.value, simple.node) };

	const lineCounter = new LineCounter();
	let document: ReturnType<typeof parseDocument>;
	try {
		document = parseDocument(text, {
			lineCounter,
			prettyErrors: false,
			uniqueKeys: true,
			strict: true,
		});
	} catch (error) {
		// The parser recurses; absurdly deep nesting can exhaust the stack.
		return fail(file, "yaml-syntax", `YAML could not be parsed: ${describe(error)}`);
	}
	const at = (offset: number): Location => {
		const { line, col } = lineCounter.linePos(offset);
		return { file, line, column: col };
	};
	if (document.errors.length > 0) {
		return {
			ok: false,
			problems: document.errors.map((error) => ({
				code: "yaml-syntax",
				message: `YAML syntax error: ${firstLine(error.message)}`,
				location: at(errorOffset(text, error.code, error.message, error.pos[0])),
			})),
		};
	}
	let value: unknown;
	try {
		value = document.toJS({ maxAliasCount: 50 });
	} catch (error) {
		return fail(file, "yaml-aliases", `YAML could not be expanded: ${describe(error)}`);
	}

	const nodeAt = (path: readonly PathSegment[]): Node | undefined => {
		let node: unknown = document.contents;
		let last: Node | undefined = isNodeWithRange(node) ? node : undefined;
		for (const segment of path) {
			if (isMap(node)) node = node.get(segment, true);
			else if (isSeq(node) && typeof segment === "number") node = node.get(segment, true);
			else break;
			if (!isNodeWithRange(node)) break;
			last = node;
		}
		return last;
	};
	const locate = (path: readonly PathSegment[]): Location => {
		const node = nodeAt(path);
		return node?.range ? at(node.range[0]) : { file, line: 1, column: 1 };
	};
	const locateKey = (path: readonly PathSegment[], key: string): Location => {
		const node = nodeAt(path);
		if (isMap(node)) {
			for (const pair of node.items) {
				if (isScalar(pair.key) && pair.key.value === key && pair.key.range) return at(pair.key.range[0]);
			}
		}
		return locate(path);
	};
	return { ok: true, yaml: { file, value, locate, locateKey } };
}

/** A YamlFile over what the simple parser read: the same locations the full parser gives. */
function simpleFile(file: string, text: string, value: unknown, root: SimpleNode): YamlFile {
	let lineStarts: number[] | undefined;
	const at = (offset: number): Location => {
		if (lineStarts === undefined) {
			lineStarts = [0];
			for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1))
				lineStarts.push(index + 1);
		}
		// the last line that starts at or before the offset
		let low = 0;
		let high = lineStarts.length - 1;
		while (low < high) {
			const middle = (low + high + 1) >> 1;
			if ((lineStarts[middle] ?? 0) <= offset) low = middle;
			else high = middle - 1;
		}
		return { file, line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
	};
	const nodeAt = (path: readonly PathSegment[]): SimpleNode => {
		let node = root;
		for (const segment of path) {
			const next =
				node.kind === "map" && typeof segment === "string"
					? node.entries.get(segment)?.node
					: node.kind === "seq" && typeof segment === "number"
						? node.items[segment]
						: undefined;
			if (next === undefined) break;
			node = next;
		}
		return node;
	};
	return {
		file,
		value,
		locate: (path) => at(nodeAt(path).offset),
		locateKey: (path, key) => {
			const node = nodeAt(path);
			const entry = node.kind === "map" ? node.entries.get(key) : undefined;
			return at(entry ? entry.keyOffset : node.offset);
		},
	};
}

/**
 * The parser reports an unclosed quote where the file ends; the useful place is the line
 * where the quote was opened: the last line before that point with an odd number of quotes.
 */
function errorOffset(text: string, code: string, message: string, offset: number): number {
	// the yaml library's words (not hpm's problems) are read: its error has no field for the quote
	const quote = code === "MISSING_CHAR" ? /closing (["'])/.exec(message)?.[1] : undefined;
	if (!quote) return offset;
	const lines = text.slice(0, offset).split("\n");
	let lineStart = offset;
	for (let index = lines.length - 1; index >= 0; index--) {
		const line = lines[index] ?? "";
		lineStart -= line.length + (index === lines.length - 1 ? 0 : 1);
		if (line.split(quote).length % 2 === 0) return lineStart + line.indexOf(quote);
	}
	return offset;
}

function isNodeWithRange(node: unknown): node is Node {
	return typeof node === "object" && node !== null && "range" in node;
}

function fail(file: string, code: ProblemCode, message: string): { ok: false; problems: Problem[] } {
	return { ok: false, problems: [{ code, message, location: { file, line: 1, column: 1 } }] };
}

/** The yaml library's (or the engine's) message, its words and not hpm's problems, made one line. */
function firstLine(message: string): string {
	if (/call stack/i.test(message)) return "the YAML is nested too deeply";
	return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

function describe(error: unknown): string {
	return error instanceof Error ? firstLine(error.message) : String(error);
}
