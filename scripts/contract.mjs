#!/usr/bin/env node
// Writes what hpm promises scripts, from the one place each is defined:
// - README.md's table of codes (between <!-- codes:start --> and <!-- codes:end -->), from
//   source/core/base/codes.ts;
// - docs/schemas/<output>.schema.json, the JSON Schema of each command's --json output, from
//   source/cli/json-output.ts.
// `node scripts/contract.mjs` writes them; `--check` only says what differs (exit 1).
// test/contract/contract.test.ts fails when the files differ from what this would write.
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { Buffer } from "node:buffer";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as prettier from "prettier";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SCHEMAS = "docs/schemas";
const START = "<!-- codes:start -->";
const END = "<!-- codes:end -->";

const cell = (text) => String(text).replaceAll("|", "\\|");

/** The README table: every code, its kind, the exit codes it ends with, and what it means. */
export function codesTable(errorCodes, problemCodes) {
	const rows = [
		...Object.entries(errorCodes).map(([code, entry]) => [code, "error", entry]),
		...Object.entries(problemCodes).map(([code, entry]) => [code, "problem", entry]),
	].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	const lines = [
		"| code | kind | exit | meaning |",
		"| --- | --- | --- | --- |",
		...rows.map(
			([code, kind, entry]) =>
				`| \`${code}\` | ${kind} | ${(entry.exit ?? (kind === "error" ? [2] : ["—"])).join(", ")} | ${cell(entry.summary)} |`,
		),
	];
	return `${START}\n<!-- generated from source/core/base/codes.ts by \`node scripts/contract.mjs\`: edit those, not this -->\n${lines.join("\n")}\n${END}`;
}

/** README with its table of codes replaced (the markers must be there once each). */
export function withCodesTable(readme, table) {
	const start = readme.indexOf(START);
	const end = readme.indexOf(END);
	if (start < 0 || end < start || readme.indexOf(START, start + 1) >= 0)
		throw new Error(`README.md needs one ${START} ... ${END} section`);
	return readme.slice(0, start) + table + readme.slice(end + END.length);
}

/** A schema file's text, formatted as prettier (which `npm run lint` runs) would keep it. */
export async function schemaText(schema) {
	const file = path.join(ROOT, SCHEMAS, "x.json");
	const options = (await prettier.resolveConfig(file)) ?? {};
	return prettier.format(JSON.stringify(schema), { ...options, parser: "json" });
}

/**
 * Every file this script owns, by path relative to the root, with the text it should have.
 * `codes` is source/core/base/codes.ts, `outputs` source/cli/json-output.ts (as modules).
 */
export async function contractFiles(codes, outputs) {
	const files = new Map();
	const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
	files.set("README.md", withCodesTable(readme, codesTable(codes.ERROR_CODES, codes.PROBLEM_CODES)));
	for (const name of Object.keys(outputs.JSON_OUTPUT_COMMANDS))
		files.set(`${SCHEMAS}/${name}.schema.json`, await schemaText(outputs.jsonSchemaOf(name)));
	return files;
}

/** Schema files on disk that no output defines any more. */
export function strayFiles(files) {
	const dir = path.join(ROOT, SCHEMAS);
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.map((name) => `${SCHEMAS}/${name}`)
		.filter((file) => !files.has(file));
}

/** The TypeScript modules, bundled by esbuild into one ES module in memory. */
async function loadSources() {
	const { build } = await import("esbuild");
	const result = await build({
		stdin: {
			contents:
				'export * as codes from "./source/core/base/codes.ts"; export * as outputs from "./source/cli/json-output.ts";',
			resolveDir: ROOT,
			loader: "ts",
		},
		bundle: true,
		write: false,
		format: "esm",
		platform: "node",
		logLevel: "warning",
	});
	const code = result.outputFiles[0].text;
	return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

async function main() {
	const check = process.argv.includes("--check");
	const { codes, outputs } = await loadSources();
	const files = await contractFiles(codes, outputs);
	const differ = [];
	for (const [file, text] of files) {
		const full = path.join(ROOT, file);
		if (existsSync(full) && readFileSync(full, "utf8") === text) continue;
		differ.push(file);
		if (!check) {
			mkdirSync(path.dirname(full), { recursive: true });
			writeFileSync(full, text);
		}
	}
	const stray = strayFiles(files);
	for (const file of stray) console.error(`${file}: no output defines it (remove it)`);
	if (check) {
		for (const file of differ) console.error(`${file}: differs from what scripts/contract.mjs writes`);
		if (differ.length > 0 || stray.length > 0) process.exitCode = 1;
	} else for (const file of differ) console.log(`wrote ${file}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
