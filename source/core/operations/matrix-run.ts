import { cpus } from "node:os";
import path from "node:path";
import { parse } from "smol-toml";
import { type Context, loadContextRegistry, requireProject } from "../context.js";
import type { Problem } from "../errors.js";
import { drain } from "../events.js";
import { formatCombination, planMatrix } from "../matrix.js";
import { readRegularFile } from "../os/read-file.js";
import { nodeCrypto } from "../os/sha256.js";
import { readCheckedJson, writeCheckedJson } from "../os/checked-file.js";
import { cacheFolder, cachesDisabled } from "../os/user-key.js";
import type { Registry } from "../registry/model.js";
import type { Selection } from "../selection.js";
import { findUv } from "../uv/driver.js";
import { HPM_VERSION } from "../version.js";
import { check } from "./check.js";

/** One combination's answer. */
export type CombinationResult = {
	readonly combination: string;
	readonly ok: boolean;
	readonly problems: readonly Problem[];
	readonly seconds: number;
	/** Read from the result cache: no input of it changed since it was resolved. */
	readonly cached: boolean;
};

/** Two choices and what the matrix learned about them together. */
export type PairRow = {
	readonly a: string;
	readonly b: string;
	/** conflict: every combination holding both failed; declared: a rule forbids them (never resolved). */
	readonly status: "conflict" | "declared";
	readonly reason: string;
};

export type MatrixResult = {
	readonly how: "all" | "pairwise";
	/** Combinations the rules allow in all; undefined: more than --all would take. */
	readonly space: number | undefined;
	readonly results: readonly CombinationResult[];
	readonly pairs: readonly PairRow[];
	readonly workers: number;
	readonly seconds: number;
	/** Combinations resolved by uv (not from the cache) per second of wall time. */
	readonly perSecond: number;
	readonly ok: boolean;
	/** Pairs of choices no combination held: the cap was reached first. */
	readonly uncovered: number;
};

export type MatrixEvent =
	| { readonly type: "matrix-plan"; readonly combinations: readonly string[]; readonly space: number | undefined }
	| { readonly type: "matrix-result"; readonly index: number; readonly result: CombinationResult };

/** How many uv resolutions run at once by default: one per core, at most 8. */
export function defaultJobs(): number {
	return Math.max(1, Math.min(8, cpus().length));
}

/**
 * Checks each combination of the plan with uv, `jobs` at a time, each in its own scratch copy
 * (the uv cache is shared). A combination whose inputs (the project's pyproject.toml, the
 * manifests of its packages and their local folders' pyproject.toml, hpm's and uv's versions) are
 * unchanged since it was last resolved is answered from the result cache.
 */
export async function* runMatrix(
	context: Context,
	options: {
		readonly how: "all" | "pairwise";
		readonly jobs: number;
		readonly mode?: string | undefined;
		readonly signal?: AbortSignal | undefined;
		/** Only these combinations (`--combination`), instead of a planned set. */
		readonly only?: readonly Selection[] | undefined;
	},
): AsyncGenerator<MatrixEvent, MatrixResult> {
	const started = Date.now();
	const project = requireProject(context);
	const { registry } = await loadContextRegistry(context);
	const plan = options.only
		? { combinations: options.only, space: options.only.length, declared: [], uncovered: 0 }
		: planMatrix(registry, options.how);
	const labels = plan.combinations.map((selection) => formatCombination(registry, selection));
	yield { type: "matrix-plan", combinations: labels, space: plan.space };
	const uv = await findUv();
	const mode = options.mode ?? project.mode;
	const results: CombinationResult[] = [];
	const done: { index: number; result: CombinationResult }[] = [];
	let wake: (() => void) | undefined;
	let next = 0;
	let resolvedByUv = 0;
	const worker = async () => {
		for (;;) {
			const index = next++;
			const selection = plan.combinations[index];
			if (selection === undefined || options.signal?.aborted) return;
			const label = labels[index] ?? "";
			const key = cacheKey(registry, project.text, selection, mode, uv.version);
			const file = path.join(cacheFolder(), "matrix", `${key}.json`);
			const t0 = Date.now();
			const cached = cachesDisabled()
				? undefined
				: (readCheckedJson(file, 10_000_000) as { key?: unknown; ok?: unknown; problems?: unknown } | undefined);
			let result: CombinationResult;
			// the entry names its own key inside what is checked: one copied over another is a miss
			if (cached && cached.key === key && typeof cached.ok === "boolean" && Array.isArray(cached.problems)) {
				result = {
					combination: label,
					ok: cached.ok,
					problems: cached.problems as Problem[],
					seconds: 0,
					cached: true,
				};
			} else {
				const checked = await drain(
					check(context, { mode, selection, signal: options.signal }),
					() => undefined,
				);
				resolvedByUv++;
				result = {
					combination: label,
					ok: checked.ok,
					problems: checked.problems,
					seconds: (Date.now() - t0) / 1000,
					cached: false,
				};
				if (!options.signal?.aborted && !cachesDisabled())
					writeCheckedJson(file, { key, ok: result.ok, problems: result.problems });
			}
			results[index] = result;
			done.push({ index, result });
			wake?.();
		}
	};
	const jobs = Math.max(1, Math.min(options.jobs, plan.combinations.length || 1));
	const running = Promise.all(Array.from({ length: jobs }, worker));
	let finished = false;
	void running.then(
		() => {
			finished = true;
			wake?.();
		},
		() => {
			finished = true;
			wake?.();
		},
	);
	for (;;) {
		const item = done.shift();
		if (item) {
			yield { type: "matrix-result", index: item.index, result: item.result };
			continue;
		}
		if (finished) break;
		await new Promise<void>((resolve) => {
			wake = resolve;
		});
		wake = undefined;
	}
	await running; // a worker's error (uv missing, interrupted) is the matrix's error
	const seconds = (Date.now() - started) / 1000;
	const ordered = results.filter((r): r is CombinationResult => r !== undefined);
	return {
		how: options.how,
		space: plan.space,
		results: ordered,
		pairs: [
			...conflictPairs(ordered),
			...plan.declared.map((d) => ({ a: d.a, b: d.b, status: "declared" as const, reason: `a rule: ${d.where}` })),
		],
		workers: jobs,
		seconds,
		perSecond: seconds > 0 ? resolvedByUv / seconds : 0,
		ok: ordered.every((r) => r.ok),
		uncovered: plan.uncovered,
	};
}

/**
 * The pairs of choices that failed together every time they were tried: a pair held by a passing
 * combination is compatible; the reason is the first problem of a failing one that names both.
 */
function conflictPairs(results: readonly CombinationResult[]): PairRow[] {
	const choices = (combination: string) =>
		combination
			.split(",")
			.filter(Boolean)
			.flatMap((part) => {
				const [group, options] = part.split("=");
				return (options ?? "").split("+").map((option) => `${group}=${option}`);
			});
	const passed = new Set<string>();
	const failed = new Map<string, string>();
	for (const result of results) {
		const list = choices(result.combination);
		for (let x = 0; x < list.length; x++)
			for (let y = x + 1; y < list.length; y++) {
				const [a, b] = [list[x] ?? "", list[y] ?? ""].sort();
				const pair = `${a}\n${b}`;
				if (result.ok) passed.add(pair);
				else {
					// a pair is blamed only when uv's explanation names both of its choices
					const named = result.problems.find((p) => p.message.includes(a ?? "") && p.message.includes(b ?? ""));
					if (named && !failed.has(pair)) failed.set(pair, named.message);
				}
			}
	}
	return [...failed]
		.filter(([pair]) => !passed.has(pair))
		.map(([pair, reason]) => {
			const [a, b] = pair.split("\n");
			return { a: a ?? "", b: b ?? "", status: "conflict" as const, reason };
		});
}

/** What a combination's answer depends on, hashed: any change to one of these resolves it again. */
function cacheKey(
	registry: Registry,
	projectText: string,
	selection: Selection,
	mode: string,
	uvVersion: string,
): string {
	const hash = nodeCrypto().createHash("sha256");
	const add = (label: string, bytes: string | Buffer) => hash.update(`${label}\0${bytes.length}\0`).update(bytes);
	add("hpm", HPM_VERSION);
	add("uv", uvVersion);
	add("mode", mode);
	add("project", projectText);
	for (const [group, options] of [...selection].sort(([a], [b]) => a.localeCompare(b))) {
		add("group", `${group}=${[...options].sort().join("+")}`);
		for (const option of [...options].sort()) {
			const pkg = registry.packages.get(option);
			if (!pkg) continue;
			add("manifest", readOr(pkg.location.file));
			const source = pkg.sources.get(mode);
			if (source?.type === "local") addLocal(source.path);
		}
	}
	return hash.digest("hex").slice(0, 40);

	// a local package's pyproject.toml, and those of the local folders its [tool.uv.sources] name
	function addLocal(folder: string, seen = new Set<string>()): void {
		if (seen.has(folder) || seen.size > 50) return;
		seen.add(folder);
		const bytes = readOr(path.join(folder, "pyproject.toml"));
		add("local", bytes);
		let sources: unknown;
		try {
			sources = (parse(bytes.toString("utf8")) as { tool?: { uv?: { sources?: unknown } } }).tool?.uv?.sources;
		} catch {
			return;
		}
		for (const entry of Object.values(typeof sources === "object" && sources !== null ? sources : {})) {
			const at = typeof entry === "object" && entry !== null ? (entry as { path?: unknown }).path : undefined;
			if (typeof at === "string") addLocal(path.resolve(folder, at), seen);
		}
	}
}

function readOr(file: string): Buffer {
	try {
		return readRegularFile(file, 10_000_000);
	} catch {
		return Buffer.from("(unreadable)");
	}
}
