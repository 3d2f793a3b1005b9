import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { type OwnedEntries, withMachineEntries } from "../../source/core/project/machine-edits.js";

const record: OwnedEntries = {
	dependencyGroups: new Map([
		["hpm-g-a", ["torchlike==2.5.0"]],
		["hpm-g-b", ["torchlike==2.5.0"]],
	]),
	sources: new Map([["torchlike", [{ index: "cpu", group: "hpm-g-a" }]]]),
	conflicts: [[{ group: "hpm-g-a" }, { group: "hpm-g-b" }]],
	indexes: [{ name: "cpu", url: "https://example.com/simple", explicit: true }],
};
const none: OwnedEntries = { dependencyGroups: new Map(), sources: new Map(), conflicts: [], indexes: [] };
const write = (text: string, what: OwnedEntries) => withMachineEntries(text, "pyproject.toml", what);
type Data = { tool: { uv: { conflicts: unknown[]; index: unknown[] } } };

describe("per-machine entries in pyproject.toml", () => {
	it.each([
		["only [[tool.uv.index]] tables (what `uv add --index` writes)", ""],
		["an empty [tool.uv] before them", "[tool.uv]\n\n"],
	])("are written when the project has %s", async (_, uv) => {
		// Given a project whose [tool.uv] holds nothing but the person's index table
		const text = `[project]\nname = "demo"\nversion = "0.1.0"\n\n${uv}[[tool.uv.index]]\nname = "mine"\nurl = "https://mine.example/simple"\n`;
		// When hpm writes a machine group's entries, then removes them again
		const added = await write(text, record);
		const again = await write(added, record);
		const removed = await write(added, none);
		// Then the conflict set is there with the person's index, and afterwards only the person's lines remain
		const data = parse(added) as Data;
		expect(data.tool.uv.conflicts).toEqual([[{ group: "hpm-g-a" }, { group: "hpm-g-b" }]]);
		expect(data.tool.uv.index).toContainEqual({ name: "mine", url: "https://mine.example/simple" });
		expect(again).toBe(added);
		expect(removed).toContain('[[tool.uv.index]]\nname = "mine"');
		expect(removed).not.toContain("hpm-g-a");
	});
});

describe("the person's [tool.uv] conflicts beside hpm's set", () => {
	const mine = `[tool.uv]
conflicts = [
  # mine: the two extras never go together
  [{ extra = "a" }, { extra = "b" }],
]
`;
	it("keeps the person's lines and comments when hpm adds, changes and removes its set", async () => {
		// Given a multi-line conflicts list with a comment, written by the person
		const text = `[project]\nname = "demo"\nversion = "0.1.0"\n\n${mine}`;
		// When hpm adds its set, changes it, and removes it
		const added = await write(text, record);
		const changed = await write(added, { ...record, conflicts: [[{ group: "hpm-g-b" }, { group: "hpm-g-a" }]] });
		const removed = await write(changed, none);
		// Then each step changed only hpm's own line, and in the end the file is as the person wrote it
		expect(added).toContain(`${mine.replace(/\]\n$/, "")}  [{ group = "hpm-g-a" }, { group = "hpm-g-b" }],\n]`);
		expect(changed).toContain('  [{ group = "hpm-g-b" }, { group = "hpm-g-a" }],\n]');
		expect(changed).toContain("# mine: the two extras never go together");
		expect(removed).toBe(text);
	});

	it("leaves no empty table headers behind that hpm emptied", async () => {
		// Given a project without [tool.uv] or [dependency-groups]
		const text = `[project]\nname = "demo"\nversion = "0.1.0"\n\n[tool.hpm]\nmode = "prod"\n`;
		// When hpm writes a machine group's entries and then removes them
		const removed = await write(await write(text, record), none);
		// Then the file is as it was
		expect(removed).toBe(text);
	});
});
