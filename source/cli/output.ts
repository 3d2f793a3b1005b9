import { formatLocation, type HpmError, type Problem } from "../core/base/errors.js";
import { redactSecrets } from "../core/base/secrets.js";
import { displaySafe, terminalSafe } from "../core/base/text.js";
import { isTerminal, write } from "./stdio.js";

const JSON_UNSAFE = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const jsonSafe = (json: string) =>
	json.replace(JSON_UNSAFE, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);

/** Where a command writes. Commands never call console.* directly, so tests and JSON stay clean. */
export type Output = {
	readonly json: boolean;
	readonly color: boolean;
	out(text: string): void;
	err(text: string): void;
	/** Prints a value as the one JSON document on stdout. */
	data(value: unknown): void;
};

export function createOutput(json: boolean, env = process.env): Output {
	return {
		json,
		// with --json nothing is coloured: whether stdout is a terminal is not even asked
		color: !json && colorEnabled(env, () => isTerminal(1)),
		// the last net: no credentials of a URL, no control sequence but hpm's own colours
		out: (text) => write(1, `${terminalSafe(redactSecrets(text))}\n`),
		err: (text) => write(2, `${terminalSafe(redactSecrets(text))}\n`),
		// JSON.stringify escapes C0 controls; DEL, C1 and bidi overrides are escaped here too
		data: (value) => write(1, `${jsonSafe(redactSecrets(JSON.stringify(value, null, 2)))}\n`),
	};
}

/**
 * Whether the terminal shows Unicode (a UTF-8 locale, or none set; not TERM=dumb). The views
 * decide the same way in components/glyphs.ts, which the CLI may not import.
 */
export function unicodeTerminal(env: NodeJS.ProcessEnv = process.env): boolean {
	if (env.TERM === "dumb") return false;
	const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || "";
	return locale === "" || /utf-?8/i.test(locale);
}

/** NO_COLOR wins, then FORCE_COLOR, then whether the output is a terminal (asked only then). */
export function colorEnabled(env: NodeJS.ProcessEnv, isTty: boolean | (() => boolean)): boolean {
	if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
	if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
	return env.TERM !== "dumb" && (typeof isTty === "boolean" ? isTty : isTty());
}

export type Style = Record<"bold" | "dim" | "green" | "yellow" | "red" | "cyan", (text: string) => string>;

export function styles(enabled: boolean): Style {
	const wrap = (open: number, close: number) => (text: string) =>
		enabled ? `\u001B[${open}m${text}\u001B[${close}m` : text;
	return {
		bold: wrap(1, 22),
		dim: wrap(2, 22),
		green: wrap(32, 39),
		yellow: wrap(33, 39),
		red: wrap(31, 39),
		cyan: wrap(36, 39),
	};
}

/** A problem or an error as JSON (SPEC §6): code, message, then whatever else it has. */
export function problemJson(problem: Problem & { readonly hint?: string | undefined }): Record<string, unknown> {
	const { location } = problem;
	return {
		code: problem.code,
		message: displaySafe(problem.message),
		...(problem.hint ? { hint: displaySafe(problem.hint) } : {}),
		...(location ? { file: location.file } : {}),
		...(location?.line === undefined ? {} : { line: location.line }),
		...(location?.column === undefined ? {} : { column: location.column }),
		...(problem.detail ? { detail: problem.detail } : {}),
		...(problem.choices ? { choices: problem.choices.map(displaySafe) } : {}),
		...(problem.groups ? { groups: problem.groups.map(displaySafe) } : {}),
		...(problem.proven === undefined ? {} : { proven: problem.proven }),
	};
}

export function reportError(output: Output, error: HpmError): void {
	if (output.json) {
		// the problems a refusal counts (streamed as events, which --json does not print) are listed
		const problems = error.problems.length > 0 ? { problems: error.problems.map(problemJson) } : {};
		const json = problemJson(error);
		// an error names choices only when it is about some (most are not: usage, files, uv missing)
		if (error.choices.length === 0) delete json.choices;
		if (error.groups.length === 0) delete json.groups;
		output.data({ error: { ...json, ...problems } });
		return;
	}
	const style = styles(colorEnabled(process.env, () => isTerminal(2)));
	const where = formatLocation(error.location);
	// a person who cancels or presses Ctrl-C made no mistake: said plainly, not as an error
	if (error.code === "cancelled" || error.code === "interrupted") {
		output.err(`hpm: ${displaySafe(error.message)}`);
		return;
	}
	// a message that already begins with the file (and no line to add) does not repeat it
	// eslint-disable-next-line no-restricted-syntax -- rendering: how the sentence is printed, nothing is decided by it
	const prefix = where && !(error.location?.line === undefined && error.message.startsWith(where)) ? `${where}: ` : "";
	// one line each: a newline or a colour code from a file name in them is shown, never obeyed
	output.err(`${style.red("error:")} ${prefix}${displaySafe(error.message)}`);
	if (error.hint) output.err(`${style.dim("hint:")} ${displaySafe(error.hint)}`);
}

/** Pads cells into aligned columns (ANSI-aware). */
export function table(rows: readonly (readonly string[])[], gap = "  "): string[] {
	const visible = (text: string) => stripAnsi(text).length;
	const widths: number[] = [];
	for (const row of rows) {
		for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, visible(cell));
	}
	return rows.map((row) =>
		row
			.map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - visible(cell))))
			.join(gap)
			.trimEnd(),
	);
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

export function stripAnsi(text: string): string {
	return text.replace(ANSI, "");
}
