import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { escapeHidden, quotedScalar } from "../../source/core/operations/registry/yaml-escape.js";

const hidden = ["\u007f", "\u0085", "\u009b", "\u0080", "\u009f", "\u2028", "\u2029"];
const raw = /[\u007f-\u009f\u2028\u2029]/;

describe("hidden characters in the YAML hpm writes", () => {
	it.each(hidden)("U+%s is written escaped and read back as itself", (c) => {
		const text = `before${c}[2J after`;
		const scalar = quotedScalar(text);
		expect(scalar).not.toMatch(raw);
		expect(parse(`d: ${scalar}`)).toEqual({ d: text });
		const document = escapeHidden(stringify({ d: text }, { defaultStringType: "QUOTE_DOUBLE", lineWidth: 0 }));
		expect(document).not.toMatch(raw);
		expect(parse(document)).toEqual({ d: text });
	});

	it("leaves every other character as it was", () => {
		const text = 'plain "quoted" \\ tab\t é 漢字 🙂';
		expect(parse(`d: ${quotedScalar(text)}`)).toEqual({ d: text });
		expect(quotedScalar(text)).toBe(JSON.stringify(text));
	});
});
