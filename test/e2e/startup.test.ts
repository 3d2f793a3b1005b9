import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
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

/** The bundle's chunks that hold Ink, React or Yoga (bundled into what only the UI and prompts load). */
function uiStackChunks(): string[] {
	const folder = path.join(ROOT, "dist/chunks");
	return readdirSync(folder)
		.filter((name) =>
			/createReconciler|yoga-wasm|__SECRET_INTERNALS|react\.transitional/.test(
				readFileSync(path.join(folder, name), "utf8"),
			),
		)
		.map((name) => pathToFileURL(path.join(folder, name)).href);
}

/** Whether a loaded module is part of the UI stack: a bundled chunk of it, or the packages themselves. */
const isUiStack = (chunks: readonly string[]) => (url: string) =>
	chunks.includes(url) || /node_modules\/(ink|react|ink-[a-z-]+|yoga-layout)\//.test(url);

describe("commands that print text never load the UI stack", () => {
	it("the UI stack is bundled, and the import recorder sees it when the UI loads (control)", () => {
		const chunks = uiStackChunks();
		expect(chunks.length).toBeGreaterThan(0);
		const log = path.join(tempDir(), "imports.log");
		const ui = readdirSync(path.join(ROOT, "dist/chunks")).find((name) => name.startsWith("run-ui-"));
		const result = spawnSync(
			process.execPath,
			[
				"--import",
				path.join(ROOT, "test/helpers/record-imports.mjs"),
				"--input-type=module",
				"-e",
				`await import(${JSON.stringify(pathToFileURL(path.join(ROOT, "dist/chunks", ui ?? "")).href)})`,
			],
			{
				cwd: ROOT,
				env: { ...process.env, HPM_IMPORT_LOG: log },
				encoding: "utf8",
			},
		);
		expect(result.status, result.stderr).toBe(0);
		const loaded = readFileSync(log, "utf8").trim().split("\n");
		expect(loaded.filter(isUiStack(chunks)).length).toBeGreaterThan(0);
		// and nothing of it comes from node_modules: one bundled graph
		expect(loaded.filter((url) => /node_modules\/(ink|react|yoga-layout)\//.test(url))).toEqual([]);
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
		expect(modules.filter(isUiStack(uiStackChunks()))).toEqual([]);
	});
});
