import { parse } from "smol-toml";
import { HpmError } from "../base/errors.js";
import { uvIndexUrl } from "../uv/index-url.js";
import { lineEnds } from "./line-ends.js";

/** A declared index as hpm writes it into `[[tool.uv.index]]`. */
export type IndexTable = { readonly name: string; readonly url: string; readonly explicit: boolean };

/**
 * The project's text with a `[[tool.uv.index]]` table for `index` appended, or undefined when the
 * project has a table of that name already. `uv add --index NAME=URL` writes only `name` and
 * `url`, and keeps the other keys of a table it finds (measured with uv 0.13.9): hpm writes an
 * explicit index's table first, so that uv records the requirement against it.
 */
export function withIndexTable(original: string, file: string, index: IndexTable): string | undefined {
	const { lf: text, restore } = lineEnds(original);
	if (tableNames(text).includes(index.name)) return undefined;
	const lines = [
		"[[tool.uv.index]]",
		`name = ${JSON.stringify(index.name)}`,
		`url = ${JSON.stringify(uvIndexUrl(index.url))}`,
		...(index.explicit ? ["explicit = true"] : []),
	];
	const next = `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}\n${lines.join("\n")}\n`;
	let names: string[];
	try {
		names = tableNames(next);
	} catch {
		names = [];
	}
	if (!names.includes(index.name))
		throw new HpmError("index-table", `cannot add a [[tool.uv.index]] table named "${index.name}" to ${file}`, {
			hint: "write tool.uv.index as [[tool.uv.index]] tables (not an inline array), then run the command again",
			location: { file },
		});
	return restore(next);
}

function tableNames(text: string): string[] {
	const uv = (parse(text) as { tool?: { uv?: { index?: unknown } } }).tool?.uv;
	const tables = Array.isArray(uv?.index) ? (uv.index as unknown[]) : [];
	return tables.flatMap((t) =>
		typeof t === "object" && t !== null && typeof (t as { name?: unknown }).name === "string"
			? [(t as { name: string }).name]
			: [],
	);
}
