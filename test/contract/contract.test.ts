import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as codes from "../../source/core/base/codes.js";
import * as outputs from "../../source/cli/json-output.js";
import { contractFiles, ROOT, SCHEMAS, strayFiles } from "../../scripts/contract.mjs";

// README's table of codes and docs/schemas/ are written by scripts/contract.mjs from
// source/core/base/codes.ts and source/cli/json-output.ts: they cannot drift from them.

describe("the lists of codes", () => {
	const errors = Object.keys(codes.ERROR_CODES);
	const problems = Object.keys(codes.PROBLEM_CODES);
	it("list each code once, kebab-case, with a one-line meaning", () => {
		expect(errors.filter((code) => problems.includes(code))).toEqual([]);
		for (const [code, entry] of [...Object.entries(codes.ERROR_CODES), ...Object.entries(codes.PROBLEM_CODES)]) {
			expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
			expect(entry.summary, code).toMatch(/^[^\n]{10,140}$/);
		}
	});
	it("list no code hpm never gives (each is written in the source, or built from a prefix there)", () => {
		const text: string[] = [];
		const walk = (dir: string) => {
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				const full = path.join(dir, entry.name);
				if (entry.isDirectory()) walk(full);
				else if (/\.tsx?$/.test(entry.name) && !full.endsWith(path.join("core", "codes.ts")))
					text.push(readFileSync(full, "utf8"));
			}
		};
		for (const dir of ["source", "screens"]) walk(path.join(ROOT, dir));
		const source = text.join("\n");
		// `duplicate-${kind}` (load.ts), `constraint-${constraint.kind}` (constraints.ts)
		const built = /^(duplicate|constraint)-/;
		const unused = [...errors, ...problems].filter((code) => !source.includes(`"${code}"`) && !built.test(code));
		expect(unused).toEqual([]);
	});
});

describe("README's table of codes and docs/schemas/", () => {
	it("are what scripts/contract.mjs writes (run `node scripts/contract.mjs` after changing a code or an output)", async () => {
		const files = await contractFiles(codes, outputs);
		for (const [file, text] of files) expect(readFileSync(path.join(ROOT, file), "utf8"), file).toBe(text);
		expect(strayFiles(files)).toEqual([]);
	});

	// SPEC §6 and README "JSON output": the keys promised to scripts
	const promised: Record<string, readonly string[]> = {
		list: ["registry", "project", "mode", "groups", "ungrouped"],
		search: ["results"],
		check: ["ok", "problems", "resolved"],
		"check-matrix": ["how", "results", "pairs", "compatible", "uncovered", "ok"],
		sync: ["plan", "changed", "dryRun", "mode"],
		history: ["entries", "ignored"],
		diff: ["entry", "pyproject", "lock", "lockChanged"],
		rollback: ["entry", "changed", "relocked"],
		mode: ["mode", "offered", "partial", "changed"],
		install: ["installed", "mode", "requirement"],
		"registry-update": ["pins", "changes", "written", "fetchedOnly"],
		"registry-lint": ["ok", "registry", "problems", "warnings"],
		init: ["project", "registry", "done", "next"],
		error: ["error"],
	};
	it("each parse as a JSON Schema of an object and require the keys promised", () => {
		const dir = path.join(ROOT, SCHEMAS);
		const names = readdirSync(dir).map((file) => file.replace(/\.schema\.json$/, ""));
		expect(names.sort()).toEqual(Object.keys(outputs.JSON_OUTPUT_COMMANDS).sort());
		for (const name of names) {
			const schema = JSON.parse(readFileSync(path.join(dir, `${name}.schema.json`), "utf8")) as {
				$schema: string;
				type?: string;
				required?: string[];
				anyOf?: unknown[];
				oneOf?: unknown[];
			};
			expect(schema.$schema, name).toBe("https://json-schema.org/draft/2020-12/schema");
			expect(schema.type === "object" || Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf), name).toBe(true);
			for (const key of promised[name] ?? []) expect(schema.required, name).toContain(key);
		}
		const sync = JSON.parse(readFileSync(path.join(dir, "sync.schema.json"), "utf8"));
		expect(sync.properties.plan.required).toEqual(["add", "remove", "switch", "unchanged"]);
		const error = JSON.parse(readFileSync(path.join(dir, "error.schema.json"), "utf8"));
		expect(error.properties.error.required).toEqual(["code", "message"]);
	});
});
