import { normalizeName } from "../base/names.js";
import { redactSecrets } from "../base/secrets.js";
import type { Registry } from "../registry/model.js";
import type { Selection } from "./selection.js";

/**
 * What `hpm report` draws, as one JSON document: the component graph, what a matrix (or a test
 * run) proved pair by pair, each combination's result, and what the report was made from. Pure:
 * the operation reads the files, the page only draws this.
 */

/** One combination as a matrix or a test run ended it. */
export type ReportRun = {
	readonly combination: string;
	/** resolved / unresolved: a matrix's answer; passed / failed: a test run's; missing: no answer cached. */
	readonly status: "resolved" | "unresolved" | "passed" | "failed" | "missing";
	readonly seconds?: number | undefined;
	/** What to show of it: the problems, the first failing line, the log's tail. */
	readonly excerpt: string;
	/** Its problems, for uv's explanation of a conflict (`detail`) by its `choices`. */
	readonly problems: readonly {
		readonly choices?: readonly string[] | undefined;
		readonly message: string;
		readonly detail?: string | undefined;
	}[];
};

/** What a matrix or a test run proved, in the matrix's `--json` terms (choices as `group=option` names). */
export type ReportEvidence = {
	/** Where it comes from, for people: "the cache" or the file given to --from. */
	readonly source: string;
	readonly kind: "matrix" | "test";
	readonly pairs: readonly {
		readonly choices: readonly string[];
		readonly status: "fails-alone" | "conflict" | "set" | "declared";
		readonly reason: string;
	}[];
	readonly compatible: readonly (readonly [string, string])[];
	readonly uncovered: readonly { readonly a: string; readonly b: string; readonly reason: string }[];
	readonly projectFails: boolean;
	readonly runs: readonly ReportRun[];
};

export type ReportMeta = {
	/** ISO 8601. */
	readonly made: string;
	readonly mode: string;
	readonly project: string | undefined;
	/** Each layer of the registry: where it is, and the commit a git layer was read at. */
	readonly layers: readonly { readonly where: string; readonly commit?: string | undefined }[];
	/** What the report could not show, each a sentence. */
	readonly missing: readonly string[];
};

/** A cell's state in `matrix.cells` (2 bits each). */
export const CELL = { untried: 0, ok: 1, conflict: 2, declared: 3 } as const;

/** At most this many open pairs keep their own reason (the rest say the general one). */
const OPEN_REASONS = 5_000;
const EXCERPT_CHARS = 2_000;
const EXPLANATION_CHARS = 4_000;

export type ReportData = ReturnType<typeof reportData>;

/** The report of `registry` with `selection` chosen, and what `evidence` proved (none: nothing known). */
export function reportData(
	registry: Registry,
	selection: Selection,
	meta: ReportMeta,
	evidence: ReportEvidence | undefined,
) {
	const name = (key: string) => registry.packages.get(key)?.name ?? key;
	const offered = new Set<string>();
	// every option of every group, numbered in order: the compatibility view's rows and columns
	const index = new Map<string, number>();
	const groups = [...registry.groups.values()].map((group) => ({
		name: group.name,
		strategy: group.strategy,
		description: group.description,
		interface: group.interface === undefined ? null : name(group.interface),
		required: group.required,
		min: group.min ?? null,
		max: group.max ?? null,
		defaults: group.defaults.map(name),
		options: group.options.map((key) => {
			offered.add(key);
			index.set(`${group.key}=${key}`, index.size);
			const pkg = registry.packages.get(key);
			const rules = (kind: "requires" | "conflicts") =>
				group.constraints.filter((c) => c.option === key && c.kind === kind).map((c) => c.text);
			return {
				name: name(key),
				version: pkg?.version ?? "",
				description: pkg?.description ?? "",
				selected: (selection.get(group.key) ?? []).includes(key),
				requires: rules("requires"),
				conflicts: rules("conflicts"),
			};
		}),
	}));
	const interfaceKeys = new Set<string>();
	for (const pkg of registry.packages.values()) for (const key of pkg.provides) interfaceKeys.add(key);
	for (const group of registry.groups.values()) if (group.interface) interfaceKeys.add(group.interface);
	return {
		format: 1,
		made: meta.made,
		mode: meta.mode,
		project: meta.project ?? null,
		layers: meta.layers.map((layer) => ({ where: redactSecrets(layer.where), commit: layer.commit ?? null })),
		selection: [...registry.groups.values()].flatMap((group) =>
			(selection.get(group.key) ?? []).map((key) => `${group.name}=${name(key)}`),
		),
		groups,
		interfaces: [...interfaceKeys].sort().map((key) => ({
			name: name(key),
			implementations: [...registry.packages.values()].filter((p) => p.provides.includes(key)).map((p) => p.name),
		})),
		ungrouped: [...registry.packages.values()]
			.filter((p) => !offered.has(p.key))
			.map((p) => ({ name: p.name, description: p.description })),
		matrix: evidence ? matrixOf(evidence, index.size, (choice) => index.get(keyOf(choice))) : null,
		missing: meta.missing,
	};
}

/** `Group=Option` as written → `group=option` as keyed. */
function keyOf(choice: string): string {
	const at = choice.indexOf("=");
	return at < 0 ? choice : `${normalizeName(choice.slice(0, at))}=${normalizeName(choice.slice(at + 1))}`;
}

/** The index of the pair (a, b), a < b, in the upper triangle of an n × n grid, row by row. */
export function cellIndex(a: number, b: number, n: number): number {
	return a * n - (a * (a + 1)) / 2 + (b - a - 1);
}

function matrixOf(evidence: ReportEvidence, n: number, at: (choice: string) => number | undefined) {
	const cells = new Uint8Array(Math.ceil((n * (n - 1)) / 2 / 4));
	const pairOf = (x: string, y: string): [number, number] | undefined => {
		const a = at(x);
		const b = at(y);
		if (a === undefined || b === undefined || a === b) return undefined;
		return a < b ? [a, b] : [b, a];
	};
	const set = (pair: [number, number], state: number) => {
		const i = cellIndex(pair[0], pair[1], n);
		const byte = i >> 2;
		const shift = (i & 3) * 2;
		cells[byte] = ((cells[byte] ?? 0) & ~(3 << shift)) | (state << shift);
	};
	for (const [x, y] of evidence.compatible) {
		const pair = pairOf(x, y);
		if (pair) set(pair, CELL.ok);
	}
	// uv's explanation of a set, from a problem of a run that names exactly its choices
	const explanations = new Map<string, string>();
	for (const run of evidence.runs)
		for (const problem of run.problems)
			if (problem.choices && problem.detail && problem.choices.length > 0) {
				const key = problem.choices.map(keyOf).sort().join("\n");
				if (!explanations.has(key)) explanations.set(key, clip(redactSecrets(problem.detail), EXPLANATION_CHARS));
			}
	const conflicts: { a: number; b: number; status: string; reason: string; explanation: string }[] = [];
	const sets: { choices: readonly string[]; status: string; reason: string; explanation: string }[] = [];
	const failsAlone: number[] = [];
	for (const row of evidence.pairs) {
		const explanation = explanations.get(row.choices.map(keyOf).sort().join("\n")) ?? "";
		const [x, y] = row.choices;
		const pair = row.choices.length === 2 && x !== undefined && y !== undefined ? pairOf(x, y) : undefined;
		if (pair) {
			set(pair, row.status === "declared" ? CELL.declared : CELL.conflict);
			conflicts.push({ a: pair[0], b: pair[1], status: row.status, reason: row.reason, explanation });
		} else {
			sets.push({ choices: row.choices, status: row.status, reason: row.reason, explanation });
			const alone = row.choices.length === 1 && x !== undefined ? at(x) : undefined;
			if (alone !== undefined) failsAlone.push(alone);
		}
	}
	const open: { a: number; b: number; reason: number }[] = [];
	const reasons: string[] = [];
	const reasonAt = new Map<string, number>();
	for (const u of evidence.uncovered.slice(0, OPEN_REASONS)) {
		const pair = pairOf(u.a, u.b);
		if (!pair) continue;
		let r = reasonAt.get(u.reason);
		if (r === undefined) {
			r = reasons.push(u.reason) - 1;
			reasonAt.set(u.reason, r);
		}
		open.push({ a: pair[0], b: pair[1], reason: r });
	}
	return {
		source: evidence.source,
		kind: evidence.kind,
		cells: Buffer.from(cells).toString("base64"),
		conflicts,
		sets,
		failsAlone,
		open,
		reasons,
		openTotal: evidence.uncovered.length,
		projectFails: evidence.projectFails,
		runs: evidence.runs.map((run) => ({
			combination: run.combination,
			status: run.status,
			seconds: run.seconds ?? null,
			excerpt: clip(redactSecrets(run.excerpt), EXCERPT_CHARS),
		})),
	};
}

function clip(text: string, chars: number): string {
	return text.length <= chars ? text : `${text.slice(0, chars)}\n…`;
}
