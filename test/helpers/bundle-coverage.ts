import { readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { ROOT } from "./run.js";

type Coverage = {
	result: {
		url: string;
		functions: { functionName: string; ranges: { startOffset: number; endOffset: number; count: number }[] }[];
	}[];
};

/**
 * From V8's coverage of a run of the bundle (NODE_V8_COVERAGE), the source files of dist/cli.js
 * that were seen, each with whether any of its functions ran. The bundle is minified: a function
 * is placed by its position, through the bundle's source map.
 */
export function bundleSources(coverage: string): Map<string, boolean> {
	const bundle = path.join(ROOT, "dist/cli.js");
	const code = readFileSync(bundle, "latin1");
	const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, "utf8")));
	const lineStarts = [0];
	for (let i = code.indexOf("\n"); i !== -1; i = code.indexOf("\n", i + 1)) lineStarts.push(i + 1);
	const place = (offset: number): string | undefined => {
		let low = 0;
		let high = lineStarts.length - 1;
		while (low < high) {
			const middle = Math.ceil((low + high) / 2);
			if ((lineStarts[middle] ?? 0) <= offset) low = middle;
			else high = middle - 1;
		}
		const entry = map.findEntry(low, offset - (lineStarts[low] ?? 0)) as { originalSource?: string };
		return entry.originalSource;
	};
	const sources = new Map<string, boolean>();
	for (const file of readdirSync(coverage)) {
		const scripts = (JSON.parse(readFileSync(path.join(coverage, file), "utf8")) as Coverage).result;
		for (const script of scripts.filter((s) => s.url.endsWith("dist/cli.js"))) {
			// the launcher compiles the bundle inside Node's module wrapper: offsets count from its start
			const whole = Math.max(...script.functions.map((f) => f.ranges[0]?.endOffset ?? 0));
			const shift = whole - code.length;
			for (const fn of script.functions) {
				const range = fn.ranges[0];
				if (range === undefined || range.endOffset === whole) continue;
				const source = place(range.startOffset - shift);
				if (source === undefined) continue;
				sources.set(source, (sources.get(source) ?? false) || range.count > 0);
			}
		}
	}
	return sources;
}
