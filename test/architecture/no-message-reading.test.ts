import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The project's config, without type information: the snippets below are not files of the
// TypeScript project (the one rule that needs types, exhaustive switches, is not the subject here).
const eslint = new ESLint({
	overrideConfig: {
		languageOptions: { parserOptions: { projectService: false, project: null } },
		rules: { "@typescript-eslint/switch-exhaustiveness-check": "off" },
	},
});
const errors = async (code: string, filePath: string) => {
	const [result] = await eslint.lintText(code, { filePath });
	return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-syntax").map((m) => m.line);
};

describe("nothing decides by reading a problem's or an error's message", () => {
	it("refuses matching, searching or comparing a .message in screens, components and the core", async () => {
		// the two readers the UI had: group names pulled out of problem prose
		const app = [
			"export const named = (p: { message: string }) =>",
			"\t[...p.message.matchAll(/([A-Za-z0-9][A-Za-z0-9._-]*)=/g)].map((m) => m[1] ?? '');",
			'export const quoted = (p: { message: string }) => [...p.message.matchAll(/group "([^"]+)"/g)];',
			"export const retry = (e: Error) => /remote ref HEAD/.test(e.message);",
			"export const same = (e: Error) => e.message === 'x';",
			"export const starts = (e: Error) => e.message.startsWith('x');",
		].join("\n");
		expect(await errors(app, "screens/example.tsx")).toEqual([2, 3, 4, 5, 6]);
		expect(await errors(app, "source/core/example.ts")).toEqual([2, 3, 4, 5, 6]);
		expect(await errors(app, "components/example.ts")).toEqual([2, 3, 4, 5, 6]);
	});

	it("lets a view render a message", async () => {
		const view = "export const line = (p: { message: string }) => `problem: ${p.message.replace(/\\n/g, ' ')}`;";
		expect(await errors(view, "screens/example.tsx")).toEqual([]);
	});
});
