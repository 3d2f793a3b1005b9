import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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

/** Ink, React and Yoga, bundled as one CommonJS file that only the UI and the prompts load. */
const UI_LIBRARIES = pathToFileURL(path.join(ROOT, "dist/ui-libraries.js")).href;

/** Whether a loaded module is part of the UI stack: the bundled file, or the packages themselves. */
const isUiStack = (url: string) =>
	url === UI_LIBRARIES || /node_modules\/(ink|react|ink-[a-z-]+|yoga-layout|react-reconciler)\//.test(url);

describe("commands that print text never load the UI stack", () => {
	it("the UI stack is bundled, and the import recorder sees it loaded either way the launcher loads it (control)", () => {
		const bundled = readFileSync(new URL(UI_LIBRARIES), "utf8");
		for (const mark of ["useInput", "react.transitional", "instantiateWasm"]) expect(bundled).toContain(mark);
		for (const [how, load] of [
			// through V8's code cache, as the launcher does
			["vm.Script", `new (require("node:vm").Script)("0", { filename: file })`],
			// through Node's loader (HPM_DEBUG=1, or no cache folder)
			["require", `require(file)`],
		]) {
			const log = path.join(tempDir(), "imports.log");
			const result = spawnSync(
				process.execPath,
				[
					"--import",
					path.join(ROOT, "test/helpers/record-imports.mjs"),
					"-e",
					`const file = ${JSON.stringify(fileURLToPath(UI_LIBRARIES))};
					require("yaml"); // a CommonJS load of a package is recorded too
					${load}`,
				],
				{ cwd: ROOT, env: { ...process.env, HPM_IMPORT_LOG: log }, encoding: "utf8" },
			);
			expect(result.status, `${how}: ${result.stderr}`).toBe(0);
			const loaded = readFileSync(log, "utf8").trim().split("\n");
			expect(loaded, how).toContain(UI_LIBRARIES);
			expect(loaded.some((url) => /node_modules\/yaml\//.test(url))).toBe(true);
			// and nothing of it comes from node_modules: one bundled graph
			expect(loaded.filter((url) => /node_modules\/(ink|react|yoga-layout)\//.test(url))).toEqual([]);
		}
	});

	it("Intl.Segmenter in the UI bundle is hpm's, which makes ICU's only for text that needs it", () => {
		// (components/plain-segmenter.ts; one ICU segmenter costs ~9 ms to make)
		const bundled = readFileSync(new URL(UI_LIBRARIES), "utf8");
		expect(bundled.match(/Intl\.Segmenter/g)).toEqual(["Intl.Segmenter"]);
		expect(bundled).toContain("globalThis.Intl.Segmenter(");
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
