import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HpmError } from "../base/errors.js";
import { redactSecrets } from "../base/secrets.js";
import { cacheFolder } from "../os/cache-trust.js";
import { writeOutputFile } from "../os/output-file.js";
import { readRegularFile, UnreadableFile } from "../os/read-file.js";
import { type Context, type Locator, resolveContext } from "../plan/context.js";
import { drain } from "../plan/events.js";
import { openSelection } from "../plan/open-selection.js";
import { type ReportData, reportData, type ReportEvidence, type ReportRun } from "../plan/report-data.js";
import { REPORT_MARK, reportHtml } from "../plan/report-html.js";
import { parseReportInput } from "../plan/report-input.js";
import { runMatrix } from "./matrix-run.js";

/** The file `hpm report` writes when told none (in the current folder), and `r` in `hpm ui` (in the project). */
export const REPORT_FILE = "hpm-report.html";

/** The errors of a missing, broken or old uv (codes.ts). */
const UV_UNUSABLE: readonly string[] = ["uv-missing", "uv-broken", "uv-too-old"];

/** The largest --from document read (a matrix of 512 combinations with uv's words is a few MB). */
const INPUT_LIMIT = 64_000_000;
/** How much of a combination's log the report keeps: its end, where a failure is. */
const LOG_TAIL = 3_000;

/**
 * What `hpm report` shows: the registry and the project's choice, and what `from` (a saved
 * `check --matrix --json` or `hpm test --json`) proved; without `from`, what the matrix's result
 * cache knows of the combinations `check --matrix` would plan (uv is never run), and what is
 * missing said in `missing`.
 */
export async function buildReport(
	where: { readonly locator: Locator; readonly cwd: string },
	options: { readonly from?: string | undefined; readonly now: Date; readonly signal?: AbortSignal | undefined },
): Promise<ReportData> {
	const context = resolveContext(where.locator, where.cwd);
	const { project, registry, selection, commits, roots } = await openSelection(context, {
		project: "optional",
		signal: options.signal,
	});
	const missing: string[] = [];
	let evidence: ReportEvidence | undefined;
	if (options.from !== undefined) {
		const file = path.resolve(where.cwd, options.from);
		const parsed = parseReportInput(readInput(file), options.from);
		evidence = { ...parsed, runs: parsed.runs.map((run) => withLog(run, path.dirname(file))) };
	} else if (!project) {
		missing.push("no project here: the matrix's cached answers belong to a project (or give --from FILE)");
	} else {
		evidence = await fromCache(context, options.signal).catch((error: unknown) => {
			// the cached answers are keyed by uv's version: without a usable uv there are none to read
			if (error instanceof HpmError && UV_UNUSABLE.includes(error.code)) {
				missing.push(`the matrix's cached answers need uv's version, and uv is not usable here (${error.code})`);
				return undefined;
			}
			throw error;
		});
		const absent = evidence?.runs.filter((run) => run.status === "missing").length ?? 0;
		if (absent > 0)
			missing.push(
				`${absent} of ${evidence?.runs.length ?? 0} combinations of \`hpm check --matrix\` have no cached answer (run it, or give --from FILE): the pairs only they would prove show as untried`,
			);
	}
	if (!evidence || evidence.kind === "matrix")
		missing.push("no test results: `hpm test --json > FILE` then `hpm report --from FILE` shows them");
	let git = 0;
	const layers = roots.map((root) =>
		root.remote === undefined ? { where: root.root } : { where: root.remote, commit: commits[git++] },
	);
	return reportData(
		registry,
		selection,
		{ made: options.now.toISOString(), mode: project?.mode ?? "prod", project: project?.root, layers, missing },
		evidence,
	);
}

/** What the matrix's result cache knows of the combinations `check --matrix` plans (pairwise). */
async function fromCache(context: Context, signal: AbortSignal | undefined): Promise<ReportEvidence> {
	const result = await drain(runMatrix(context, { how: "pairwise", jobs: 1, cachedOnly: true, signal }), () => {});
	const absent = result.results.some((r) => r.missing);
	return {
		source: "the cache of `hpm check --matrix`",
		kind: "matrix",
		pairs: result.pairs,
		compatible: result.compatible,
		// what proved nothing because it is not cached is said once, not pair by pair
		uncovered: absent
			? result.uncovered.map((u) => ({ ...u, reason: "not proven by the cached answers (run hpm check --matrix)" }))
			: result.uncovered,
		projectFails: result.projectFails,
		runs: result.results.map((r): ReportRun => ({
			combination: r.combination,
			status: r.missing ? "missing" : r.ok ? "resolved" : "unresolved",
			excerpt: r.problems.map((p) => p.message).join("\n"),
			problems: r.problems,
		})),
	};
}

function readInput(file: string): string {
	try {
		return readRegularFile(file, INPUT_LIMIT).toString("utf8");
	} catch (error) {
		if (error instanceof UnreadableFile)
			throw new HpmError("report-input", `${file}: ${error.message}`, {
				hint: "give --from what `hpm check --matrix --json > FILE` saved",
			});
		throw error;
	}
}

/** A test run's excerpt with the end of its log, when the log is still there. */
function withLog(run: ReportRun & { readonly log?: string | undefined }, base: string): ReportRun {
	const { log, ...rest } = run;
	if (log === undefined || run.status === "passed") return rest;
	const tail = logTail(path.resolve(base, log));
	return tail === undefined ? rest : { ...rest, excerpt: [run.excerpt, `… ${log}:`, tail].filter(Boolean).join("\n") };
}

/**
 * The end of a log `hpm test` wrote, read only from hpm's own test-logs folder (the path comes from
 * a JSON file anyone can edit: never a key elsewhere on disk), and only a regular file (a named pipe
 * would hold the open forever).
 */
function logTail(file: string): string | undefined {
	const logs = path.join(cacheFolder(), "test-logs");
	let real: string;
	try {
		real = realpathSync(file);
		if (!real.startsWith(`${realpathSync(logs)}${path.sep}`) || !lstatSync(real).isFile()) return undefined;
	} catch {
		return undefined;
	}
	let fd: number | undefined;
	try {
		fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
		const stats = fstatSync(fd);
		if (!stats.isFile()) return undefined;
		const size = stats.size;
		const start = Math.max(0, size - LOG_TAIL);
		const buffer = Buffer.alloc(size - start);
		readSync(fd, buffer, 0, buffer.length, start);
		return redactSecrets(buffer.toString("utf8"));
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

/** The page's script, in parts joined in order inside one function (scripts/build.mjs copies them), and its style. */
const PAGE_FILES = ["page-dom.js", "page-grid.js", "page.js", "page.css"] as const;

/** The page's script and style (next to this module in source/, next to the bundle in dist/). */
function pageAssets(): { script: string; style: string } {
	const read = (name: (typeof PAGE_FILES)[number]) =>
		readRegularFile(fileURLToPath(new URL(`report-page/${name}`, import.meta.url)), 1_000_000).toString("utf8");
	const parts = PAGE_FILES.filter((name) => name.endsWith(".js")).map(read);
	return { script: `(function () {\n"use strict";\n${parts.join("\n")}\n})();\n`, style: read("page.css") };
}

/** The report as one HTML file. */
export function renderReport(data: ReportData): string {
	return reportHtml(data, pageAssets());
}

/**
 * Writes the report to `file` through the one output write (os/output-file.ts): a new file, or
 * one that is already an hpm report (never a file someone wrote, a link or the project's own).
 */
export function writeReport(file: string, html: string, protect: readonly string[] = []): void {
	writeOutputFile(file, html, {
		replace: true,
		protect,
		ours: {
			// a page hpm wrote: it begins as one, with the mark in its head (a note quoting the mark is not)
			test: (bytes) => {
				const head = bytes.subarray(0, 2_000).toString("utf8");
				return head.startsWith("<!doctype html>") && head.includes(REPORT_MARK);
			},
			refused: () =>
				new HpmError("not-a-report", `${file} exists and is not an hpm report; it is left as it is`, {
					hint: "give another file with -o, or remove that one",
				}),
		},
	});
}
