#!/usr/bin/env node
// Bundles the CLI into dist/hpm.js plus lazily loaded chunks (one module graph to load instead of
// hundreds of files: most of hpm's start-up was Node resolving and compiling modules). Ink, React
// and the TOML editor's WebAssembly stay external: they load only when a screen or an edit needs them.
import { chmodSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
rmSync(path.join(root, "dist"), { recursive: true, force: true });
const result = await build({
	entryPoints: { hpm: path.join(root, "source/cli/main.ts") },
	outdir: path.join(root, "dist"),
	chunkNames: "chunks/[name]-[hash]",
	bundle: true,
	splitting: true,
	format: "esm",
	platform: "node",
	target: "node20",
	jsx: "automatic",
	// Ink and React are bundled into the chunks only the UI and the prompts load (one graph instead of
	// hundreds of files from node_modules); the TOML editor stays external for its WebAssembly file,
	// and Ink's optional devtools (DEV=true only) are never bundled.
	external: ["@rainbowatcher/toml-edit-js", "react-devtools-core", "ink-select-input", "ink-text-input"],
	// hpm never fetches (uv does the network); Yoga's loader would fetch its embedded WebAssembly
	// through Node's fetch when there is one, which loads undici (~30 ms) for nothing
	define: {
		__HPM_VERSION__: JSON.stringify(version),
		fetch: "undefined",
		"process.env.NODE_ENV": JSON.stringify("production"),
	},
	// bundled CommonJS dependencies call require(); give them Node's
	banner: {
		js: "import { createRequire as __hpmCreateRequire } from 'node:module'; const require = __hpmCreateRequire(import.meta.url);",
	},
	logLevel: "warning",
	metafile: Boolean(process.env.HPM_METAFILE),
	legalComments: "none",
});
chmodSync(path.join(root, "dist/hpm.js"), 0o755);
if (process.env.HPM_METAFILE)
	(await import("node:fs")).writeFileSync(process.env.HPM_METAFILE, JSON.stringify(result.metafile));
