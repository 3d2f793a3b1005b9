/**
 * The scalars of the simple YAML parser (yaml-simple.ts): plain ones as YAML 1.2's core schema
 * reads them, quoted ones on one line. Anything else gives up.
 */

/** Thrown when the text is more than this parser reads: `yaml` decides. */
export class GiveUp extends Error {}
export const giveUp = (): never => {
	throw new GiveUp();
};

// YAML 1.2 core schema: what a plain scalar is when it is not a string
export const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
export const INT = /^[-+]?[0-9]+$/;
export const NOT_A_STRING =
	/^(?:~|[Nn]ull|NULL|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
// characters a plain scalar may not start with (and "-", "?", ":" which may start one only in
// ways this parser leaves to `yaml`)
export const INDICATOR = new Set([..."-?:,[]{}#&*!|>'\"%@`"]);

/** A quoted scalar on one line of `source`; `after` is just past its closing quote. */
export function quoted(source: string, at: number, end: number): { text: string; after: number } {
	const quote = source[at];
	let text = "";
	let position = at + 1;
	for (;;) {
		if (position >= end) giveUp();
		const char = source[position] ?? "";
		if (char === quote) {
			if (quote === "'" && source[position + 1] === "'") {
				text += "'";
				position += 2;
				continue;
			}
			return { text, after: position + 1 };
		}
		if (char === "\\" && quote === '"') {
			const escape = source[position + 1] ?? "";
			const simple = ESCAPES[escape];
			if (simple !== undefined) {
				text += simple;
				position += 2;
				continue;
			}
			if (escape === "u" && /^[0-9a-fA-F]{4}$/.test(source.slice(position + 2, position + 6))) {
				text += String.fromCharCode(Number.parseInt(source.slice(position + 2, position + 6), 16));
				position += 6;
				continue;
			}
			giveUp();
		}
		text += char;
		position += 1;
	}
}

const ESCAPES: Readonly<Record<string, string>> = {
	"\\": "\\",
	'"': '"',
	"/": "/",
	n: "\n",
	t: "\t",
	r: "\r",
	b: "\b",
	f: "\f",
	"0": "\0",
};

/** A plain scalar as the core schema reads it: a boolean, an integer or a string; nothing else here. */
export function plain(raw: string): unknown {
	if (raw === "") return giveUp();
	if (BOOL.test(raw)) return raw[0] === "t" || raw[0] === "T";
	if (INT.test(raw)) return Number.parseInt(raw, 10);
	if (NOT_A_STRING.test(raw)) return giveUp();
	return raw;
}
