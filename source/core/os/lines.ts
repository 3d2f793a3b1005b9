import type { Readable } from "node:stream";

/**
 * Calls `each` with every line of `stream` as it arrives, split as readline splits them with
 * crlfDelay Infinity (at \r\n, \n or a lone \r; a \r\n split across two chunks is one break; the
 * last line without a break at the end). Not readline itself: loading it cost every sync and check
 * about a millisecond for this one loop.
 */
export function onLines(stream: Readable, each: (line: string) => void): void {
	let rest = "";
	stream.setEncoding("utf8");
	stream.on("data", (chunk: string) => {
		let text = rest + chunk;
		// a \r at the end may be the first half of a \r\n
		const held = text.endsWith("\r") ? "\r" : "";
		if (held) text = text.slice(0, -1);
		const lines = text.split(/\r\n|\n|\r/);
		rest = (lines.pop() ?? "") + held;
		for (const line of lines) each(line);
	});
	stream.on("end", () => {
		const last = rest;
		rest = "";
		// a held \r ends a line (perhaps an empty one); text without a break is the last line
		if (last.endsWith("\r")) each(last.slice(0, -1));
		else if (last !== "") each(last);
	});
}
