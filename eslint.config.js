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
		// type-aware: a switch over a union (source kinds, events, actions) names every member and has
		// no default, so a new member fails the lint as it fails tsc where a function must return
		files: ["source/**/*.{ts,tsx}", "screens/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
		languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
		rules: {
			"@typescript-eslint/switch-exhaustiveness-check": [
				"error",
				{
					considerDefaultExhaustiveForUnions: false,
					allowDefaultCaseForExhaustiveSwitch: false,
					requireDefaultForNonUnion: true,
				},
			],
		},
	},
	{
		// the rules of hooks, and the React Compiler's checks of what a component may do while rendering
		files: ["screens/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "test/**/*.tsx"],
		...reactHooks.configs.flat.recommended,
	},
	{
		// A problem's or an error's `message` is a sentence for people: nothing decides anything by
		// reading it (a view marks what a problem's `choices` and `groups` name; code acts on `code`
		// and fields). Matching, searching or comparing a `.message` is refused; rendering it is not.
		files: ["source/**/*.ts", "screens/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
		rules: {
			"no-restricted-syntax": [
				"error",
				{
					selector:
						"CallExpression[callee.property.name=/^(match|matchAll|test|exec|search|includes|startsWith|endsWith|indexOf|lastIndexOf)$/] MemberExpression[property.name='message']",
					message:
						"Do not read a message to decide: give the problem or error the data (choices, groups, code, a field) and read that.",
				},
				{
					selector: "BinaryExpression[operator=/^[!=]==?$/] > MemberExpression[property.name='message']",
					message:
						"Do not compare a message to decide: give the problem or error the data (choices, groups, code, a field) and read that.",
				},
			],
		},
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
