import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { editToml } from "../../source/core/project/toml-edit.js";
import { tomlLayout } from "../../source/core/project/toml-layout.js";
import { changedLines } from "../helpers/diff.js";
import { CORPUS } from "../helpers/run.js";

const files = ["pyproject", "pyproject-derived"].flatMap((dir) =>
	readdirSync(path.join(CORPUS, dir)).map((name) => path.join(CORPUS, dir, name)),
);

const groups = (text: string) => {
	const data = parse(text.replace(/^\uFEFF/, "")) as { tool?: { hpm?: { groups?: unknown } } };
	return data.tool?.hpm?.groups;
};

describe("format-preserving edits of [tool.hpm.groups] over the real-world corpus", () => {
	it("covers every corpus file (37 real + 4 CRLF/BOM variants)", () => {
		expect(files).toHaveLength(41);
	});

	it.each(files.map((file) => [path.basename(file), file]))(
		"%s: adding, changing and removing a choice touches only those lines",
		async (_name, file) => {
			// Given a real pyproject.toml
			const original = readFileSync(file, "utf8");
			const crlf = original.includes("\r\n");
			const bom = original.startsWith("\uFEFF");
			// hpm reads the file's layout (so an edit touches only its own sections) on every real file
			const layout = tomlLayout(original.replace(/^\uFEFF/, ""));
			expect(layout?.entries.length).toBeGreaterThan(0);

			// When a 1-of-N choice is added
			const added = await editToml(
				original,
				[{ path: ["tool", "hpm", "groups", "inference"], value: "vlm-adapter-qwen" }],
				file,
			);
			// Then the only change is an inserted [tool.hpm.groups] table, with no stray [tool.hpm] header
			// (a file without a final newline necessarily gets one before the appended table)
			const ended = (text: string) => (text.endsWith("\n") ? text : `${text}${crlf ? "\r\n" : "\n"}`);
			const insert = changedLines(ended(original), ended(added));
			expect(insert.removed).toEqual([]);
			const eol = crlf ? "\r" : "";
			expect(insert.added.filter((line) => line.trim() !== "")).toEqual([
				`[tool.hpm.groups]${eol}`,
				`inference = "vlm-adapter-qwen"${eol}`,
			]);
			expect(groups(added)).toEqual({ inference: "vlm-adapter-qwen" });

			// When the choice is switched and an M-of-N list is added
			const changed = await editToml(
				added,
				[
					{ path: ["tool", "hpm", "groups", "inference"], value: "vlm-adapter-deepseek" },
					{ path: ["tool", "hpm", "groups", "metrics"], value: ["metric-bleu", "metric-rouge"] },
				],
				file,
			);
			// Then exactly the edited key changes and the new key follows it
			expect(changedLines(ended(added), ended(changed))).toEqual({
				removed: [`inference = "vlm-adapter-qwen"${eol}`],
				added: [`inference = "vlm-adapter-deepseek"${eol}`, `metrics = ["metric-bleu", "metric-rouge"]${eol}`],
			});

			// When both are removed again
			const removed = await editToml(
				changed,
				[
					{ path: ["tool", "hpm", "groups", "inference"], value: undefined },
					{ path: ["tool", "hpm", "groups", "metrics"], value: undefined },
				],
				file,
			);
			// Then only those lines go; the rest of the file is what it was
			expect(changedLines(ended(changed), ended(removed))).toEqual({
				removed: [`inference = "vlm-adapter-deepseek"${eol}`, `metrics = ["metric-bleu", "metric-rouge"]${eol}`],
				added: [],
			});

			// And line endings and the BOM are what they were, everywhere
			for (const text of [added, changed, removed]) {
				expect(text.startsWith("\uFEFF")).toBe(bom);
				expect(/(^|[^\r])\n/.test(text)).toBe(!crlf);
				expect(text.endsWith("\n")).toBe(original.endsWith("\n"));
			}
		},
	);
});

describe("keys in a table that so far holds only sub-tables (toml_edit panics there)", () => {
	it.each([
		[
			"implicit [tool.hpm]",
			'[project]\nname = "x"\n\n[tool.hpm.groups]\na = "b"\n',
			'[project]\nname = "x"\n\n[tool.hpm]\nmanaged = ["p", "q"]\n\n[tool.hpm.groups]\na = "b"\n',
		],
		[
			"empty explicit [tool.hpm]",
			'[tool.hpm]\n\n[tool.hpm.groups]\na = "b"\n',
			'[tool.hpm]\nmanaged = ["p", "q"]\n\n[tool.hpm.groups]\na = "b"\n',
		],
		[
			"CRLF",
			'[tool.hpm.groups]\r\na = "b"\r\n',
			'[tool.hpm]\r\nmanaged = ["p", "q"]\r\n\r\n[tool.hpm.groups]\r\na = "b"\r\n',
		],
	])("%s gets the key inserted, nothing else changes", async (_name, input, output) => {
		expect(await editToml(input, [{ path: ["tool", "hpm", "managed"], value: ["p", "q"] }], "pyproject.toml")).toBe(
			output,
		);
	});

	it("and later edits of that table go through toml_edit as usual", async () => {
		const once = await editToml(
			'[tool.hpm.groups]\na = "b"\n',
			[{ path: ["tool", "hpm", "managed"], value: ["p"] }],
			"f",
		);
		const twice = await editToml(once, [{ path: ["tool", "hpm", "managed"], value: ["p", "r"] }], "f");
		expect(twice).toBe('[tool.hpm]\nmanaged = ["p", "r"]\n\n[tool.hpm.groups]\na = "b"\n');
	});
});
