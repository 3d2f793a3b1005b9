/**
 * A parser for the plain YAML that registry files are written in (block mappings and sequences,
 * one-line quoted or plain scalars, one-line flow sequences of scalars, comments), about ten
 * times faster than the `yaml` library: a cold registry of 2,000 manifests spent most of its
 * time there. It either returns exactly what `yaml` would (the same value, the same positions of
 * every node and key; property-tested against it in test/unit/yaml-simple.test.ts) or gives up
 * (`undefined`) on anything else: anchors, tags, block scalars, multi-line or flow-mapping
 * values, nulls, floats, tabs, CR, duplicate keys, errors of any kind. The caller then parses the
 * file with `yaml`, which also reports the problems.
 */

import { BOOL, GiveUp, giveUp, INDICATOR, INT, NOT_A_STRING, plain, quoted } from "./yaml-scalars.js";

export type SimpleEntry = { readonly keyOffset: number; readonly node: SimpleNode };
export type SimpleNode =
	| { readonly kind: "scalar"; readonly offset: number }
	| { readonly kind: "seq"; readonly offset: number; readonly items: readonly SimpleNode[] }
	| { readonly kind: "map"; readonly offset: number; readonly entries: ReadonlyMap<string, SimpleEntry> };

type Parsed = { readonly value: unknown; readonly node: SimpleNode };
type Line = { readonly start: number; readonly indent: number; readonly end: number };

const KEY = /[A-Za-z_][A-Za-z0-9_.-]*/y;
// text this parser reads at all: no tab, CR or other control character, no BOM, no line or
// paragraph separator, no NEL
const UNSUPPORTED = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\uFEFF]/;

export function parseSimpleYaml(text: string): Parsed | undefined {
	if (UNSUPPORTED.test(text)) return undefined;
	try {
		return new SimpleParser(text).document();
	} catch (error) {
		// GiveUp, or a stack exhausted by absurd nesting: `yaml` decides
		if (error instanceof GiveUp || error instanceof RangeError) return undefined;
		throw error;
	}
}

class SimpleParser {
	private readonly lines: Line[] = [];
	private index = 0;

	constructor(private readonly text: string) {
		let start = 0;
		while (start <= text.length) {
			let end = text.indexOf("\n", start);
			if (end === -1) end = text.length;
			let indent = start;
			while (indent < end && text.charCodeAt(indent) === 32) indent += 1;
			// blank lines and comment lines, at any indent, are not part of the structure
			if (indent < end && text[indent] !== "#") {
				if (indent === start && /^(?:---|\.\.\.)(?:[ ]|$)|^%/.test(text.slice(start, end))) giveUp();
				this.lines.push({ start, indent: indent - start, end });
			}
			start = end + 1;
		}
	}

	document(): Parsed {
		const first = this.lines[0];
		if (first === undefined || first.indent !== 0 || this.startsItem(first.start)) return giveUp();
		const parsed = this.map(first.start, 0);
		if (this.index !== this.lines.length) giveUp();
		return parsed;
	}

	private startsItem(offset: number): boolean {
		return this.text[offset] === "-" && (offset + 1 >= this.text.length || /[ \n]/.test(this.text[offset + 1] ?? ""));
	}

	private lineEnd(): number {
		return this.lines[this.index]?.end ?? this.text.length;
	}

	/** A block mapping whose first key starts at `offset`, every key at column `column`. */
	private map(offset: number, column: number): Parsed {
		const value: Record<string, unknown> = {};
		const entries = new Map<string, SimpleEntry>();
		let at = offset;
		for (;;) {
			const end = this.lineEnd();
			const key = this.key(at, end);
			if (entries.has(key.text) || key.text === "__proto__") giveUp();
			let position = key.after;
			while (this.text[position] === " ") position += 1;
			let entry: Parsed;
			if (position === end || this.text[position] === "#") {
				// the value is the block on the lines below: deeper, or a sequence at this column
				this.index += 1;
				const next = this.lines[this.index];
				if (next === undefined) return giveUp();
				const first = next.start + next.indent;
				if (next.indent > column) entry = this.startsItem(first) ? this.seq(next.indent) : this.map(first, next.indent);
				else if (next.indent === column && this.startsItem(first)) entry = this.seq(column);
				else return giveUp();
			} else {
				entry = this.inline(position, end);
				this.index += 1;
			}
			value[key.text] = entry.value;
			entries.set(key.text, { keyOffset: at, node: entry.node });
			const next = this.lines[this.index];
			if (next === undefined || next.indent < column) break;
			if (next.indent > column || this.startsItem(next.start + next.indent)) giveUp();
			at = next.start + next.indent;
		}
		return { value, node: { kind: "map", offset, entries } };
	}

	/** A key and its colon at `at`; `after` is just past the colon. */
	private key(at: number, end: number): { text: string; after: number } {
		let text: string;
		let after: number;
		const quote = this.text[at];
		if (quote === '"' || quote === "'") {
			const scalar = quoted(this.text, at, end);
			text = scalar.text;
			after = scalar.after;
		} else {
			KEY.lastIndex = at;
			const match = KEY.exec(this.text);
			if (!match) return giveUp();
			text = match[0];
			after = at + text.length;
			if (BOOL.test(text) || NOT_A_STRING.test(text) || INT.test(text)) giveUp();
		}
		// YAML limits an implicit key to 1,024 characters; `yaml` reports a longer one
		if (after - at > 1000) giveUp();
		if (this.text[after] !== ":" || (after + 1 < end && this.text[after + 1] !== " ")) giveUp();
		return { text, after: after + 1 };
	}

	/** A block sequence whose dashes are at column `column`. */
	private seq(column: number): Parsed {
		const value: unknown[] = [];
		const items: SimpleNode[] = [];
		const offset = (this.lines[this.index]?.start ?? 0) + column;
		for (;;) {
			const line = this.lines[this.index];
			if (line === undefined || line.indent !== column || !this.startsItem(line.start + column)) break;
			let position = line.start + column + 1;
			while (this.text[position] === " ") position += 1;
			if (position >= line.end || this.text[position] === "#" || this.startsItem(position)) giveUp();
			let item: Parsed;
			if (this.isKey(position, line.end)) {
				item = this.map(position, position - line.start);
			} else {
				item = this.inline(position, line.end);
				this.index += 1;
			}
			value.push(item.value);
			items.push(item.node);
			const next = this.lines[this.index];
			if (next !== undefined && next.indent > column) giveUp();
		}
		return { value, node: { kind: "seq", offset, items } };
	}

	/** Whether a mapping entry (a key and a colon) starts at `at`. */
	private isKey(at: number, end: number): boolean {
		try {
			this.key(at, end);
			return true;
		} catch (error) {
			if (!(error instanceof GiveUp)) throw error;
			// a scalar with ": " in it, or a colon at its end, is a mapping to `yaml`
			const rest = this.text.slice(at, end);
			if (/: |:$/.test(rest.replace(/ #.*$/, ""))) giveUp();
			return false;
		}
	}

	/** A value on one line from `at` to `end`, nothing after it but a comment. */
	private inline(at: number, end: number): Parsed {
		const first = this.text[at] ?? "";
		let parsed: Parsed;
		let after: number;
		if (first === '"' || first === "'") {
			const scalar = quoted(this.text, at, end);
			parsed = { value: scalar.text, node: { kind: "scalar", offset: at } };
			after = scalar.after;
		} else if (first === "[") {
			const flow = this.flow(at, end);
			parsed = flow.parsed;
			after = flow.after;
		} else {
			if (INDICATOR.has(first)) giveUp();
			// within this line: a search to the end of the file for every scalar would be quadratic
			const line = this.text.slice(at, end);
			const comment = line.indexOf(" #");
			const raw = (comment === -1 ? line : line.slice(0, comment)).replace(/ +$/, "");
			if (/: |:$/.test(raw)) giveUp();
			parsed = { value: plain(raw), node: { kind: "scalar", offset: at } };
			return parsed;
		}
		this.rest(after, end);
		return parsed;
	}

	/** Only spaces and a comment may follow a value. */
	private rest(after: number, end: number): void {
		let position = after;
		while (this.text[position] === " ") position += 1;
		if (position < end && !(this.text[position] === "#" && position > after)) giveUp();
	}

	/** A one-line flow sequence of scalars. */
	private flow(at: number, end: number): { parsed: Parsed; after: number } {
		const value: unknown[] = [];
		const items: SimpleNode[] = [];
		let position = at + 1;
		const skip = () => {
			while (this.text[position] === " ") position += 1;
		};
		skip();
		if (this.text[position] === "]")
			return { parsed: { value, node: { kind: "seq", offset: at, items } }, after: position + 1 };
		for (;;) {
			if (position >= end) giveUp();
			const start = position;
			const first = this.text[position] ?? "";
			if (first === '"' || first === "'") {
				const scalar = quoted(this.text, position, end);
				value.push(scalar.text);
				position = scalar.after;
			} else {
				if (INDICATOR.has(first)) giveUp();
				while (position < end && !",[]{}".includes(this.text[position] ?? "")) position += 1;
				const raw = this.text.slice(start, position).replace(/ +$/, "");
				if (raw === "" || /: |:$| #/.test(raw)) giveUp();
				value.push(plain(raw));
			}
			items.push({ kind: "scalar", offset: start });
			skip();
			const separator = this.text[position];
			position += 1;
			if (separator === "]") break;
			if (separator !== ",") giveUp();
			skip();
			if (this.text[position] === "]") giveUp();
		}
		return { parsed: { value, node: { kind: "seq", offset: at, items } }, after: position };
	}
}
