/**
 * The variables through which a caller's terminal changes what hpm draws (colour, characters,
 * whether a person is there). A test never inherits them: test/setup.ts removes them from every
 * test process and sets the baseline, and a pane (tmux.ts) gets them explicitly.
 */
export const TERMINAL_VARIABLES = [
	"NO_COLOR",
	"FORCE_COLOR",
	"COLORTERM",
	"CI",
	"TERM",
	"LANG",
	"LC_ALL",
	"LC_CTYPE",
	"LANGUAGE",
] as const;

/** The terminal every test starts from: a UTF-8, 256-colour terminal that is not CI. */
export const TERMINAL_BASELINE = { LANG: "C.UTF-8", TERM: "xterm-256color" } as const;

/** `process.env` without the caller's terminal, with `env` on top: for a child that must see exactly these. */
export function terminalEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const clean: NodeJS.ProcessEnv = { ...process.env };
	for (const name of TERMINAL_VARIABLES) delete clean[name];
	return { ...clean, ...TERMINAL_BASELINE, ...env };
}
