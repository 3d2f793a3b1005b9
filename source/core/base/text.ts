/**
 * Text from files (registry, project, uv's output) is data: before it is shown, every control
 * character (C0, DEL, C1: ESC starts clear-screen, cursor and clipboard-writing sequences; a
 * newline fakes a line) and every bidirectional override is written as a visible escape, as git
 * quotes paths and `ls -q` does.
 */
// C0 controls, DEL and C1 controls (U+0080-U+009F: U+0085 is a line break, U+009B starts a CSI sequence)
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Whether `text` holds a control character: the one check for every value hpm passes on (a URL, a
 * path, a requirement), where a newline would become a second line of a requirements file.
 */
export function hasControlCharacter(text: string): boolean {
	return CONTROL.test(text);
}

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_TEST = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function escapeOne(char: string): string {
	if (char === "\n") return "\\n";
	if (char === "\t") return "\\t";
	if (char === "\r") return "\\r";
	const code = char.codePointAt(0) ?? 0;
	return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

export function displaySafe(text: string): string {
	return UNSAFE_TEST.test(text) ? text.replace(UNSAFE, escapeOne) : text;
}

/** A setting's value as an error echoes it: quoted, display-safe, cut to its first `max` characters. */
export function quotedPrefix(text: string, max = 40): string {
	return text.length > max
		? `${JSON.stringify(text.slice(0, max))}… (${text.length} characters)`
		: JSON.stringify(text);
}

// hpm's own styles, and only those: bold, dim, red, green, yellow, cyan and their resets
// (ESC[8m would hide text, ESC[30;40m make it invisible: those are escaped like any other)
const SGR = /\u001b\[(?:1|2|22|31|32|33|36|39)m/g;

/**
 * The last net before a terminal: like `displaySafe`, but keeps line breaks, tabs and hpm's own
 * color sequences, so a message that carried an escape sequence from a file in spite of
 * everything still cannot move the cursor, clear the screen or write the clipboard.
 */
export function terminalSafe(text: string): string {
	if (!UNSAFE_TEST.test(text)) return text;
	let out = "";
	let last = 0;
	for (const match of text.matchAll(SGR)) {
		out += escapeKeepingLines(text.slice(last, match.index));
		out += match[0];
		last = (match.index ?? 0) + match[0].length;
	}
	return out + escapeKeepingLines(text.slice(last));
}

function escapeKeepingLines(text: string): string {
	return text.replace(UNSAFE, (char) => (char === "\n" || char === "\t" ? char : escapeOne(char)));
}
