import { unicodeTerminal } from "./glyphs.js";

/**
 * Where the terminal is not Unicode, the one character Ink itself adds, the "…" of a truncated
 * line, becomes "~" (as Midnight Commander marks a cut name): one column, so nothing moves.
 */
export function asciiSafe(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
	if (unicodeTerminal()) return stdout;
	return new Proxy(stdout, {
		get(target, property) {
			if (property === "write") {
				return (chunk: unknown, ...rest: unknown[]) =>
					(target.write as (...args: unknown[]) => boolean)(
						typeof chunk === "string" ? chunk.replaceAll("\u2026", "~") : chunk,
						...rest,
					);
			}
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}
