import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, copyExample, ROOT, tempDir } from "../helpers/run.js";

function loadedModules(args: string[], cwd: string): string[] {
	const log = path.join(tempDir(), "imports.log");
	const result = spawnSync(
		process.execPath,
		["--import", path.join(ROOT, "test/helpers/record-imports.mjs"), BIN, ...args],
		{
			cwd,
			env: { ...process.env, HPM_IMPORT_LOG: log },
			encoding: "utf8",
		},
	);
	expect(result.status, result.stderr).toBe(0);
	return readFileSync(log, "utf8").trim().split("\n");
}

describe("commands that print text never load the UI stack", () => {
	it("the import recorder does see ink when a program loads it (control)", () => {
		const log = path.join(tempDir(), "imports.log");
		const result = spawnSync(
			process.execPath,
			[
				"--import",
				path.join(ROOT, "test/helpers/record-imports.mjs"),
				"--input-type=module",
				"-e",
				"await import('ink')",
			],
			{
				cwd: ROOT,
				env: { ...process.env, HPM_IMPORT_LOG: log },
				encoding: "utf8",
			},
		);
		expect(result.status, result.stderr).toBe(0);
		expect(readFileSync(log, "utf8")).toMatch(/node_modules\/ink\//);
	});

	it.each([
		["list"],
		["list", "--json"],
		["show", "metrics"],
		["search", "vlm"],
		["registry", "lint"],
		["--version"],
		["--help"],
		["help", "sync"],
		["completion", "bash"],
		["__complete", "group", "add", "inference", "--option", ""],
		// every command's own help loads its module, and none of them reaches Ink outside source/cli/ui.ts
		...[
			"init",
			"group add",
			"group remove",
			"mode",
			"check",
			"sync",
			"install",
			"ui",
			"registry add",
			"registry group add",
			"completion",
		].map((c) => [...c.split(" "), "--help"]),
	])("hpm %s loads neither ink nor react", (...args) => {
		const modules = loadedModules(args, copyExample());
		expect(modules.length).toBeGreaterThan(5); // the hook really recorded the program's imports
		expect(modules.filter((url) => /node_modules\/(ink|react|ink-[a-z-]+|yoga-layout)\//.test(url))).toEqual([]);
	});
});
