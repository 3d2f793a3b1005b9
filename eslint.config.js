import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
	{ ignores: ["dist/", "node_modules/", "registry-examples/", "test/fixtures/"] },
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
		files: ["**/*.mjs", "**/*.js"],
		languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
	},
);
