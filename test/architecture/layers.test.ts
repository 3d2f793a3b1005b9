import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers/run.js";

const CRUISER = path.join(ROOT, "node_modules/.bin/depcruise");

/** Runs dependency-cruiser with the project's own rules over `folders` of `root`. */
function cruise(root: string, folders: readonly string[]) {
	const result = spawnSync(CRUISER, [...folders, "--config", path.join(ROOT, ".dependency-cruiser.cjs")], {
		cwd: root,
		encoding: "utf8",
	});
	return { code: result.status, text: `${result.stdout}${result.stderr}` };
}

/** A tiny tree with the project's layout and tsconfig, holding `files`. */
function tree(files: Record<string, string>): string {
	const root = tempDir();
	copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(root, "tsconfig.json"));
	const base: Record<string, string> = {
		"screens/picker.tsx": "export const picker = 1;\n",
		"components/status-bar.tsx": "export const bar = 1;\n",
		"source/cli/output.ts": "export const out = 1;\n",
		"source/core/base/names.ts": "export const names = 1;\n",
	};
	for (const [file, text] of Object.entries({ ...base, ...files })) {
		mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
		writeFileSync(path.join(root, file), text);
	}
	return root;
}

describe("the layers are enforced by dependency-cruiser (npm run arch)", () => {
	it("the project itself has no violation", () => {
		const result = cruise(ROOT, ["source", "screens", "components"]);
		expect(result.text).toContain("no dependency violations found");
		expect(result.code).toBe(0);
	});

	it.each([
		["a static import of a screen", 'import { picker } from "../../screens/picker.js";\nexport const x = picker;\n'],
		["a lazy import() of a screen", 'export const load = () => import("../../screens/picker.js");\n'],
		["a static import of the CLI", 'import { out } from "../cli/output.js";\nexport const x = out;\n'],
		["a lazy import() of the CLI", 'export const load = () => import("../cli/output.js");\n'],
	])("the core doing %s fails the check", (_what, text) => {
		const result = cruise(tree({ "source/core/leak.ts": text }), ["source", "screens", "components"]);
		expect(result.code).not.toBe(0);
		expect(result.text).toContain("core-knows-no-cli-or-ui: source/core/leak.ts");
	});

	it("a component importing a screen fails the check", () => {
		const root = tree({ "components/leak.tsx": 'export const load = () => import("../screens/picker.js");\n' });
		const result = cruise(root, ["source", "screens", "components"]);
		expect(result.code).not.toBe(0);
		expect(result.text).toContain("components-are-plain-views: components/leak.tsx");
	});

	it("a CLI command reaching a screen outside the one lazy loader fails the check", () => {
		const root = tree({
			"source/cli/commands/list.ts": 'export const load = () => import("../../../screens/picker.js");\n',
		});
		const result = cruise(root, ["source", "screens", "components"]);
		expect(result.code).not.toBe(0);
		expect(result.text).toContain("cli-loads-the-ui-lazily-in-one-place: source/cli/commands/list.ts");
	});

	it("the one loader may reach the UI only through import()", () => {
		const lazy = tree({ "source/cli/ui.ts": 'export const load = () => import("../../screens/picker.js");\n' });
		expect(cruise(lazy, ["source", "screens", "components"]).code).toBe(0);
		const eager = tree({ "source/cli/ui.ts": 'export { picker } from "../../screens/picker.js";\n' });
		const result = cruise(eager, ["source", "screens", "components"]);
		expect(result.code).not.toBe(0);
		expect(result.text).toContain("ui-loader-is-lazy: source/cli/ui.ts");
	});

	const LAYERS = ["base", "os", "uv", "project", "registry", "plan", "operations"] as const;
	const PAIRS = LAYERS.slice(0, -1).map((layer, i) => [layer, LAYERS[i + 1] ?? ""] as const);

	it("each core layer importing the layer above fails the check (a type-only import too); a stray core module fails", () => {
		const files: Record<string, string> = {
			"source/core/stray.ts": 'import { names } from "./base/names.js";\nexport const x = names;\n',
			"source/core/util/stray.ts": 'import { names } from "../base/names.js";\nexport const x = names;\n',
		};
		for (const [layer, above] of PAIRS) {
			files[`source/core/${above}/up.ts`] = "export const up = 1;\nexport type Up = number;\n";
			files[`source/core/${layer}/down.ts`] = `import { up } from "../${above}/up.js";\nexport const x = up;\n`;
			files[`source/core/${layer}/down-type.ts`] =
				`import type { Up } from "../${above}/up.js";\nexport type X = Up;\n`;
		}
		const result = cruise(tree(files), ["source", "screens", "components"]);
		expect(result.code).not.toBe(0);
		for (const [layer] of PAIRS)
			for (const file of ["down", "down-type"])
				expect(result.text).toContain(`core-${layer}-imports-no-layer-above: source/core/${layer}/${file}.ts`);
		expect(result.text).toContain("core-files-live-in-a-layer: source/core/stray.ts");
		expect(result.text).toContain("core-files-live-in-a-layer: source/core/util/stray.ts");
	});

	it("each core layer may import the layers below it", () => {
		const files: Record<string, string> = {};
		for (const [index, layer] of LAYERS.entries()) {
			const below = LAYERS.slice(0, index);
			files[`source/core/${layer}/m.ts`] =
				below.map((b) => `import { m as ${b} } from "../${b}/m.js";\n`).join("") +
				`export const m = ${["1", ...below].join(" + ")};\n`;
		}
		const result = cruise(tree(files), ["source", "screens", "components"]);
		expect(result.text).toContain("no dependency violations found");
		expect(result.code).toBe(0);
	});
});
