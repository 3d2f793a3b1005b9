import fc from "fast-check";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { makeHpmTableSchema, parseHpmTable, plainHpmTable } from "../../source/core/project/project.js";

// the schema itself: the hand check must give the same answer
const schema = makeHpmTableSchema();

const leaf = fc.oneof(
	fc.constantFrom("prod", "dev", "", "Dev", "a-b_1", "registry", "git+https://x/y.git"),
	fc.string({ maxLength: 6 }),
	fc.integer(),
	fc.boolean(),
	fc.constant(null),
	fc.date({ noInvalidDate: true }),
);
const value = fc.oneof(
	leaf,
	fc.array(leaf, { maxLength: 3 }),
	fc.array(fc.constantFrom("a", "", "b"), { maxLength: 3 }),
	fc.dictionary(fc.constantFrom("vlm", "metrics", "x"), fc.oneof(leaf, fc.array(leaf, { maxLength: 2 }))),
);
const table = fc.oneof(
	fc.record(
		{
			mode: value,
			registry: value,
			"registry-rev": value,
			groups: value,
			managed: value,
			excluded: value,
			other: value,
		},
		{ requiredKeys: [] },
	),
	value,
);

describe("[tool.hpm] checked by hand", () => {
	it("accepts exactly what the schema accepts, and gives the same data", () => {
		let fast = 0;
		let refused = 0;
		fc.assert(
			fc.property(table, (raw) => {
				const zod = schema.safeParse(raw);
				const plain = plainHpmTable(raw);
				// where the hand check is unsure it asks the schema, so it never accepts more
				if (plain !== undefined) expect(zod.success).toBe(true);
				if (plain !== undefined) fast++;
				if (!zod.success) refused++;
				const both = parseHpmTable(raw);
				expect(both.success).toBe(zod.success);
				if (zod.success && both.success) expect(both.data).toEqual(zod.data);
			}),
			{ numRuns: 3000 },
		);
		// both sides were tried often
		expect(fast).toBeGreaterThan(100);
		expect(refused).toBeGreaterThan(100);
	});

	it("takes the fast path for real tables, and leaves the odd ones to the schema", () => {
		const real = parse(`[tool.hpm]
mode = "dev"
registry = ["registry", "git+https://example.com/r.git"]
registry-rev = ["0123456789abcdef0123456789abcdef01234567"]
managed = ["a", "b"]
excluded = ["c"]
[tool.hpm.groups]
vlm = "vlm-adapter-qwen"
metrics = ["metric-bleu", "metric-rouge"]
`) as { tool: { hpm: unknown } };
		expect(plainHpmTable(real.tool.hpm)).toBe(real.tool.hpm);
		expect(plainHpmTable({})).toEqual({});
		// a date is an object the schema decides on
		const dated = parse("[tool.hpm]\nmode = 1979-05-27\n") as { tool: { hpm: unknown } };
		expect(plainHpmTable(dated.tool.hpm)).toBeUndefined();
		expect(parseHpmTable(dated.tool.hpm).success).toBe(false);
	});
});
