import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers/run.js";

const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");
const MODEL = "source/core/registry/model.ts";

/**
 * The files ARCHITECTURE.md says a new kind of source makes `tsc` fail in: the list under "A new
 * kind of source", each item's path in backticks, under `source/core/` unless it starts at the root.
 */
function documentedFiles(): string[] {
	const lines = readFileSync(path.join(ROOT, "ARCHITECTURE.md"), "utf8").split("\n");
	const start = lines.findIndex((line) => line.includes("**A new kind of source**"));
	expect(start, "ARCHITECTURE.md has no paragraph on a new kind of source").toBeGreaterThan(-1);
	const files: string[] = [];
	for (const line of lines.slice(start + 1)) {
		if (!/^\s/.test(line)) break;
		const item = /^\s+- `([^`]+)`/.exec(line);
		if (item?.[1]) files.push(item[1].startsWith("source/") ? item[1] : `source/core/${item[1]}`);
	}
	return files.sort();
}

/** The files `tsc` names errors in, with the project's tsconfig over a copy of the tree holding `edit`. */
function filesTscNames(edit: (root: string) => void): { files: string[]; output: string } {
	const root = tempDir("hpm-kinds-");
	try {
		for (const folder of ["source", "screens", "components"])
			cpSync(path.join(ROOT, folder), path.join(root, folder), { recursive: true });
		// package.json says the modules are ES modules; node_modules gives the types of the libraries
		for (const file of ["tsconfig.json", "package.json"]) copyFileSync(path.join(ROOT, file), path.join(root, file));
		symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
		edit(root);
		const result = spawnSync(process.execPath, [TSC, "-p", "tsconfig.json", "--noEmit", "--incremental", "false"], {
			cwd: root,
			encoding: "utf8",
		});
		const output = `${result.stdout}${result.stderr}`;
		const files = new Set([...output.matchAll(/^(\S+?)\(\d+,\d+\): error TS\d+/gm)].map((match) => match[1] ?? ""));
		return { files: [...files].sort(), output };
	} finally {
		rmSync(root, { recursive: true, force: true });
	}
}

describe("a new kind of source fails to compile where ARCHITECTURE.md says, and only there", () => {
	it("tsc names exactly the files the paragraph lists when Source gains a kind", { timeout: 300_000 }, () => {
		// Given the files the architecture lists
		const listed = documentedFiles();
		expect(listed.length).toBeGreaterThan(0);
		// When the model gains a kind (with a url, as git has: a place that reads it unnarrowed must still fail)
		const { files, output } = filesTscNames((root) => {
			const model = path.join(root, MODEL);
			const text = readFileSync(model, "utf8");
			const added = text.replace(
				/^export type Source =$/m,
				'export type Source =\n\t| { readonly type: "svn"; readonly url: string }',
			);
			expect(added, `${MODEL} no longer starts its union with "export type Source ="`).not.toBe(text);
			writeFileSync(model, added);
		});
		// Then tsc names those files and no other
		expect(files, output).toEqual(listed);
	});
});
