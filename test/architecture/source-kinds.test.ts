import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers/run.js";

const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");
const MODEL = "source/core/registry/model.ts";

/** A kind named "svn" whose fields are those of every kind the model has. */
const NEW_KIND = `
type Fields<S> = S extends unknown ? Omit<S, "type"> : never;
type AllOf<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
export type Source = KnownSource | ({ readonly type: "svn" } & AllOf<Fields<KnownSource>>);
`;

/**
 * What ARCHITECTURE.md says a new kind of source makes `tsc` fail in: the list under "A new kind
 * of source", one item per file (`path` under `source/core/` unless it starts at the root), with the
 * functions or tables in parentheses, each as `file: name, name`.
 */
function documentedPlaces(): string[] {
	const lines = readFileSync(path.join(ROOT, "ARCHITECTURE.md"), "utf8").split("\n");
	const start = lines.findIndex((line) => line.includes("**A new kind of source**"));
	expect(start, "ARCHITECTURE.md has no paragraph on a new kind of source").toBeGreaterThan(-1);
	const places: string[] = [];
	for (const line of lines.slice(start + 1)) {
		if (!/^\s/.test(line)) break;
		const item = /^\s+- `([^`]+)` \(([^)]*)\):/.exec(line);
		if (!item?.[1] || item[2] === undefined) continue;
		const file = item[1].startsWith("source/") ? item[1] : `source/core/${item[1]}`;
		const names = [...item[2].matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? "");
		places.push(`${file}: ${names.sort().join(", ")}`);
	}
	return places.sort();
}

/** The name of the top-level declaration (function, table) of `file` that holds `line`:`column`. */
function declarationAt(file: string, line: number, column: number): string {
	const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
	const position = source.getPositionOfLineAndCharacter(line - 1, column - 1);
	const statement = source.statements.find((s) => s.getStart(source) <= position && position < s.end);
	if (statement && ts.isFunctionDeclaration(statement) && statement.name) return statement.name.text;
	if (statement && ts.isVariableStatement(statement)) {
		const name = statement.declarationList.declarations[0]?.name;
		if (name && ts.isIdentifier(name)) return name.text;
	}
	return `line ${line}`;
}

/** Where `tsc`, with the project's tsconfig over a copy of the tree holding `edit`, finds errors, as `file: name, name`. */
function placesTscNames(edit: (root: string) => void): { places: string[]; output: string } {
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
		const byFile = new Map<string, Set<string>>();
		for (const [, file = "", line, column] of output.matchAll(/^(\S+?)\((\d+),(\d+)\): error TS\d+/gm)) {
			const names = byFile.get(file) ?? new Set<string>();
			names.add(declarationAt(path.join(root, file), Number(line), Number(column)));
			byFile.set(file, names);
		}
		const places = [...byFile].map(([file, names]) => `${file}: ${[...names].sort().join(", ")}`);
		return { places: places.sort(), output };
	} finally {
		rmSync(root, { recursive: true, force: true });
	}
}

describe("a new kind of source fails to compile where ARCHITECTURE.md says, and only there", () => {
	it("tsc names exactly the places the paragraph lists when Source gains a kind", { timeout: 300_000 }, () => {
		// Given the places the architecture lists
		const listed = documentedPlaces();
		expect(listed.length).toBeGreaterThan(0);
		// When the model gains a kind with every field any kind has (so that code which takes it for
		// another kind still compiles: only a switch or a table over the kinds can notice it)
		const { places, output } = placesTscNames((root) => {
			const model = path.join(root, MODEL);
			const text = readFileSync(model, "utf8");
			const added = text.replace(/^export type Source =$/m, "type KnownSource =") + NEW_KIND;
			expect(added, `${MODEL} no longer declares "export type Source =" on a line of its own`).not.toBe(text);
			writeFileSync(model, added);
		});
		// Then tsc stops at those places and nowhere else
		expect(places, output).toEqual(listed);
	});
});
