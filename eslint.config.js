import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
	{ ignores: ["dist/", ".stryker/", "node_modules/", "registry-examples/", "test/fixtures/"] },
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		rules: {
			"@typescript-eslint/no-explicit-any": "error",
			"@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
			"no-control-regex": "off",
		},
	},
	{
		// the rules of hooks, and the React Compiler's checks of what a component may do while rendering
		files: ["screens/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "test/**/*.tsx"],
		...reactHooks.configs.flat.recommended,
	},
	{
		files: ["**/*.mjs", "**/*.js"],
		languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
	},
	{
		files: ["**/*.cjs"],
		languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } },
	},
);
