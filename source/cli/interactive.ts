/**
 * Whether hpm may ask questions: decided once, here. Both stdin and stdout must be terminals,
 * not in CI, and not --json. Everything interactive has a flag for scripts.
 */
export function isInteractive(json: boolean, env = process.env): boolean {
	const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "0" && env.CI !== "false";
	return Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY) && !ci && !json;
}
