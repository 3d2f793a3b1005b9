import { HpmError } from "../base/errors.js";
import type { ReportEvidence, ReportRun } from "./report-data.js";

/** A combination of an `hpm test --json` document, with where its log is (read by the operation). */
export type TestRun = ReportRun & { readonly log?: string | undefined };

/**
 * A saved `hpm check --matrix --json` or `hpm test --json` document (README "JSON output") as the
 * report's evidence. Anything else is refused with what was expected, naming the file.
 */
export function parseReportInput(text: string, file: string): ReportEvidence & { readonly runs: readonly TestRun[] } {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		// never the parser's own words: they quote the file's first bytes, which may be anyone's secret
		const at = error instanceof SyntaxError ? / at position (\d+)/.exec(error.message)?.[1] : undefined; // eslint-disable-line no-restricted-syntax -- Node's JSON.parse words, not hpm's
		throw bad(file, `it is not JSON${at === undefined ? "" : ` (at byte ${at})`}`);
	}
	if (!isObject(value)) throw bad(file, "it is not a JSON object");
	const pairs = list(value.pairs, file, "pairs", (row): ReportEvidence["pairs"][number] | undefined => {
		const status = row.status;
		if (status !== "fails-alone" && status !== "conflict" && status !== "set" && status !== "declared")
			return undefined;
		const choices = strings(row.choices);
		return choices && typeof row.reason === "string" ? { choices, status, reason: row.reason } : undefined;
	});
	const compatible = list(value.compatible, file, "compatible", (row) => {
		const pair = strings(row);
		return pair?.length === 2 ? ([pair[0] ?? "", pair[1] ?? ""] as const) : undefined;
	});
	const uncovered = list(value.uncovered, file, "uncovered", (row) =>
		typeof row.a === "string" && typeof row.b === "string" && typeof row.reason === "string"
			? { a: row.a, b: row.b, reason: row.reason }
			: undefined,
	);
	const projectFails = value.projectFails === true;
	if (Array.isArray(value.combinations)) {
		const runs = list(value.combinations, file, "combinations", (row): TestRun | undefined => {
			const status = row.status;
			if (typeof row.combination !== "string") return undefined;
			if (status !== "passed" && status !== "failed" && status !== "unresolved") return undefined;
			const first = typeof row.firstFailingLine === "string" ? row.firstFailingLine : "";
			const reason = typeof row.reason === "string" ? row.reason : "";
			return {
				combination: row.combination,
				status,
				seconds: typeof row.seconds === "number" ? row.seconds : undefined,
				excerpt: [reason, first].filter(Boolean).join("\n"),
				problems: [],
				log: typeof row.log === "string" ? row.log : undefined,
			};
		});
		return { source: file, kind: "test", pairs, compatible, uncovered, projectFails, runs };
	}
	const runs = list(value.results, file, "results", (row): TestRun | undefined => {
		if (typeof row.combination !== "string" || typeof row.ok !== "boolean" || !Array.isArray(row.problems))
			return undefined;
		const problems = row.problems.filter(isObject).map((p) => ({
			message: typeof p.message === "string" ? p.message : "",
			detail: typeof p.detail === "string" ? p.detail : undefined,
			choices: strings(p.choices),
		}));
		return {
			combination: row.combination,
			status: row.ok ? "resolved" : "unresolved",
			seconds: typeof row.seconds === "number" ? row.seconds : undefined,
			excerpt: problems.map((p) => p.message).join("\n"),
			problems,
		};
	});
	return { source: file, kind: "matrix", pairs, compatible, uncovered, projectFails, runs };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] | undefined {
	return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
}

/** `value` as a list of rows `row` accepts; a row it refuses names its place. */
function list<T>(
	value: unknown,
	file: string,
	key: string,
	row: (item: Record<string, unknown>) => T | undefined,
): T[] {
	if (!Array.isArray(value)) throw bad(file, `it has no list "${key}"`);
	return value.map((item: unknown, at) => {
		const found = isObject(item) || Array.isArray(item) ? row(item as Record<string, unknown>) : undefined;
		if (found === undefined) throw bad(file, `"${key}"[${at}] is not what hpm writes there`);
		return found;
	});
}

function bad(file: string, what: string): HpmError {
	return new HpmError(
		"report-input",
		`${file}: not a \`hpm check --matrix --json\` or \`hpm test --json\` document: ${what}`,
		{
			hint: "give --from what `hpm check --matrix --json > FILE` or `hpm test --json > FILE` saved",
		},
	);
}
