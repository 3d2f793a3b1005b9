import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { onLines } from "../../source/core/os/lines.js";

/** The lines `split` yields for `chunks` written one by one, then the end of the stream. */
function collect(split: (stream: PassThrough, each: (line: string) => void) => void, chunks: string[]) {
	return new Promise<string[]>((resolve) => {
		const stream = new PassThrough();
		const lines: string[] = [];
		split(stream, (line) => lines.push(line));
		stream.on("end", () => setImmediate(() => resolve(lines)));
		for (const chunk of chunks) stream.write(chunk);
		stream.end();
	});
}

const readline = (stream: PassThrough, each: (line: string) => void) => {
	createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on("line", each);
};

describe("onLines splits uv's output as readline does", () => {
	it.each([
		[["a\nb\n"], ["a", "b"]],
		[["a\r\nb"], ["a", "b"]],
		[
			["a\r", "\nb\r"],
			["a", "b"],
		],
		[["a\rb\n\r"], ["a", "b", ""]],
		[
			["", "x", "", "y\n\n"],
			["xy", ""],
		],
		[["é\u2026 ✓\n"], ["é\u2026 ✓"]],
	])("%j", async (chunks, expected) => {
		expect(await collect(onLines, chunks)).toEqual(expected);
		expect(await collect(readline, chunks)).toEqual(expected);
	});

	it("a character cut between two chunks", async () => {
		const bytes = Buffer.from("é✓\n");
		const stream = new PassThrough();
		const lines: string[] = [];
		onLines(stream, (line) => lines.push(line));
		const ended = new Promise((resolve) => stream.on("end", resolve));
		for (let index = 0; index < bytes.length; index++) stream.write(bytes.subarray(index, index + 1));
		stream.end();
		await ended;
		expect(lines).toEqual(["é✓"]);
	});

	it("for any text cut into any chunks", async () => {
		const piece = fc.constantFrom("a", "bc", "\n", "\r", "\r\n", " ", "é", "✓", "");
		await fc.assert(
			fc.asyncProperty(
				fc.array(
					fc.array(piece, { maxLength: 6 }).map((parts) => parts.join("")),
					{ maxLength: 8 },
				),
				async (chunks) => {
					expect(await collect(onLines, chunks)).toEqual(await collect(readline, chunks));
				},
			),
			{ numRuns: 300 },
		);
	});
});
