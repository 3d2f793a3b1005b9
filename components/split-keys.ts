import type { Key } from "ink";

export type KeyPress = { readonly input: string; readonly key: Partial<Key> };

/**
 * Ink hands a chunk of plain characters to the handler as one `input` (so a fast " " + Enter
 * arrives as " \r"). Screens that act per key get them one at a time here.
 */
export function splitKeys(input: string, key: Partial<Key>): KeyPress[] {
	// Esc and the key after it in one read reach a terminal program as that key with Alt (Esc
	// Enter is Alt+Enter): hpm binds no Alt key, so it is the Esc a person typed, then the key
	if (key.meta && !key.escape && !key.ctrl) return [ESCAPE, ...splitKeys(input, { ...key, meta: false })];
	if (input.length <= 1 || key.ctrl || key.meta) return [{ input, key }];
	return [...input].flatMap((char): KeyPress[] => {
		if (char === "\r" || char === "\n") return [{ input: "", key: { return: true } }];
		if (char === "\t") return [{ input: "", key: { tab: true } }];
		if (char === "\u007F" || char === "\b") return [{ input: "", key: { backspace: true } }];
		// Ctrl-C inside a burst is still Ctrl-C; Esc is Esc
		if (char === "\u0003") return [{ input: "c", key: { ctrl: true } }];
		if (char === "\u001B") return [ESCAPE];
		// any other control character is never text
		if (char < " ") return [];
		return [{ input: char, key: {} }];
	});
}

const ESCAPE: KeyPress = { input: "", key: { escape: true } };
