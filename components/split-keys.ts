import type { Key } from "ink";

export type KeyPress = { readonly input: string; readonly key: Partial<Key> };

/**
 * Ink hands a chunk of plain characters to the handler as one `input` (so a fast " " + Enter
 * arrives as " \r"). Screens that act per key get them one at a time here.
 */
export function splitKeys(input: string, key: Key): KeyPress[] {
	if (input.length <= 1 || key.ctrl || key.meta) return [{ input, key }];
	return [...input].map((char) => {
		if (char === "\r" || char === "\n") return { input: "", key: { return: true } };
		if (char === "\t") return { input: "", key: { tab: true } };
		if (char === "\u007F") return { input: "", key: { backspace: true } };
		return { input: char, key: {} };
	});
}
