import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { copyExample, hpm } from "../helpers/run.js";

describe("a description holding terminal controls", () => {
	it("is written escaped in the registry's YAML (cat and git diff show it, never obey it) and read back as given", () => {
		const dir = copyExample();
		const description = "bad\u009b2J and\u0085next";
		const group = hpm(["registry", "group", "add", "judges", "--strategy", "M-of-N", "--description", description], {
			cwd: dir,
		});
		expect(group.code, group.stderr).toBe(0);
		const file = readFileSync(path.join(dir, "registry/groups/judges.yaml"), "utf8");
		expect(file).not.toMatch(/[\u0080-\u009f]/);
		expect(file).toContain("\\u009b");
		expect((parse(file) as { description: string }).description).toBe(description);
		// and hpm shows it escaped, never raw
		expect(hpm(["show", "judges"], { cwd: dir }).stdout).not.toMatch(/[\u0080-\u009f]/);
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);
	});
});
