import { isMap, isSeq, parseDocument } from "yaml";
import { HpmError } from "../errors.js";
import { groupFileSchema } from "./schema.js";

/**
 * Adds `- name: "<option>"` to a group file's `options`, touching nothing else: the line is
 * inserted after the last option with the same indentation. A flow list (`options: [...]`) is
 * rewritten by the YAML library instead. The result is re-read to prove it says what we meant.
 */
export function appendGroupOption(text: string, option: string, file: string): string {
	const document = parseDocument(text);
	const before = groupFileSchema.safeParse(document.toJS());
	const expected = [...(before.success ? before.data.options.map((o) => o.name) : []), option];
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
		result = `${text.slice(0, lineEnd)}${newline}${prefix}name: ${JSON.stringify(option)}${text.slice(lineEnd)}`;
	} else {
		document.addIn(["options"], document.createNode({ name: option }));
		result = document.toString();
	}
	const after = groupFileSchema.safeParse(parseDocument(result).toJS());
	if (!after.success || JSON.stringify(after.data.options.map((o) => o.name)) !== JSON.stringify(expected)) {
		throw new HpmError("yaml-edit-mismatch", `could not add "${option}" to ${file} safely; nothing was written`, {
			hint: `add \`- name: "${option}"\` under options: by hand`,
			location: { file },
		});
	}
	return result;
}
