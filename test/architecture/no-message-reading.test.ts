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

	it("refuses the ways around it: a computed key, a switch, a phrase replaced, a destructured or aliased message, in .tsx of the core too", async () => {
		const around = [
			"export const computed = (e: Error) => e['message'].startsWith('x');",
			"export const tested = (e: Error) => /x/.test(e['message']);",
			"export const chained = (e?: Error) => e?.message === 'x';",
			"export function pick(e: Error) { switch (e.message) { case 'x': return 1; default: return 0; } }",
			"export const reworded = (e: Error) => e.message.replace('cannot be read: EACCES', 'denied');",
			"export function taken(e: Error) { const { message } = e; return message.startsWith('x'); }",
			"export function aliased(e: Error) { const m = e.message; return m.startsWith('x'); }",
			"export function assigned(e: Error) { let m = ''; m = e.message; return m; }",
		].join("\n");
		const all = [1, 2, 3, 4, 5, 6, 7, 8];
		expect(await errors(around, "source/core/example.ts")).toEqual(all);
		expect(await errors(around, "source/cli/example.tsx")).toEqual(all);
		expect(await errors(around, "screens/example.tsx")).toEqual(all);
	});

	it("lets a view render a message", async () => {
		const view = [
			"export const line = (p: { message: string }) => `problem: ${p.message.replace(/\\n/g, ' ')}`;",
			"export const Row = ({ message }: { message: string }) => message;",
			"export const json = (p: { message: string }) => ({ message: p.message });",
		].join("\n");
		expect(await errors(view, "screens/example.tsx")).toEqual([]);
		expect(await errors(view, "source/cli/example.ts")).toEqual([]);
	});
});
