import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** The `no-restricted-syntax` entries that refuse deciding by a message (see their block below). */
function messageReading() {
	const decide =
		"give the problem or error the data (choices, groups, code, a field) and read that; a message is for people.";
	const apart = "read `x.message` where it is used (rendered), so the lint sees what is done with it; decide by data.";
	const search =
		"CallExpression[callee.property.name=/^(match|matchAll|test|exec|search|includes|startsWith|endsWith|indexOf|lastIndexOf)$/]";
	const compare = "BinaryExpression[operator=/^[!=]==?$/]";
	// a phrase replaced in a sentence is the sentence read; a regex that reflows it (`/\n/g`) is rendering
	const reword =
		"CallExpression[callee.property.name=/^(replace|replaceAll)$/][arguments.0.type='Literal']:not([arguments.0.regex])";
	// `x.message`, `x?.message` and `x["message"]`
	const members = ["[property.name='message']", "[property.value='message']"];
	const either = (at, message) =>
		`${at} > MemberExpression${message}, ${at} > ChainExpression > MemberExpression${message}`;
	const perMember = members.flatMap((message) => [
		{ selector: `${search} MemberExpression${message}`, message: `Do not read a message to decide: ${decide}` },
		{ selector: either(compare, message), message: `Do not compare a message to decide: ${decide}` },
		{
			selector: `SwitchStatement > MemberExpression.discriminant${message}, SwitchStatement > ChainExpression.discriminant > MemberExpression${message}`,
			message: `Do not switch on a message: ${decide}`,
		},
		{
			selector: `${reword} > MemberExpression.callee > MemberExpression.object${message}`,
			message: `Do not reword a message by its text: ${decide}`,
		},
		{
			selector: `${either("VariableDeclarator", message)}, AssignmentExpression > MemberExpression.right${message}`,
			message: `Do not keep a message apart from its problem or error: ${apart}`,
		},
	]);
	// a component's props may take a `message` to render; a variable taken out of an error may not
	const destructured = {
		selector:
			"VariableDeclarator > ObjectPattern.id > Property[key.name='message'], VariableDeclarator > ObjectPattern.id > Property[key.value='message']",
		message: `Do not destructure a message from its problem or error: ${apart}`,
	};
	return [...perMember, destructured];
}

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
		// and fields). Matching, searching, comparing or switching on a `.message` (or `["message"]`)
		// is refused; rendering it is not. A message is read where it is used (no destructuring, no
		// alias), so these rules see what is done with it.
		files: ["source/**/*.{ts,tsx}", "screens/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
		rules: {
			"no-restricted-syntax": ["error", ...messageReading()],
		},
	},
	{
		files: ["**/*.mjs", "**/*.js"],
		languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
	},
	{
		// the report's page runs in a browser
		files: ["source/core/operations/report-page/*.js"],
		languageOptions: {
			sourceType: "script",
			globals: {
				window: "readonly",
				document: "readonly",
				performance: "readonly",
				atob: "readonly",
				getComputedStyle: "readonly",
				requestAnimationFrame: "readonly",
			},
		},
	},
	{
		files: ["**/*.cjs"],
		languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } },
	},
);
