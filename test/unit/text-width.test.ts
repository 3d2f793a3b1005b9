import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { narrowWidth } from "../../components/text-width.js";
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
});
