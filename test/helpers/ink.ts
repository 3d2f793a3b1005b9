import { stripAnsi } from "../../source/cli/output.js";

export const KEY = {
	up: "\u001B[A",
	down: "\u001B[B",
	right: "\u001B[C",
	left: "\u001B[D",
	enter: "\r",
	escape: "\u001B",
	tab: "\t",
	space: " ",
} as const;

/** Polls the rendered frame until `predicate` holds (no fixed sleeps); fails after `timeoutMs`. */
export async function waitForFrame(
	lastFrame: () => string | undefined,
	predicate: (frame: string) => boolean,
	timeoutMs = 10_000,
): Promise<string> {
	const start = Date.now();
	for (;;) {
		const frame = stripAnsi(lastFrame() ?? "");
		if (predicate(frame)) {
			// React attaches input handlers in effects that run after the frame is painted
			await new Promise((resolve) => setTimeout(resolve, 50));
			return frame;
		}
		if (Date.now() - start > timeoutMs) throw new Error(`frame never matched; last frame:\n${frame}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** Writes keys one by one, letting Ink process each before the next. */
export async function press(stdin: { write: (data: string) => void }, ...keys: string[]): Promise<void> {
	for (const key of keys) {
		stdin.write(key);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
