import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PlainSegmenter, splitsByCodeUnit } from "../../components/plain-segmenter.js";

// The UI bundle puts PlainSegmenter in place of Intl.Segmenter (scripts/build.mjs): it must give
// exactly ICU's segments, whichever way it splits.
const icu = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const plain = new PlainSegmenter(undefined, { granularity: "grapheme" });
const segments = (segmenter: { segment(text: string): Iterable<unknown> }, text: string) => [
	...segmenter.segment(text),
];

describe("PlainSegmenter splits as Intl.Segmenter does", () => {
	const accepted: string[] = [];
	for (let code = 0; code <= 0xffff; code++) {
		const char = String.fromCharCode(code);
		if (splitsByCodeUnit(char)) accepted.push(char);
	}

	it("for every character it splits itself, alone and between others", () => {
		expect(accepted.length).toBeGreaterThan(800);
		for (const char of accepted)
			for (const text of [char, `a${char}b`, `${char}${char}`, `\u001b[1m${char}\u001b[22m`, `${char}\n`, `\n${char}`])
				expect([char.charCodeAt(0).toString(16), segments(plain, text)]).toEqual([
					char.charCodeAt(0).toString(16),
					segments(icu, text),
				]);
	});

	it("for generated text of those characters, and containing() at any index", () => {
		fc.assert(
			fc.property(
				fc.array(fc.constantFrom(...accepted), { maxLength: 40 }),
				fc.integer({ min: -3, max: 45 }),
				(chars, at) => {
					const text = chars.join("");
					expect(splitsByCodeUnit(text)).toBe(true);
					expect(segments(plain, text)).toEqual(segments(icu, text));
					const mine = plain.segment(text) as Intl.Segments;
					expect(mine.containing(at)).toEqual(icu.segment(text).containing(at));
				},
			),
			{ numRuns: 3000 },
		);
		const text = "abc";
		expect((plain.segment(text) as Intl.Segments).containing(Number.NaN)).toEqual(
			icu.segment(text).containing(Number.NaN),
		);
		expect((plain.segment(text) as Intl.Segmenter & Intl.Segments).containing()).toEqual(
			icu.segment(text).containing(),
		);
	});

	it("leaves text that needs ICU to ICU: joined marks, CR LF, emoji, Hangul, other granularities", () => {
		for (const text of ["e\u0301", "a\r\nb", "👍🏽 ok", "🇩🇪", "한국어", "a\u200db", "x\ufe0f", "中文", "\r"]) {
			expect(splitsByCodeUnit(text)).toBe(false);
			expect(segments(plain, text)).toEqual(segments(icu, text));
		}
		const words = new PlainSegmenter("en", { granularity: "word" });
		expect(segments(words, "two words")).toEqual(
			segments(new Intl.Segmenter("en", { granularity: "word" }), "two words"),
		);
		expect(words.resolvedOptions().granularity).toBe("word");
	});
});
