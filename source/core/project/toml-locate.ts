import type { Location } from "../base/errors.js";

/**
 * The line of `key` inside the table `table` of a TOML text. smol-toml gives no positions, so
 * this scans the text for the table header and then the key; it handles the common layouts
 * (a `[tool.hpm.groups]` header, or dotted keys under `[tool.hpm]`) and falls back to the file.
 */
export function locateTomlKey(text: string, file: string, table: readonly string[], key: string): Location {
	const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
	const header = `[${table.join(".")}]`;
	const escaped = escapeRegExp(key);
	const keyPattern = new RegExp(`^\\s*(${escaped}|"${escaped}"|'${escaped}')\\s*=`);
	let inTable = false;
	let headerLine: number | undefined;
	for (let index = 0; index < lines.length; index++) {
		const line = (lines[index] ?? "").replace(/#.*$/, "").trim();
		if (line.startsWith("[")) {
			inTable = line.replace(/\s+/g, "") === header;
			if (inTable) headerLine = index + 1;
			continue;
		}
		if (inTable && keyPattern.test(line)) return { file, line: index + 1, column: 1 };
	}
	return headerLine === undefined ? { file } : { file, line: headerLine, column: 1 };
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
