import { isTerminal } from "./stdio.js";

/**
 * Whether hpm may ask questions: decided once, here. Both stdin and stdout must be terminals,
 * not in CI, and not --json. Everything interactive has a flag for scripts.
 */
export function isInteractive(json: boolean, env = process.env): boolean {
	const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "0" && env.CI !== "false";
	// asked of the descriptors: process.stdin and process.stdout would build streams (3-5 ms) that a
	// command which never reads or prints through them does not need
	return !json && !ci && isTerminal(1) && isTerminal(0);
}
