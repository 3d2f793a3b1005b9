/**
 * The characters the views draw with, chosen once per run: Unicode where the terminal can show it,
 * plain ASCII where it cannot (a locale that is not UTF-8, such as LC_ALL=C, or TERM=dumb).
 */
export type Glyphs = {
	/** The cursor's row in the list that has the keys. */
	readonly pointer: string;
	/** The cursor's row in a list that does not have the keys: focus shows without colour. */
	readonly pointerIdle: string;
	readonly prompt: string;
	readonly done: string;
	readonly dash: string;
	readonly ellipsis: string;
	readonly range: string;
	readonly upDown: string;
	readonly leftRight: string;
	readonly swap: string;
	readonly arrow: string;
	/** Marks an option a registry rule forbids. */
	readonly cross: string;
	readonly spinner: readonly string[];
	/** Ink's borderStyle for boxes. */
	readonly border: "single" | "classic";
	readonly roundBorder: "round" | "classic";
};

const UNICODE: Glyphs = {
	pointer: "❯",
	pointerIdle: "·",
	prompt: "›",
	done: "✓",
	dash: "–",
	ellipsis: "…",
	range: "–",
	upDown: "↑↓",
	leftRight: "←→",
	swap: "⇄",
	arrow: "→",
	cross: "✗",
	spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
	border: "single",
	roundBorder: "round",
};

const ASCII: Glyphs = {
	pointer: ">",
	pointerIdle: ".",
	prompt: ">",
	done: "+",
	dash: "-",
	ellipsis: "...",
	range: "-",
	upDown: "up/down",
	leftRight: "left/right",
	swap: "<->",
	arrow: "->",
	cross: "x",
	spinner: ["|", "/", "-", "\\"],
	border: "classic",
	roundBorder: "classic",
};

/**
 * Whether the terminal shows Unicode: the locale's character set (LC_ALL, else LC_CTYPE, else
 * LANG) must be UTF-8 when one is set, and TERM must not be dumb. No locale at all is taken as
 * UTF-8, as today's terminals are.
 */
export function unicodeTerminal(env: NodeJS.ProcessEnv = process.env): boolean {
	if (env.TERM === "dumb") return false;
	const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || "";
	return locale === "" || /utf-?8/i.test(locale);
}

export const glyphs: Glyphs = unicodeTerminal() ? UNICODE : ASCII;
