import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { narrowWidth, styledNarrowWidth } from "../../components/text-width.js";
import { ROOT } from "../helpers/run.js";

// both string-width versions the UI bundle puts narrowWidth in front of
const load = async (from: string) => {
	const file = createRequire(path.join(ROOT, from, "package.json")).resolve("string-width");
	return ((await import(file)) as { default: (text: string) => number }).default;
};

describe("narrowWidth agrees with string-width wherever it answers", () => {
	it("for every character it accepts, alone and in text, in both versions Ink uses", async () => {
		const widths = [await load("node_modules/ink"), await load("node_modules/wrap-ansi")];
		let accepted = 0;
		for (let code = 0; code <= 0xffff; code++) {
			const char = String.fromCharCode(code);
			const mine = narrowWidth(char);
			if (mine === undefined) continue;
			accepted += 1;
			for (const width of widths) expect([code.toString(16), width(char)]).toEqual([code.toString(16), mine]);
		}
		expect(accepted).toBeGreaterThan(700);
		for (const text of ["┌──┐ ❯ group-0000 M-of-N –", "↑↓ move  ←→/tab groups ⇄ options", "a … b · ✓ ✗ ⠋ ›", ""])
			for (const width of widths) expect(width(text)).toBe(narrowWidth(text));
	});

	it("answers nothing for text that needs the real measure", () => {
		for (const text of ["中文", "😀", "e\u0301", "\u001b[31mred", "\t", "\u00ad", "a\u200bb"])
			expect(narrowWidth(text)).toBeUndefined();
	});

	it("for styled text (colours and styles), which is how Ink measures what hpm draws", async () => {
		const widths = [await load("node_modules/ink"), await load("node_modules/wrap-ansi")];
		const accepted = [" ", "a", "Z", "~", "é", "─", "│", "❯", "⇄", "…", "✓", "0", ";", "m", "["];
		const sgr = fc.oneof(
			fc.constantFrom("\u001b[1m", "\u001b[22m", "\u001b[2m", "\u001b[32m", "\u001b[39m", "\u001b[m", "\u001b[0m"),
			fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 5 }).map((codes) => `\u001b[${codes.join(";")}m`),
		);
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.constantFrom(...accepted), sgr), { maxLength: 30 }), (parts) => {
				const text = parts.join("");
				const mine = styledNarrowWidth(text);
				expect(mine).toBeDefined();
				for (const width of widths) expect(width(text)).toBe(mine);
			}),
			{ numRuns: 2000 },
		);
		expect(styledNarrowWidth("\u001b[1mvlm-adapter-qwen\u001b[22m 0.1.0 \u001b[2mVLM adapter\u001b[22m")).toBe(34);
	});

	it("answers nothing for styled text with any other escape, or wide text inside the styles", () => {
		for (const text of [
			"\u001b[31m中文\u001b[39m",
			"\u001b]8;;https://x\u0007link\u001b]8;;\u0007",
			"\u001b7a",
			"\u001b[2Ja",
			"\u009b31ma",
		])
			expect(styledNarrowWidth(text)).toBeUndefined();
	});
});
