import type { Code, ExitCode, SystemCode } from "./codes.js";
import { displayPath } from "./display-path.js";
import { displaySafe } from "./text.js";
/** Where in a user file a problem sits. Lines and columns are 1-based. */
export type Location = {
	readonly file: string;
	readonly line?: number;
	readonly column?: number;
};

export type { Code, ErrorCode, ExitCode, ProblemCode } from "./codes.js";

export type ErrorOptions = {
	readonly hint?: string;
	readonly exitCode?: ExitCode;
	readonly location?: Location;
	readonly cause?: unknown;
	/** The problems the error stands for, each already reported as a `problem` event of its stream. */
	readonly problems?: readonly Problem[];
	/** The choices (`group=option`) the failure is about, as data (a failed uv run names them in its message too). */
	readonly choices?: readonly string[];
	/** The groups the failure is about beyond its choices (a group's own rule names no option), as data. */
	readonly groups?: readonly string[];
	/** Longer supporting text, such as uv's own words. */
	readonly detail?: string;
};

/**
 * The one error type of hpm. Everything the user can cause ends up here, so the CLI can
 * print `file:line:col: message` plus a hint and exit with the right code, never a stack.
 */
export class HpmError extends Error {
	/** One of `ERROR_CODES` or `PROBLEM_CODES` (codes.ts): a stable interface. */
	readonly code: Code;
	readonly hint: string | undefined;
	readonly exitCode: ExitCode;
	readonly location: Location | undefined;
	/** Problems already streamed as `problem` events: the message sums them up instead of repeating one. */
	readonly problems: readonly Problem[];
	/** The choices (`group=option`) the failure is about: data for views, which never read the message. */
	readonly choices: readonly string[];
	/** The groups the failure is about beyond its choices (`Problem.groups`): data for views. */
	readonly groups: readonly string[];
	/** Longer supporting text (`Problem.detail`), such as uv's own words. */
	readonly detail: string | undefined;

	constructor(code: Code, message: string, options: ErrorOptions = {}) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = "HpmError";
		this.code = code;
		this.hint = options.hint;
		this.exitCode = options.exitCode ?? 2;
		this.location = options.location;
		this.problems = options.problems ?? [];
		this.choices = options.choices ?? [];
		this.groups = options.groups ?? [];
		this.detail = options.detail;
	}
}

export function formatLocation(location: Location | undefined): string {
	if (!location) return "";
	let text = displayPath(location.file);
	if (location.line !== undefined) {
		text += `:${location.line}`;
		if (location.column !== undefined) text += `:${location.column}`;
	}
	return text;
}

/** One problem found while reading the registry or project; many can be collected at once. */
export type Problem = {
	/** Mostly one of `PROBLEM_CODES`; an error that check reports as a problem keeps its own code. */
	readonly code: Code;
	readonly message: string;
	readonly location?: Location;
	/** Longer supporting text, such as uv's own explanation of a conflict. */
	readonly detail?: string;
	/**
	 * The choices a verdict is about, as `group=option` (each option once, its first group): for a
	 * conflict, a minimal set (together they fail with the project, without any one they resolve).
	 * Data for views and the matrix; the message says the same for people.
	 */
	readonly choices?: readonly string[];
	/** For a conflict: whether `choices` was proven minimal by resolutions (false: taken from uv's words). */
	readonly proven?: boolean;
	/**
	 * The groups (as the registry names them) a problem is about beyond its `choices`: a group's
	 * own rule (required, min, max) names no option. Data for views; the message says it for people.
	 */
	readonly groups?: readonly string[];
};

/**
 * The groups a problem or an error is about, from its data: its `groups` and the group of each of
 * its `choices`.
 */
export function problemGroups(about: {
	readonly choices?: readonly string[] | undefined;
	readonly groups?: readonly string[] | undefined;
}): string[] {
	const ofChoices = (about.choices ?? []).map((choice) => choice.slice(0, Math.max(choice.indexOf("="), 0)));
	return [...new Set([...(about.groups ?? []), ...ofChoices].filter((name) => name !== ""))];
}

/** What a problem says as data (where, choices, groups, detail), for the error that stands for it. */
function problemData(problem: Problem): ErrorOptions {
	return {
		...(problem.location === undefined ? {} : { location: problem.location }),
		...(problem.choices === undefined ? {} : { choices: problem.choices }),
		...(problem.groups === undefined ? {} : { groups: problem.groups }),
		...(problem.detail === undefined ? {} : { detail: problem.detail }),
	};
}

export function problemToError(problem: Problem, hint?: string): HpmError {
	return new HpmError(problem.code, problem.message, {
		...(hint === undefined ? {} : { hint }),
		...problemData(problem),
	});
}

export function formatProblem(problem: Problem): string {
	const where = formatLocation(problem.location);
	// one line: a newline or a colour code in a file name or a message is shown, never obeyed
	return displaySafe(where ? `${where}: ${problem.message}` : problem.message);
}

/** Whether `error` is a Node system error with this `code` (ENOENT, EEXIST, ...). */
export function isCode(error: unknown, code: SystemCode): boolean {
	return typeof error === "object" && error !== null && "code" in error && error.code === code;
}

/** Every problem as an error pointing at the first, for commands that need a registry without problems. */
export function firstProblemError(problems: readonly Problem[]): HpmError | undefined {
	const first = problems[0];
	if (!first) return undefined;
	const more = problems.length > 1 ? `; ${problems.length - 1} more: run \`hpm registry lint\` to see all` : "";
	return new HpmError(first.code, first.message, { hint: `fix the registry file${more}`, ...problemData(first) });
}

/**
 * An operation that found problems in the selection before running uv (each already streamed as a
 * `problem` event) refuses with one sentence that counts them. Exit 1, as `hpm check` exits for
 * the same problems: the check that precedes the change found something.
 */
export function refusal(what: string, problems: readonly Problem[], again: string): HpmError {
	const first = problems[0];
	const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
	return new HpmError(first?.code ?? "problems", `${what} refused: the selection has ${count}; nothing was changed`, {
		exitCode: 1,
		hint: `fix ${problems.length === 1 ? "it" : "them"}, then run \`${again}\` again`,
		problems,
	});
}
