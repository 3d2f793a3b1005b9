import { describe, expect, it } from "vitest";
import { cellIndex } from "../../source/core/plan/report-data.js";
import { scriptSafeJson } from "../../source/core/plan/report-html.js";

describe("the report's embedded JSON", () => {
	it("cannot close its script element, open a comment or hold a raw line separator, and reads back unchanged", () => {
		const value = { text: "</script><script>x()</script> <!-- --> a\u2028b\u2029c & > <", nested: ["</SCRIPT>"] };
		const json = scriptSafeJson(value);
		expect(json).not.toMatch(/<|>|&|\u2028|\u2029/);
		expect(JSON.parse(json)).toEqual(value);
	});
});

describe("the compatibility grid's cells", () => {
	it("numbers every pair a < b of n options once, in order", () => {
		const n = 7;
		const seen: number[] = [];
		for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) seen.push(cellIndex(a, b, n));
		expect(seen).toEqual(Array.from({ length: (n * (n - 1)) / 2 }, (_, i) => i));
	});
});
