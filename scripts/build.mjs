#!/usr/bin/env node
// Builds dist/:
// - cli.js: the whole CLI (core, commands, screens, components) as one CommonJS bundle, so that
//   the launcher can start it through V8's code cache (a plain command used to spend most of its
//   start-up resolving and compiling ESM chunks);
// - hpm.js: the launcher (source/launcher.ts), the `hpm` binary;
// - ui-libraries.js: Ink, React and Yoga as one CommonJS bundle (Yoga's WebAssembly instantiated
//   synchronously: scripts/build-plugins.mjs), started by the launcher through V8's code cache
//   only when a screen or a prompt opens (source/cli/ui.ts).
// The TOML editor's WebAssembly file is read from node_modules when a file is edited.
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { narrowStringWidth, inkWithoutDevtools, yogaWithoutAwait } from "./build-plugins.mjs";

/**
 * The launcher reads a bundle as Latin-1, which is only right for ASCII (esbuild escapes the
 * rest), and compiles it as a vm.Script, where a native import() has no loader: every ESM module
 * the CLI needs is bundled or loaded through the launcher (see source/cli/ui.ts).
 */
function checkForVmScript(name, code) {
	const nonAscii = /[^\x00-\x7f]/.exec(code);
	if (nonAscii)
		throw new Error(`scripts/build.mjs: dist/${name} has a non-ASCII character at offset ${nonAscii.index}`);
	const dynamicImport = /(?<![\w.$])import\(/.exec(code);
	if (dynamicImport)
		throw new Error(
			`scripts/build.mjs: dist/${name} has a native import() at offset ${dynamicImport.index}; bundle the module or load it through the launcher`,
		);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
// .js in dist/ is CommonJS (the package itself is "type": "module")
writeFileSync(path.join(dist, "package.json"), '{ "type": "commonjs" }\n');

const common = {
	bundle: true,
	platform: "node",
	target: "node20",
	jsx: "automatic",
	logLevel: "warning",
	legalComments: "none",
	define: {
		__HPM_VERSION__: JSON.stringify(version),
		// hpm never fetches (uv does the network); Yoga's loader would fetch its embedded
		// WebAssembly through Node's fetch when there is one, which loads undici for nothing
		fetch: "undefined",
		"process.env.NODE_ENV": JSON.stringify("production"),
	},
};

// Ink, React and its JSX runtime as the CLI's bundle sees them: what the ESM file exported, once
// source/cli/ui.ts has loaded it (a screen that ran before would fail loudly, never silently)
const UI_LIBRARIES = { ink: "ink", react: "react", "react/jsx-runtime": "jsxRuntime" };
const uiLibraries = {
	name: "ui-libraries",
	setup(context) {
		context.onResolve({ filter: /^(ink|react|react\/jsx-runtime)$/ }, (args) => ({
			path: args.path,
			namespace: "ui-libraries",
		}));
		context.onLoad({ filter: /.*/, namespace: "ui-libraries" }, (args) => ({
			contents: `const libraries = globalThis[Symbol.for("hpm.ui-libraries")];
if (libraries === undefined) throw new Error("hpm: ${args.path} was used before the UI libraries were loaded");
module.exports = libraries[${JSON.stringify(UI_LIBRARIES[args.path])}];`,
			loader: "js",
		}));
	},
};

const cli = await build({
	...common,
	entryPoints: [path.join(root, "source/cli/main.ts")],
	outfile: path.join(dist, "cli.js"),
	format: "cjs",
	// fully minified: every command reads, and V8 restores from the code cache, a third fewer bytes
	// and names, ~1.5 ms per command (bench/compare.mjs); HPM_DEBUG=1 runs it through Node's own
	// loader with source maps on, so that a stack trace names source/ files (source/launcher.ts)
	minify: !process.env.HPM_NO_MINIFY,
	sourcemap: "linked",
	// the TOML editor's module without its shim (which awaits at its top level to read the
	// WebAssembly file; hpm reads and compiles that file itself, source/core/project/toml-edit.ts)
	alias: { "@rainbowatcher/toml-edit-js": "@rainbowatcher/toml-edit-js/index" },
	plugins: [uiLibraries],
	// import.meta.url as the bundle's own URL, made when first asked (not on every start)
	define: { ...common.define, "import.meta.url": "__hpmImportMeta.url" },
	// strict first: the launcher runs the bundle inside a function, where only a leading directive counts
	banner: {
		js: '"use strict"; var __hpmImportMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };',
	},
	metafile: Boolean(process.env.HPM_METAFILE),
	write: false,
});
// main.ts's #! line is for running it from source; the bundle is compiled inside a function (an
// empty line stays in its place, so that the source map's lines still match)
const output = (suffix) => cli.outputFiles.find((file) => file.path.endsWith(suffix));
const cliCode = output("cli.js").text.replace(/^#![^\n]*\n/, "\n");
checkForVmScript("cli.js", cliCode);
writeFileSync(path.join(dist, "cli.js"), cliCode);
writeFileSync(path.join(dist, "cli.js.map"), output("cli.js.map").text);

const ui = await build({
	...common,
	stdin: {
		contents: Object.entries(UI_LIBRARIES)
			.map(([module, name]) => `export * as ${name} from ${JSON.stringify(module)};`)
			.join("\n"),
		resolveDir: root,
		loader: "js",
	},
	outfile: path.join(dist, "ui-libraries.js"),
	// CommonJS, as cli.js: the launcher starts it through V8's code cache (source/launcher.ts)
	format: "cjs",
	minify: !process.env.HPM_NO_MINIFY,
	plugins: [yogaWithoutAwait(), narrowStringWidth(root), inkWithoutDevtools()],
	// every grapheme segmenter in Ink and the text libraries splits plain text by code unit and
	// creates ICU's only for text that needs it (components/plain-segmenter.ts)
	define: { ...common.define, "Intl.Segmenter": "PlainSegmenter" },
	inject: [path.join(root, "components/plain-segmenter.ts")],
	write: false,
});
const uiCode = ui.outputFiles[0].text;
checkForVmScript("ui-libraries.js", uiCode);
writeFileSync(path.join(dist, "ui-libraries.js"), uiCode);

// the launcher knows the build (its code cache never outlives the code) and the command names
// (one cache per command)
const commands = [
	...readFileSync(path.join(root, "source/cli/commands/index.ts"), "utf8").matchAll(/^\t"?([a-z-]+)[a-z -]*"?: \{/gm),
].map((match) => match[1]);
if (!commands.includes("list") || !commands.includes("sync") || commands.length < 10)
	throw new Error(`scripts/build.mjs: could not read the command names from source/cli/commands/index.ts`);
await build({
	...common,
	entryPoints: [path.join(root, "source/launcher.ts")],
	outfile: path.join(dist, "hpm.js"),
	format: "cjs",
	define: {
		__HPM_BUILD__: JSON.stringify(createHash("sha256").update(cliCode).update(uiCode).digest("hex").slice(0, 16)),
		__HPM_COMMANDS__: JSON.stringify([...new Set(commands)]),
	},
	banner: { js: "#!/usr/bin/env node" },
});
chmodSync(path.join(dist, "hpm.js"), 0o755);
// the ssh that git runs for uv (source/core/os/git-env.ts finds it next to the bundle)
mkdirSync(path.join(dist, "ssh"));
copyFileSync(path.join(root, "source/core/os/ssh/ssh"), path.join(dist, "ssh/ssh"));
chmodSync(path.join(dist, "ssh/ssh"), 0o755);
// the page of `hpm report` (source/core/operations/report.ts finds it next to the bundle)
mkdirSync(path.join(dist, "report-page"));
for (const name of ["page-dom.js", "page-grid.js", "page.js", "page.css"])
	copyFileSync(path.join(root, "source/core/operations/report-page", name), path.join(dist, "report-page", name));
if (process.env.HPM_METAFILE) writeFileSync(process.env.HPM_METAFILE, JSON.stringify(cli.metafile));
