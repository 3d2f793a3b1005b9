import path from "node:path";
import { parse } from "smol-toml";
import type { Problem } from "../base/errors.js";
import { HPM_VERSION } from "../base/version.js";
import { readCheckedJson, writeCheckedJson } from "../os/checked-file.js";
import { readRegularFile } from "../os/read-file.js";
import { nodeCrypto } from "../os/sha256.js";
import { cacheFolder, cachesDisabled } from "../os/cache-trust.js";
import { choiceKeysOf, type Evidence } from "../plan/matrix-proof.js";
import type { PlanEntry } from "../plan/plan.js";
import type { Selection } from "../plan/selection.js";
import type { Registry, Source } from "../registry/model.js";
import type { Blame } from "./blame.js";
import type { Failure } from "./check-verdict.js";

/** What a combination's check proved, in the matrix's terms (choices by key), with each set's reason. */
export type Answer = {
	readonly ok: boolean;
	readonly problems: readonly Problem[];
	readonly evidence: Evidence;
	/** A conflict's choices (sorted, one per line) → its problem line. */
	readonly reasons: ReadonlyMap<string, string>;
	readonly cached: boolean;
	/** Not resolved and not in the cache (a run that only reads the cache): nothing is known. */
	readonly missing?: boolean;
};

/** The answer of a combination a cache-only run has no answer for: it proves nothing. */
export function missingAnswer(): Answer {
	return {
		ok: false,
		problems: [],
		evidence: { ok: false, conflicts: [], resolved: [], unexplained: true },
		reasons: new Map(),
		cached: false,
		missing: true,
	};
}

/** What a combination's check proved, as the matrix keeps it. */
export function evidenceOf(
	selection: Selection,
	ok: boolean,
	problems: readonly Problem[],
	blame: Blame<PlanEntry, Failure> | undefined,
): Answer {
	const keysOf = (entries: readonly PlanEntry[]) =>
		entries
			.flatMap((entry) =>
				[...selection].filter(([, options]) => options.includes(entry.key)).map(([group]) => `${group}=${entry.key}`),
			)
			.sort();
	const reasons = new Map<string, string>();
	const conflicts = (blame?.conflicts ?? []).map((conflict) => {
		const set = keysOf(conflict.items);
		const labels = conflict.items.map((entry) => `${entry.groups[0] ?? entry.name}=${entry.name}`);
		const problem = problems.find((p) => p.choices && p.choices.join("\n") === labels.join("\n"));
		if (problem) reasons.set(set.join("\n"), problem.message);
		return set;
	});
	const resolved = (blame?.resolvedSets ?? []).map(keysOf);
	if (ok) resolved.push(choiceKeysOf(selection).sort());
	const unexplained =
		!ok && (!blame || blame.truncated || blame.incomplete || blame.unexplained !== undefined || conflicts.length === 0);
	const projectFails = blame?.projectFails !== undefined;
	return { ok, problems, evidence: { ok, conflicts, resolved, unexplained, projectFails }, reasons, cached: false };
}

/** The file a combination's answer is cached in. */
function answerFile(key: string): string {
	return path.join(cacheFolder(), "matrix", `${key}.json`);
}

/** The cached answer for `key`, when there is one to believe (none with HPM_NO_CACHE=1). */
export function cachedAnswer(key: string): Answer | undefined {
	return cachesDisabled() ? undefined : readAnswer(readCheckedJson(answerFile(key), 10_000_000), key);
}

/** Caches what uv answered for `key` (not with HPM_NO_CACHE=1). */
export function storeAnswer(key: string, answer: Answer): void {
	if (cachesDisabled()) return;
	writeCheckedJson(answerFile(key), {
		key,
		time: Date.now(),
		ok: answer.ok,
		problems: answer.problems,
		conflicts: answer.evidence.conflicts,
		resolved: answer.evidence.resolved,
		unexplained: answer.evidence.unexplained,
		projectFails: answer.evidence.projectFails === true,
		reasons: [...answer.reasons],
	});
}

/** How long a combination's cached answer is believed: a day. */
const MATRIX_CACHE_MS = 24 * 60 * 60 * 1000;

/** A cached answer, when the entry is one this build wrote for exactly this key, less than a day ago. */
function readAnswer(value: unknown, key: string): Answer | undefined {
	if (typeof value !== "object" || value === null) return undefined;
	const v = value as Record<string, unknown>;
	const sets = (x: unknown): string[][] | undefined =>
		Array.isArray(x) && x.every((set) => Array.isArray(set) && set.every((c) => typeof c === "string"))
			? (x as string[][])
			: undefined;
	const conflicts = sets(v.conflicts);
	const resolved = sets(v.resolved);
	// the entry names its own key inside what is checked: one copied over another is a miss. An
	// index can publish a release that changes the answer without any input here changing: an
	// answer is believed for a day (HPM_NO_CACHE=1: not at all)
	const age = typeof v.time === "number" ? Date.now() - v.time : Number.NaN;
	const fresh = age >= 0 && age < MATRIX_CACHE_MS;
	if (v.key !== key || !fresh || typeof v.ok !== "boolean" || !Array.isArray(v.problems) || !conflicts || !resolved)
		return undefined;
	const reasons = Array.isArray(v.reasons)
		? new Map(
				(v.reasons as unknown[]).filter(
					(r): r is [string, string] => Array.isArray(r) && typeof r[0] === "string" && typeof r[1] === "string",
				),
			)
		: new Map<string, string>();
	return {
		ok: v.ok,
		problems: v.problems as Problem[],
		evidence: {
			ok: v.ok,
			conflicts,
			resolved,
			unexplained: v.unexplained === true,
			projectFails: v.projectFails === true,
		},
		reasons,
		cached: true,
	};
}

/** What a combination's answer depends on, hashed: any change to one of these resolves it again. */
export function cacheKey(
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
		// a per-machine group's option resolves as a dependency group: another answer than a dependency's
		add("group", `${group}${registry.groups.get(group)?.machine ? " (machine)" : ""}=${[...options].sort().join("+")}`);
		for (const option of [...options].sort()) {
			const pkg = registry.packages.get(option);
			if (!pkg) continue;
			add("manifest", readOr(pkg.location.file));
			const source = pkg.sources.get(mode);
			if (source) addSource(source);
		}
	}
	return hash.digest("hex").slice(0, 40);

	// what a source reads beyond its manifest: a local folder's pyproject.toml, a declared index's
	// URL (a git source is all in the manifest)
	function addSource(source: Source): void {
		switch (source.type) {
			case "local":
				return addLocal(source.path);
			case "git":
				return;
			case "index":
				// the index's URL is in its own file (a registry layer may declare it again)
				if (source.index !== undefined) add("index", registry.indexes.get(source.index)?.url ?? "");
				return;
		}
		const exhaustive: never = source;
		return exhaustive;
	}

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
