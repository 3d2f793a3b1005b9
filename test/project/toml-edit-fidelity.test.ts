import fc from "fast-check";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { editToml, type TomlEdit } from "../../source/core/project/toml-edit.js";
import { tomlLayout } from "../../source/core/project/toml-layout.js";

const edit = (text: string, edits: TomlEdit[]) => editToml(text, edits, "pyproject.toml");
const groups = (path: string, value: TomlEdit["value"]): TomlEdit => ({ path: ["tool", "hpm", "groups", path], value });

/** The text with every `[tool.hpm…]` section cut out: what an hpm edit must leave byte-identical. */
function outsideHpm(text: string): string {
	const layout = tomlLayout(text);
	if (!layout) throw new Error("unreadable");
	let out = "";
	let cursor = 0;
	layout.headers.forEach((header, i) => {
		const end = layout.headers[i + 1]?.start ?? text.length;
		if (header.path[0] === "tool" && header.path[1] === "hpm") {
			out += text.slice(cursor, header.start);
			cursor = end;
		}
	});
	return (out + text.slice(cursor)).replace(/\n+$/, "\n");
}

const COVERAGE = `[tool.coverage]
run.plugins = ["covdefaults"]
run.core = "ctrace"  # a comment on a dotted key
report.omit = ["src/x/_types.py"]
run.source = ["x", "tests"]
covdefaults.subtract_omit = "*/__main__.py"
report.exclude_also = [
  "if typing.TYPE_CHECKING:",
]
html.show_contexts = true
`;

describe("an edit changes only the [tool.hpm…] lines", () => {
	it("interleaved dotted keys elsewhere stay where they are (toml_edit would regroup them)", async () => {
		const original = `[project]\nname = "x"\nurls.a = "https://a"\ndynamic = ["version"]\nurls.b = "https://b"\n\n${COVERAGE}\n[tool.hpm.groups]\ninference = "a"\n\n[tool.ruff]\nline-length = 127\n`;
		const edited = await edit(original, [groups("inference", "b"), groups("metrics", ["m1", "m2"])]);
		expect(outsideHpm(edited)).toBe(outsideHpm(original));
		expect(edited).toBe(original.replace('inference = "a"\n', 'inference = "b"\nmetrics = ["m1", "m2"]\n'));
	});

	it("a new [tool.hpm] goes next to the existing [tool.hpm.groups], and the mode is recorded there", async () => {
		const original = `${COVERAGE}\n[tool.hpm.groups]\ninference = "a"\n\n[tool.mypy]\nstrict = true\n`;
		const edited = await edit(original, [{ path: ["tool", "hpm", "mode"], value: "dev" }]);
		expect(outsideHpm(edited)).toBe(outsideHpm(original));
		expect(edited).toContain('[tool.hpm]\nmode = "dev"\n\n[tool.hpm.groups]\ninference = "a"\n\n[tool.mypy]');
		expect((parse(edited) as { tool: { hpm: unknown } }).tool.hpm).toEqual({ mode: "dev", groups: { inference: "a" } });
	});

	it("hpm sections far apart are each edited in place", async () => {
		const original = `[tool.hpm]\nmode = "prod"\n\n${COVERAGE}\n[tool.hpm.groups]\ninference = "a"\n`;
		const edited = await edit(original, [{ path: ["tool", "hpm", "mode"], value: "dev" }, groups("inference", "c")]);
		expect(edited).toBe(original.replace('"prod"', '"dev"').replace('inference = "a"', 'inference = "c"'));
	});

	it("a document without any hpm table gets one at the end; a '[tool.hpm]' inside a string is not a table", async () => {
		const original = `[project]\nname = "x"\ndescription = """\n[tool.hpm.groups]\nnot = "a table"\n"""\n${COVERAGE}`;
		const edited = await edit(original, [groups("inference", "a")]);
		expect(edited).toBe(`${original}\n[tool.hpm.groups]\ninference = "a"\n`);
	});

	it("hpm keys written as dotted keys under [tool] are edited correctly too", async () => {
		const original = `[tool]\nhpm.mode = "prod"\nother = 1\n`;
		const edited = await edit(original, [{ path: ["tool", "hpm", "mode"], value: "dev" }]);
		expect(parse(edited)).toEqual({ tool: { hpm: { mode: "dev" }, other: 1 } });
	});
});

describe("comments inside an M-of-N list stay", () => {
	const list = `[tool.hpm.groups]\nmetrics = [\n  "metric-bleu", # the fast one\n  # rouge is slow\n  "metric-rouge",\n]\n`;

	it("adding appends a line like the last one", async () => {
		const edited = await edit(list, [groups("metrics", ["metric-bleu", "metric-rouge", "metric-legacy"])]);
		expect(edited).toBe(list.replace('"metric-rouge",\n', '"metric-rouge",\n  "metric-legacy",\n'));
	});

	it("removing drops only that item's line", async () => {
		const edited = await edit(list, [groups("metrics", ["metric-rouge"])]);
		expect(edited).toBe(`[tool.hpm.groups]\nmetrics = [\n  # rouge is slow\n  "metric-rouge",\n]\n`);
	});

	it("without a trailing comma, the last item gets one and the new last has none", async () => {
		const bare = list.replace('"metric-rouge",', '"metric-rouge"  # slow');
		const edited = await edit(bare, [groups("metrics", ["metric-bleu", "metric-rouge", "a", "b"])]);
		expect(edited).toContain('  "metric-rouge",  # slow\n  "a",\n  "b"\n]');
		expect(parse(edited)).toEqual({
			tool: { hpm: { groups: { metrics: ["metric-bleu", "metric-rouge", "a", "b"] } } },
		});
	});

	it("a reorder, or a list in another shape, is rewritten by toml_edit and still exact", async () => {
		const edited = await edit(list, [groups("metrics", ["metric-rouge", "metric-bleu"])]);
		expect(parse(edited)).toEqual({ tool: { hpm: { groups: { metrics: ["metric-rouge", "metric-bleu"] } } } });
		const inline = await edit(`[tool.hpm.groups]\nmetrics = ["a", # x\n  "b"]\n`, [groups("metrics", ["a"])]);
		expect(parse(inline)).toEqual({ tool: { hpm: { groups: { metrics: ["a"] } } } });
	});
});

describe("property: random documents with interleaved dotted keys, strings and comments", () => {
	const key = fc.constantFrom("run", "report", "paths", "html", "urls", "a-b", '"quoted.key"');
	const leaf = fc.constantFrom("x", "y", "z", "omit", "source");
	const scalar = fc.constantFrom(
		'"text"',
		"'literal'",
		"12",
		"true",
		"1979-05-27 07:32:00",
		'"""\n[tool.hpm]\nmode = "x"\n"""',
		"[\n  \"a\", # c\n  'b',\n]",
		'{ k = "v", n = [1, 2] }',
	);
	const line = fc
		.tuple(key, leaf, scalar, fc.boolean())
		.map(([k, l, v, comment]) => `${k}.${l} = ${v}${comment ? "  # note" : ""}\n`);
	const table = fc.tuple(
		fc.constantFrom("tool.coverage", "tool.ruff", "project", "tool.pytest"),
		fc.array(line, { maxLength: 6 }),
	);
	const hpmSection = fc.constantFrom(
		'[tool.hpm]\nmode = "prod"\n',
		'[tool.hpm.groups]\ninference = "a"\nmetrics = [\n  "m1", # first\n  "m2",\n]\n',
		"",
	);
	const document = fc
		.tuple(fc.array(table, { maxLength: 4 }), hpmSection, hpmSection, fc.nat(4), fc.nat(4))
		.map(([tables, first, second, at1, at2]) => {
			// each table name once (smol-toml rejects a table defined twice), dotted leaves once per table
			const seen = new Set<string>();
			const parts = tables
				.filter(([name]) => !seen.has(name) && seen.add(name))
				.map(([name, lines]) => {
					const leaves = new Set<string>();
					return `[${name}]\n${lines.filter((l) => !leaves.has(l.split(" = ")[0] ?? "") && leaves.add(l.split(" = ")[0] ?? "")).join("")}\n`;
				});
			// a key path written as a table and as dotted keys in another table would not parse: drop such documents
			if (first !== "") parts.splice(Math.min(at1, parts.length), 0, `${first}\n`);
			if (second !== "" && second !== first) parts.splice(Math.min(at2, parts.length), 0, `${second}\n`);
			return parts.join("");
		})
		.filter((text) => {
			try {
				parse(text);
				return true;
			} catch {
				return false;
			}
		});
	const edits = fc.array(
		fc.oneof(
			fc.constantFrom<TomlEdit>(
				{ path: ["tool", "hpm", "mode"], value: "dev" },
				{ path: ["tool", "hpm", "managed"], value: ["p", "q"] },
				{ path: ["tool", "hpm", "managed"], value: undefined },
				groups("inference", "b"),
				groups("inference", undefined),
				groups("metrics", ["m1", "m2", "m3"]),
				groups("metrics", ["m2"]),
				groups("metrics", undefined),
			),
		),
		{ minLength: 1, maxLength: 3 },
	);

	it("every line outside [tool.hpm…] stays, in order, and the data is exactly what was intended", async () => {
		await fc.assert(
			fc.asyncProperty(document, edits, async (text, changes) => {
				const edited = await edit(text, changes);
				expect(outsideHpm(edited)).toBe(outsideHpm(text));
			}),
			{ numRuns: 300 },
		);
	});
});
