import { arrayElements, type Entry, type Layout, startsWith, tomlLayout } from "./toml-layout.js";

/**
 * Text-level helpers that keep an edit to the lines it concerns: the `[tool.hpm…]` sections are
 * cut out, edited on their own and put back where they were (toml_edit re-renders a whole
 * document, which regroups interleaved dotted keys elsewhere), and a one-item-per-line string
 * array gains or loses lines without losing the comments around its items. Each returns
 * undefined when the text is not in the shape it handles; the caller then edits the whole
 * document, and every outcome is re-parsed and compared with the intended data before it is used.
 */

const HPM = ["tool", "hpm"] as const;

type Section = { readonly key: string; readonly start: number; readonly end: number };

function sections(text: string, layout: Layout): Section[] {
	return layout.headers.map((header, index) => ({
		key: `${header.array ? "[[" : "["}${JSON.stringify(header.path)}`,
		start: header.start,
		end: layout.headers[index + 1]?.start ?? text.length,
	}));
}

/**
 * Edits only the `[tool.hpm…]` sections of `text` with `editPart` (which gets them joined as one
 * small document) and splices the result back in place; sections `editPart` creates go after the
 * last hpm section, or at the end of the document when there was none.
 */
export function editHpmSections(text: string, editPart: (part: string) => string): string | undefined {
	const layout = tomlLayout(text);
	if (!layout) return undefined;
	// hpm's keys written elsewhere (`[tool]` with `hpm.mode = …`, an inline table): whole-document edit
	if (layout.entries.some((entry) => startsWith(entry.path, HPM) && !startsWith(entry.table, HPM))) return undefined;
	const all = sections(text, layout);
	const ours = all.filter((_, index) => startsWith(layout.headers[index]?.path ?? [], HPM));
	if (new Set(ours.map((s) => s.key)).size !== ours.length) return undefined;
	const part = ours.map((s) => withNewline(text.slice(s.start, s.end))).join("");
	const edited = editPart(part);
	const editedLayout = tomlLayout(edited);
	if (!editedLayout) return undefined;
	if (editedLayout.entries.some((entry) => !startsWith(entry.table, HPM))) return undefined;
	if (editedLayout.headers.some((header) => !startsWith(header.path, HPM))) return undefined;
	const editedSections = sections(edited, editedLayout);
	if (edited.slice(0, editedSections[0]?.start ?? edited.length).trim() !== "") return undefined;

	const original = new Map(ours.map((s) => [s.key, s]));
	const replacement = new Map<string, string>();
	let before = "";
	let last: Section | undefined;
	for (const section of editedSections) {
		const body = edited.slice(section.start, section.end);
		const match = original.get(section.key);
		if (match) {
			if (last && match.start < last.start) return undefined;
			replacement.set(match.key, before + body);
			before = "";
			last = match;
		} else if (last) {
			const previous = replacement.get(last.key) ?? "";
			replacement.set(last.key, withBlankLine(previous) + body);
		} else before += body;
	}
	if (ours.length === 0) {
		if (before === "") return text;
		return text.trim() === "" ? before : `${withBlankLine(withNewline(text))}${before}`;
	}
	let out = "";
	let cursor = 0;
	for (const [index, section] of ours.entries()) {
		let body = replacement.get(section.key) ?? "";
		if (index === 0) body = before + body;
		// a section that was followed by a blank line still is
		const wasSeparated = /\n\s*\n$/.test(text.slice(section.start, section.end));
		if (wasSeparated && body !== "" && section.end < text.length) body = withBlankLine(withNewline(body));
		out += text.slice(cursor, section.start) + body;
		cursor = section.end;
	}
	return out + text.slice(cursor);
}

function withNewline(text: string): string {
	return text === "" || text.endsWith("\n") ? text : `${text}\n`;
}

function withBlankLine(text: string): string {
	return text === "" || /\n\s*\n$/.test(text) ? text : `${withNewline(text)}\n`;
}

type Item = { readonly value: string; readonly start: number; readonly end: number };

/**
 * Turns the one-item-per-line string array at `path` from `old` into `next` in place, when `next`
 * is `old` with some items removed and others appended (what `hpm group add/remove` does to an
 * M-of-N list): removed items lose their line, new ones get a line like the last item's, and every
 * comment stays.
 */
export function editArrayLines(
	text: string,
	path: readonly string[],
	old: readonly string[],
	next: readonly string[],
): string | undefined {
	const layout = tomlLayout(text);
	const entry = layout?.entries.find((e) => e.path.length === path.length && startsWith(e.path, path));
	if (!entry) return undefined;
	const items = arrayItems(text, entry);
	if (!items || items.length !== old.length || items.some((item, i) => item.value !== old[i])) return undefined;
	const kept = items.filter((item) => next.includes(item.value));
	const appended = next.slice(kept.length);
	if (kept.some((item, i) => next[i] !== item.value) || appended.some((value) => old.includes(value))) return undefined;
	const lastKept = kept.at(-1);
	if (!lastKept) return undefined;

	const lines = items.map((item) => ownLine(text, item));
	if (lines.some((line) => line === undefined)) return undefined;
	let out = text;
	// from the end, so earlier offsets stay valid
	for (let i = items.length - 1; i >= 0; i--) {
		const item = items[i];
		const line = lines[i];
		if (!item || !line) return undefined;
		if (item === lastKept && appended.length > 0) {
			const indent = text.slice(line.start, item.start);
			const comma = line.comma ? "" : ",";
			const added = appended.map(
				(value, k) => `${indent}${JSON.stringify(value)}${k < appended.length - 1 || line.comma ? "," : ""}\n`,
			);
			out = out.slice(0, item.end) + comma + out.slice(item.end, line.end) + added.join("") + out.slice(line.end);
		} else if (!next.includes(item.value)) out = out.slice(0, line.start) + out.slice(line.end);
	}
	return out;
}

/** The string items of the array value of `entry`, or undefined if it is not a multi-line array of strings. */
function arrayItems(text: string, entry: Entry): Item[] | undefined {
	const value = text.slice(entry.valueStart, entry.valueEnd);
	if (!value.startsWith("[") || !value.includes("\n")) return undefined;
	const items: Item[] = [];
	let i = entry.valueStart + 1;
	while (i < entry.valueEnd - 1) {
		const c = text[i];
		if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === ",") i++;
		else if (c === "#") while (i < entry.valueEnd && text[i] !== "\n") i++;
		else if (c === '"' && !text.startsWith('"""', i)) {
			const end = text.indexOf('"', i + 1);
			const raw = text.slice(i, end + 1);
			if (end === -1 || raw.includes("\\") || raw.includes("\n")) return undefined;
			items.push({ value: raw.slice(1, -1), start: i, end: end + 1 });
			i = end + 1;
		} else if (c === "'" && !text.startsWith("'''", i)) {
			const end = text.indexOf("'", i + 1);
			if (end === -1 || text.slice(i, end).includes("\n")) return undefined;
			items.push({ value: text.slice(i + 1, end), start: i, end: end + 1 });
			i = end + 1;
		} else return undefined;
	}
	return items;
}

/** The line an item has to itself (only blanks before it; a comma and a comment after), with its newline. */
function ownLine(text: string, item: Item): { start: number; end: number; comma: boolean } | undefined {
	const start = text.lastIndexOf("\n", item.start - 1) + 1;
	if (text.slice(start, item.start).trim() !== "") return undefined;
	const newline = text.indexOf("\n", item.end);
	if (newline === -1) return undefined;
	const after = text.slice(item.end, newline).replace(/\r$/, "");
	const match = /^[ \t]*(,?)[ \t]*(#.*)?$/.exec(after);
	if (!match) return undefined;
	return { start, end: newline + 1, comma: match[1] === "," };
}

/**
 * The array at `path` with the items `drop` picks removed (an item on its own line with its line)
 * and `append` (inline TOML) added after the last item, in the list's own style; the person's other
 * items, comments and line breaks stay as they are. Undefined when `path` is not an array written
 * as `key = [...]`, or when nothing would be left (the caller removes the key).
 */
export function editArrayItems(
	text: string,
	path: readonly string[],
	drop: (item: string) => boolean,
	append: readonly string[],
): string | undefined {
	const find = (source: string) => {
		const entry = tomlLayout(source)?.entries.find((e) => e.path.length === path.length && startsWith(e.path, path));
		const items = entry && arrayElements(source, entry.valueStart);
		return entry && items ? { entry, items } : undefined;
	};
	const found = find(text);
	if (!found) return undefined;
	let out = text;
	for (const item of [...found.items].reverse()) {
		if (!drop(text.slice(item.start, item.end))) continue;
		const line = ownLine(out, { value: "", ...item });
		if (line) out = out.slice(0, line.start) + out.slice(line.end);
		else {
			const after = /^\s*,[ \t]*/.exec(out.slice(item.end));
			const before = /,\s*$/.exec(out.slice(found.entry.valueStart, item.start));
			if (after) out = out.slice(0, item.start) + out.slice(item.end + after[0].length);
			else if (before) out = out.slice(0, item.start - before[0].length) + out.slice(item.end);
			else out = out.slice(0, item.start) + out.slice(item.end);
		}
	}
	const kept = find(out);
	if (!kept || kept.items.length + append.length === 0) return undefined;
	const last = kept.items.at(-1);
	if (append.length === 0) return out;
	if (!last) {
		const open = kept.entry.valueStart + 1;
		return out.slice(0, open) + append.join(", ") + out.slice(open);
	}
	const line = ownLine(out, { value: "", ...last });
	if (!line) return out.slice(0, last.end) + ", " + append.join(", ") + out.slice(last.end);
	const indent = out.slice(line.start, last.start);
	const added = append.map((value, k) => `${indent}${value}${k < append.length - 1 || line.comma ? "," : ""}\n`);
	return (
		out.slice(0, last.end) +
		(line.comma ? "" : ",") +
		out.slice(last.end, line.end) +
		added.join("") +
		out.slice(line.end)
	);
}
