// esbuild plugins for the UI libraries' bundle (dist/ui-libraries.js, scripts/build.mjs).
import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Yoga without a top-level await: its loader (Emscripten) is given an `instantiateWasm` hook that
 * compiles and instantiates the WebAssembly synchronously, so Yoga is ready when its module has
 * run and Ink, React and Yoga can be one CommonJS bundle that the launcher starts through V8's
 * code cache (source/launcher.ts). The ~70 KB module compiles in ~3 ms of CPU (V8 compiles its
 * functions lazily); V8 in Node 20 cannot keep a compiled WebAssembly.Module between runs.
 */
export function yogaWithoutAwait() {
	return {
		name: "yoga-without-await",
		setup(context) {
			context.onResolve({ filter: /^yoga-layout$/ }, async (args) => {
				if (args.namespace === "yoga-without-await") return undefined;
				const real = await context.resolve("yoga-layout", {
					resolveDir: args.resolveDir,
					kind: args.kind,
					namespace: "yoga-without-await",
				});
				if (real.errors.length > 0) return { errors: real.errors };
				return { path: real.path, namespace: "yoga-without-await" };
			});
			context.onLoad({ filter: /.*/, namespace: "yoga-without-await" }, (args) => ({
				contents: `import loadYoga, { wasmBase64 } from "../binaries/yoga-wasm-base64-esm.js";
import wrapAssembly from "./wrapAssembly.js";
const yoga = {
	instantiateWasm(imports, started) {
		const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(wasmBase64, "base64")), imports);
		started(instance);
		return instance.exports;
	},
};
// a failure is thrown below; the loader's own promise would only report it again
loadYoga(yoga).catch(() => undefined);
if (yoga.calledRun !== true) throw new Error("hpm: Yoga's WebAssembly did not start");
export default wrapAssembly(yoga);
export * from "./generated/YGEnums.js";`,
				resolveDir: path.dirname(args.path),
				loader: "js",
			}));
			// the WebAssembly, embedded as base64 in the loader, exported for the hook above
			context.onLoad({ filter: /[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
				const text = readFileSync(args.path, "utf8");
				const prefix = "data:application/octet-stream;base64,";
				const literals = [...text.matchAll(/"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/g)];
				if (literals.length !== 1 || literals[0] === undefined)
					throw new Error(
						`scripts/build-plugins.mjs: ${args.path} no longer embeds its WebAssembly as one base64 string`,
					);
				const [literal, base64] = literals[0];
				return {
					contents: `${text.replace(literal, JSON.stringify(prefix)).replace("import.meta.url", "undefined")}
export const wasmBase64 = ${JSON.stringify(base64)};`,
					loader: "js",
				};
			});
		},
	};
}

/**
 * Every string-width (Ink and wrap-ansi each bring a version) answers text of plain symbols, styled
 * or not, itself (components/text-width.ts) and loads the real one, with its emoji regular
 * expression, only for text that needs it.
 */
export function narrowStringWidth(root) {
	return {
		name: "narrow-string-width",
		setup(context) {
			context.onResolve({ filter: /^string-width$/ }, async (args) => {
				if (args.namespace === "narrow-string-width") return undefined;
				const real = await context.resolve("string-width", {
					resolveDir: args.resolveDir,
					kind: args.kind,
					namespace: "narrow-string-width",
				});
				return { path: real.path, namespace: "narrow-string-width" };
			});
			context.onLoad({ filter: /.*/, namespace: "narrow-string-width" }, (args) => ({
				contents: `import { styledNarrowWidth } from ${JSON.stringify(path.join(root, "components/text-width.ts"))};
let real;
export default function stringWidth(text, options) {
	const plain = options === undefined || (options.ambiguousIsNarrow !== false && options.countAnsiEscapeCodes !== true);
	const narrow = plain && typeof text === "string" ? styledNarrowWidth(text) : undefined;
	if (narrow !== undefined) return narrow;
	real ??= require(${JSON.stringify(args.path)}).default;
	return real(text, options);
}`,
				resolveDir: root,
				loader: "js",
			}));
		},
	};
}

/**
 * Ink's optional devtools (loaded only when DEV=true) are never bundled, and with them go the
 * reconciler's two top-level awaits (the devtools' import, Ink's package.json for them), which a
 * CommonJS bundle cannot hold. The build fails if Ink's code no longer reads as expected.
 */
export function inkWithoutDevtools() {
	const cuts = [
		// the devtools' import: nothing to connect to
		[/await import\('\.\/devtools\.js'\);/g, "void 0;"],
		// Ink's name and version, read for the devtools only
		[/isDev\(\)\s*\?\s*await loadPackageJson\(\)\s*:/g, "false ? undefined :"],
	];
	return {
		name: "ink-without-devtools",
		setup(context) {
			context.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, (args) => {
				let text = readFileSync(args.path, "utf8");
				for (const [pattern, replacement] of cuts) {
					const found = text.match(pattern)?.length ?? 0;
					if (found !== 1)
						throw new Error(`scripts/build-plugins.mjs: ${args.path} has ${found} places for ${pattern}, not one`);
					text = text.replace(pattern, replacement);
				}
				return { contents: text, loader: "js" };
			});
		},
	};
}
