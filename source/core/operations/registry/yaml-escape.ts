/**
 * Characters a YAML double-quoted scalar may hold raw but a person's terminal would obey or hide
 * (`cat` or `git diff` of the file): DEL, the C1 controls (U+0085 is a line break to YAML, U+009B
 * a terminal's CSI) and the Unicode line and paragraph separators. JSON.stringify and the yaml
 * library leave them raw.
 */
const HIDDEN = /[\u007f-\u009f\u2028\u2029]/g;

/**
 * Escapes those characters in text made of double-quoted YAML scalars (what hpm writes: every
 * string double-quoted, keys plain field names) as `\uXXXX`, which YAML reads back as the same
 * character.
 */
export function escapeHidden(yaml: string): string {
	return yaml.replace(HIDDEN, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}

/** A string as a double-quoted YAML scalar (JSON's escapes are YAML's), hidden characters escaped. */
export function quotedScalar(text: string): string {
	return escapeHidden(JSON.stringify(text));
}
