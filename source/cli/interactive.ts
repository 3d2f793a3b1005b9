import { createRequire } from "node:module";

/**
 * Whether hpm may ask questions: decided once, here. Both stdin and stdout must be terminals,
 * not in CI, and not --json. Everything interactive has a flag for scripts.
 */
export function isInteractive(json: boolean, env = process.env): boolean {
	const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "0" && env.CI !== "false";
	if (json || ci || !process.stdout.isTTY) return false;
	// stdin is asked with isatty(): process.stdin would build a stream (3-5 ms) that a command which
	// never reads it does not need; with stdout a terminal, Node has loaded its tty code already
	const { isatty } = createRequire(import.meta.url)("node:tty") as typeof import("node:tty");
	return isatty(0);
}
