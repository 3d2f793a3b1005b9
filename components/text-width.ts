/**
 * The width of text made only of printable ASCII and the symbols hpm's screens and Ink's borders
 * draw with, each one column wide; `undefined` for anything else. The build puts it in front of
 * string-width for Ink (scripts/build-plugins.mjs), whose first real call compiles an emoji
 * regular expression (~35 ms of the first frame) that such text never needs;
 * test/unit/text-width.test.ts proves it agrees with both string-width versions Ink uses for every
 * character it accepts.
 */
// (not ©, ®, ‼, ⁉, ↔-↙, ↩, ↪: one string-width version counts them as emoji, two columns)
const NARROW =
	/^[\u0020-\u007E\u00A1-\u00A8\u00AA-\u00AC\u00AF-\u00FF\u2010-\u2027\u2030-\u203B\u203D-\u2048\u204A-\u205E\u2190-\u2193\u219A-\u21A8\u21AB-\u21FF\u2500-\u259F\u2800-\u28FF\u276F\u2713\u2717]*$/;

export function narrowWidth(text: string): number | undefined {
	return NARROW.test(text) ? text.length : undefined;
}

// SGR (colours and styles: ESC [ digits and semicolons m), the only escapes Ink's own text holds.
// Each is exactly what string-width's strip-ansi removes there: CSI parameters then the final `m`.
// Any other escape leaves an ESC behind, which NARROW refuses.
const SGR = /\u001B\[[0-9;]*m/g;

/** narrowWidth of styled text: its colours and styles take no columns. */
export function styledNarrowWidth(text: string): number | undefined {
	return narrowWidth(text.includes("\u001B") ? text.replace(SGR, "") : text);
}
