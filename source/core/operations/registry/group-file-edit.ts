import { quotedScalar } from "./yaml-escape.js";
import { isMap, isSeq, parseDocument } from "yaml";
import { HpmError } from "../../base/errors.js";
import { normalizeName } from "../../base/names.js";

/**
 * Adds `- name: "<option>"` to a group file's `options`, touching nothing else: the line is
 * inserted after the last option with the same indentation. A flow list (`options: [...]`) is
 * rewritten by the YAML library instead. The result is re-read to prove it says what we meant.
 */
export function appendGroupOption(text: string, option: string, file: string): string {
	const document = parseDocument(text);
	const expected = [...optionNamesOf(document.toJS()), option];
	const root = document.contents;
	const options = isMap(root) ? root.get("options", true) : undefined;
	const newline = text.includes("\r\n") ? "\r\n" : "\n";
	let result: string;
	const last = isSeq(options) && !options.flow ? options.items.at(-1) : undefined;
	if (last && typeof last === "object" && last !== null && "range" in last && Array.isArray(last.range)) {
		const start = Number(last.range[0]);
		const end = Number(last.range[1]);
		const lineStart = text.lastIndexOf("\n", start - 1) + 1;
		const dash = text.lastIndexOf("-", start);
		const prefix = `${text.slice(lineStart, dash).replace(/\S/g, " ")}- `;
		let lineEnd = text.indexOf("\n", Math.max(end - 1, start));
		if (lineEnd === -1) lineEnd = text.length;
		if (text[lineEnd - 1] === "\r") lineEnd -= 1;
		result = `${text.slice(0, lineEnd)}${newline}${prefix}name: ${quotedScalar(option)}${text.slice(lineEnd)}`;
	} else if (isSeq(options) && options.flow && options.items.length === 0 && Array.isArray(options.range)) {
		// `options: []` (a group created empty) becomes a block list, as a person would write it
		const start = Number(options.range[0]);
		const end = Number(options.range[1]);
		if (text.slice(start, end).replace(/\s/g, "") !== "[]") {
			document.addIn(["options"], document.createNode({ name: option }));
			result = document.toString();
		} else result = `${text.slice(0, start).trimEnd()}${newline}  - name: ${quotedScalar(option)}${text.slice(end)}`;
	} else {
		document.addIn(["options"], document.createNode({ name: option }));
		result = document.toString();
	}
	if (text.endsWith("\n") && !result.endsWith("\n")) result += newline;
	if (JSON.stringify(optionNamesOf(parseDocument(result).toJS())) !== JSON.stringify(expected)) {
		throw new HpmError("yaml-edit-mismatch", `could not add "${option}" to ${file} safely; nothing was written`, {
			hint: `add \`- name: "${option}"\` under options: by hand`,
			location: { file },
		});
	}
	return result;
}

/** The `name` of each item of `options`, as written (the file may not pass the schema yet). */
function optionNamesOf(value: unknown): string[] {
	const options = typeof value === "object" && value !== null ? (value as { options?: unknown }).options : undefined;
	if (!Array.isArray(options)) return [];
	return options.map((option: unknown) =>
		typeof option === "object" && option !== null && typeof (option as { name?: unknown }).name === "string"
			? (option as { name: string }).name
			: "",
	);
}

/** The normalized option names a group file's text lists (empty when it is not readable YAML). */
export function groupOptionNames(text: string): string[] {
	const document = parseDocument(text);
	if (document.errors.length > 0) return [];
	return optionNamesOf(document.toJS())
		.filter((name) => name !== "")
		.map(normalizeName);
}
