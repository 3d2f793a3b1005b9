import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
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

/** Ink, React and Yoga, bundled as one ESM file that only the UI and the prompts load. */
const UI_LIBRARIES = pathToFileURL(path.join(ROOT, "dist/ui-libraries.mjs")).href;

/** Whether a loaded module is part of the UI stack: the bundled file, or the packages themselves. */
const isUiStack = (url: string) =>
	url === UI_LIBRARIES || /node_modules\/(ink|react|ink-[a-z-]+|yoga-layout|react-reconciler)\//.test(url);

describe("commands that print text never load the UI stack", () => {
	it("the UI stack is bundled, and the import recorder sees it when the UI loads (control)", () => {
		const bundled = readFileSync(new URL(UI_LIBRARIES), "utf8");
		for (const mark of ["useInput", "Yoga", "react.transitional"]) expect(bundled).toContain(mark);
		const log = path.join(tempDir(), "imports.log");
		const result = spawnSync(
			process.execPath,
			[
				"--import",
				path.join(ROOT, "test/helpers/record-imports.mjs"),
				"--input-type=module",
				"-e",
				`const { createRequire } = await import("node:module");
				createRequire(import.meta.url)("yaml"); // a CommonJS load is recorded too
				await import(${JSON.stringify(UI_LIBRARIES)})`,
			],
			{
				cwd: ROOT,
				env: { ...process.env, HPM_IMPORT_LOG: log },
				encoding: "utf8",
			},
		);
		expect(result.status, result.stderr).toBe(0);
		const loaded = readFileSync(log, "utf8").trim().split("\n");
		expect(loaded).toContain(UI_LIBRARIES);
		expect(loaded.some((url) => /node_modules\/yaml\//.test(url))).toBe(true);
		// and nothing of it comes from node_modules: one bundled graph
		expect(loaded.filter((url) => /node_modules\/(ink|react|yoga-layout)\//.test(url))).toEqual([]);
	});

	it.each([
		["list"],
		["list", "--json"],
		["show", "metrics"],
		["search", "vlm"],
		["registry", "lint"],
		["graph"],
		["why", "vlm-interface"],
		["why-not", "metrics=metric-legacy"],
		["check", "--matrix", "--format", "github"],
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
		expect(modules.filter(isUiStack)).toEqual([]);
	});
});
