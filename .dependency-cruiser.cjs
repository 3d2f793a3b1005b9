// The layers (ARCHITECTURE.md), checked by `npm run arch` inside `npm test`. dependency-cruiser
// reads TypeScript before compilation and follows dynamic `import()` as well as static imports.

// Inside source/core, bottom to top. A module imports its own layer and the ones below, never
// one above (type-only imports count: a type is a dependency too).
const CORE_LAYERS = ["base", "os", "uv", "project", "registry", "plan", "operations"];
const coreLayerRules = CORE_LAYERS.slice(0, -1).map((layer, index) => ({
	name: `core-${layer}-imports-no-layer-above`,
	comment: `source/core/${layer}/ is below ${CORE_LAYERS.slice(index + 1).join(", ")}: it may not import them`,
	severity: "error",
	from: { path: `^source/core/${layer}/` },
	to: { path: `^source/core/(${CORE_LAYERS.slice(index + 1).join("|")})/` },
}));
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		...coreLayerRules,
		{
			name: "core-files-live-in-a-layer",
			comment: "every core module belongs to one of the layers, so its place in the order is known",
			severity: "error",
			from: { path: "^source/core/", pathNot: `^source/core/(${CORE_LAYERS.join("|")})/` },
			to: {},
		},
		{
			name: "core-knows-no-cli-or-ui",
			comment:
				"source/core decides and writes; it never imports the CLI, screens, components, ink or react, not even lazily",
			severity: "error",
			from: { path: "^source/core/" },
			to: { path: ["^source/cli/", "^screens/", "^components/", "node_modules/(ink|ink-[^/]+|react)/"] },
		},
		{
			name: "components-are-plain-views",
			comment: "components/ are plain Ink views: they import neither screens/ nor the CLI nor the core",
			severity: "error",
			from: { path: "^components/" },
			to: { path: ["^screens/", "^source/"] },
		},
		{
			name: "screens-read-the-core-not-the-cli",
			comment: "screens/ render the core's data and event streams; the CLI is another presenter beside them",
			severity: "error",
			from: { path: "^screens/" },
			to: { path: "^source/cli/" },
		},
		{
			name: "cli-loads-the-ui-lazily-in-one-place",
			comment:
				"plain commands must not pay for Ink: only source/cli/ui.ts may reach screens/, ink or react, and only with import()",
			severity: "error",
			from: { path: "^source/cli/", pathNot: "^source/cli/ui\\.ts$" },
			to: { path: ["^screens/", "^components/", "node_modules/(ink|ink-[^/]+|react)/"] },
		},
		{
			name: "ui-loader-is-lazy",
			comment: "source/cli/ui.ts reaches the UI only through import(), so loading the CLI never loads Ink",
			severity: "error",
			from: { path: "^source/cli/ui\\.ts$" },
			to: {
				path: ["^screens/", "^components/", "node_modules/(ink|ink-[^/]+|react)/"],
				dependencyTypesNot: ["dynamic-import"],
			},
		},
		{
			name: "no-cycles",
			comment: "a cycle makes two modules one; break it by moving the shared part down a layer",
			severity: "error",
			from: {},
			to: { circular: true },
		},
		{
			name: "no-unresolvable",
			comment: "an import that does not resolve would fail at run time",
			severity: "error",
			from: {},
			to: { couldNotResolve: true },
		},
	],
	options: {
		doNotFollow: { path: "node_modules" },
		tsPreCompilationDeps: true,
		tsConfig: { fileName: "tsconfig.json" },
		enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
		reporterOptions: { text: { highlightFocused: true } },
	},
};
