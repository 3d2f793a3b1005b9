/**
 * Where things are in a TOML text: table headers and key/value entries with their byte offsets.
 * It reads only the structure (keys, headers, the extent of each value) so that an edit can be
 * confined to the lines it concerns; the values themselves are smol-toml's to parse. Anything it
 * does not understand makes it return undefined, and the caller falls back to a whole-document edit
 * (whose outcome is verified like any other).
 */

export type Header = {
	readonly path: readonly string[];
	/** `[[array.of.tables]]` */
	readonly array: boolean;
	/** Offset of the start of the header's line. */
	readonly start: number;
};

export type Entry = {
	/** The table's path followed by the (possibly dotted) key. */
	readonly path: readonly string[];
	/** The path of the header it is under (empty before the first header). */
	readonly table: readonly string[];
	/** Offset of the start of the entry's line (its indentation included). */
	readonly lineStart: number;
	readonly valueStart: number;
	readonly valueEnd: number;
};

export type Layout = { readonly headers: readonly Header[]; readonly entries: readonly Entry[] };

class Unreadable extends Error {}

export function tomlLayout(text: string): Layout | undefined {
	try {
		return new Scanner(text).document();
	} catch (error) {
		if (error instanceof Unreadable) return undefined;
		throw error;
	}
}

/** The extents of the items of the array value that runs from `valueStart`, or undefined if it is not an array. */
export function arrayElements(text: string, valueStart: number): { start: number; end: number }[] | undefined {
	try {
		return new Scanner(text, valueStart).elements();
	} catch (error) {
		if (error instanceof Unreadable) return undefined;
		throw error;
	}
}

class Scanner {
	constructor(
		private readonly text: string,
		private i = 0,
	) {}

	elements(): { start: number; end: number }[] {
		if (this.text[this.i] !== "[") this.fail();
		this.i++;
		const items: { start: number; end: number }[] = [];
		for (;;) {
			this.spaceInside();
			const next = this.text[this.i];
			if (next === undefined) this.fail();
			if (next === "]") return items;
			if (next === ",") this.i++;
			else {
				const start = this.i;
				this.value();
				items.push({ start, end: this.i });
			}
		}
	}

	document(): Layout {
		const headers: Header[] = [];
		const entries: Entry[] = [];
		let table: readonly string[] = [];
		const { text } = this;
		while (this.i < text.length) {
			const lineStart = this.i;
			this.blanks();
			const c = text[this.i];
			if (c === undefined) break;
			if (c === "\n" || c === "\r") {
				this.newline();
				continue;
			}
			if (c === "#") {
				this.restOfLine();
				continue;
			}
			if (c === "[") {
				const array = text[this.i + 1] === "[";
				this.i += array ? 2 : 1;
				table = this.key("]");
				this.expect("]");
				if (array) this.expect("]");
				headers.push({ path: table, array, start: lineStart });
				this.restOfLine();
				continue;
			}
			const key = this.key("=");
			this.expect("=");
			this.blanks();
			const valueStart = this.i;
			this.value();
			entries.push({ path: [...table, ...key], table, lineStart, valueStart, valueEnd: this.i });
			this.restOfLine();
		}
		return { headers, entries };
	}

	private fail(): never {
		throw new Unreadable();
	}

	private blanks(): void {
		while (this.text[this.i] === " " || this.text[this.i] === "\t") this.i++;
	}

	private expect(char: string): void {
		this.blanks();
		if (this.text[this.i] !== char) this.fail();
		this.i++;
	}

	private newline(): void {
		if (this.text[this.i] === "\r") this.i++;
		if (this.text[this.i] !== "\n") this.fail();
		this.i++;
	}

	/** Blanks, an optional comment, then the end of the line (or of the text). */
	private restOfLine(): void {
		this.blanks();
		if (this.text[this.i] === "#") while (this.i < this.text.length && this.text[this.i] !== "\n") this.i++;
		if (this.i < this.text.length) {
			if (this.text[this.i] === "\r" && this.text[this.i + 1] === "\n") this.i++;
			if (this.text[this.i] !== "\n") this.fail();
			this.i++;
		}
	}

	/** A dotted key, up to (not including) `end`. */
	private key(end: string): string[] {
		const parts: string[] = [];
		for (;;) {
			this.blanks();
			const c = this.text[this.i];
			if (c === '"' || c === "'") parts.push(this.singleLineString(c));
			else {
				const start = this.i;
				while (/[A-Za-z0-9_-]/.test(this.text[this.i] ?? "")) this.i++;
				if (this.i === start) this.fail();
				parts.push(this.text.slice(start, this.i));
			}
			this.blanks();
			if (this.text[this.i] === ".") {
				this.i++;
				continue;
			}
			if (this.text[this.i] !== end) this.fail();
			return parts;
		}
	}

	private singleLineString(quote: string): string {
		const start = this.i;
		this.i++;
		for (;;) {
			const c = this.text[this.i];
			if (c === undefined || c === "\n") this.fail();
			if (quote === '"' && c === "\\") this.i += 2;
			else if (c === quote) {
				this.i++;
				break;
			} else this.i++;
		}
		const raw = this.text.slice(start, this.i);
		if (quote === "'") return raw.slice(1, -1);
		try {
			return JSON.parse(raw) as string;
		} catch {
			// TOML escapes JSON lacks (\e, \x, \U…) never occur in hpm's keys; such a key is someone
			// else's, and only its extent matters here.
			return raw;
		}
	}

	private value(): void {
		const { text } = this;
		const c = text[this.i];
		if (c === '"' || c === "'") {
			if (text.startsWith(c.repeat(3), this.i)) this.multiLineString(c);
			else this.singleLineString(c);
			return;
		}
		if (c === "[" || c === "{") {
			const close = c === "[" ? "]" : "}";
			this.i++;
			for (;;) {
				this.spaceInside();
				const next = text[this.i];
				if (next === undefined) this.fail();
				if (next === close) {
					this.i++;
					return;
				}
				if (next === ",") {
					this.i++;
					continue;
				}
				if (c === "{") {
					this.key("=");
					this.expect("=");
					this.spaceInside();
				}
				this.value();
			}
		}
		const start = this.i;
		while (this.i < text.length && !/[\s,\]}#]/.test(text[this.i] ?? "")) this.i++;
		// a date-time may hold one space: `1979-05-27 07:32:00`
		if (/^\d{4}-\d\d-\d\d$/.test(text.slice(start, this.i)) && /^ \d\d:/.test(text.slice(this.i, this.i + 4))) {
			this.i++;
			while (this.i < text.length && !/[\s,\]}#]/.test(text[this.i] ?? "")) this.i++;
		}
		if (this.i === start) this.fail();
	}

	/** Whitespace, newlines and comments inside an array or inline table. */
	private spaceInside(): void {
		for (;;) {
			const c = this.text[this.i];
			if (c === " " || c === "\t" || c === "\n" || c === "\r") this.i++;
			else if (c === "#") while (this.i < this.text.length && this.text[this.i] !== "\n") this.i++;
			else return;
		}
	}

	private multiLineString(quote: string): void {
		const fence = quote.repeat(3);
		this.i += 3;
		for (;;) {
			if (this.i >= this.text.length) this.fail();
			if (quote === '"' && this.text[this.i] === "\\") {
				this.i += 2;
				continue;
			}
			if (this.text.startsWith(fence, this.i)) {
				this.i += 3;
				// up to two more quotes belong to the content: `""""x""""`
				while (this.text[this.i] === quote) this.i++;
				return;
			}
			this.i++;
		}
	}
}

/** Whether `path` starts with `prefix`. */
export function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
	return prefix.length <= path.length && prefix.every((part, i) => path[i] === part);
}
