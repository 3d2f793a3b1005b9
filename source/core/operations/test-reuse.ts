import { existsSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { cacheFolder, cachesDisabled, trustedCachePath } from "../os/cache-trust.js";
import { readCheckedJson, writeCheckedJson } from "../os/checked-file.js";
import { readRegularFile } from "../os/read-file.js";
import { nodeCrypto } from "../os/sha256.js";
import type { CommandRun } from "./test-command.js";
import { commandEnv } from "./test-command.js";
import { say } from "./test-env.js";
import { type Tree, treeFingerprint } from "./test-tree.js";

/**
 * Results of `hpm test` kept for a run with nothing changed: under hpm's cache (`test-results/<key>.json`,
 * 0600, checksummed, believed only through the cache trust check), keyed by the environment (its
 * key: lock, interpreter, uv's and hpm's versions, pyproject.toml), the command's words, the
 * variables it runs with and the working tree's fingerprint (test-tree.ts). A failure is kept as
 * a pass is: with nothing changed it fails again. A result whose log is gone is not reused.
 */
export type KeptResult = CommandRun & {
	/** When the command ran (ms since the epoch). */
	readonly time: number;
	readonly seconds: number;
	readonly log: string;
};

const folder = () => path.join(cacheFolder(), "test-results");
const resultFile = (key: string) => path.join(folder(), `${key}.json`);

/** Variables a shell changes on its own (`cd`, a nested shell, the last command's path): not the command's input. */
const SHELL_OWN = new Set(["OLDPWD", "SHLVL", "_"]);

/** The key of one command's result in one environment with the working tree as `tree` is. */
export function resultKey(
	environment: string,
	command: readonly string[],
	tree: Tree & { fingerprint: string },
): string {
	const hash = nodeCrypto().createHash("sha256");
	const env = Object.entries(commandEnv(environment))
		.filter((pair): pair is [string, string] => pair[1] !== undefined && !SHELL_OWN.has(pair[0]))
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	for (const [label, value] of [
		["environment", environment],
		["command", JSON.stringify(command)],
		["env", JSON.stringify(env)],
		["tree", tree.fingerprint],
	] as const)
		hash.update(`${label}\0${value.length}\0${value}`);
	return hash.digest("hex").slice(0, 40);
}

/**
 * The kept result under `key`, its log's lines copied into this run's log (`fd`, at `log`) after a
 * line saying so, so that the result is kept again naming a log as new as the run (old runs' logs
 * are pruned); undefined when there is none to believe, or its log is gone.
 */
export function reuseResult(key: string, fd: number, log: string): KeptResult | undefined {
	if (cachesDisabled()) return undefined;
	const value = readCheckedJson(resultFile(key), 1_000_000);
	if (typeof value !== "object" || value === null) return undefined;
	const v = value as Record<string, unknown>;
	if (v.key !== key || typeof v.time !== "number" || typeof v.exitCode !== "number") return undefined;
	if (typeof v.seconds !== "number" || typeof v.log !== "string" || typeof v.firstFailingLine !== "string")
		return undefined;
	if (!existsSync(v.log) || !trustedCachePath(v.log, "file")) return undefined;
	let bytes: Buffer;
	try {
		bytes = readRegularFile(v.log, 64_000_000);
	} catch {
		return undefined;
	}
	say(fd, `# reused: nothing changed since ${new Date(v.time).toISOString()}; that run's log follows`);
	try {
		writeSync(fd, bytes);
	} catch {
		// a full disk: the log lacks the old lines only
	}
	return {
		exitCode: v.exitCode,
		firstFailingLine: v.firstFailingLine,
		aborted: false,
		time: v.time,
		seconds: v.seconds,
		log,
	};
}

/** Keeps `result` under `key` (a cache that cannot be written costs the next run its time only). */
export function keepResult(key: string, result: KeptResult): void {
	if (cachesDisabled()) return;
	writeCheckedJson(resultFile(key), { key, ...result, aborted: undefined });
}

/** What a run says about reuse: how many results it reused and since when, or why none could be. */
export type ReuseSummary = {
	readonly reused: number;
	/** The oldest reused result's time (ms since the epoch). */
	readonly since?: number | undefined;
	/** Why results were neither reused nor kept: --rerun, HPM_NO_CACHE, a tree too big to fingerprint, a change meanwhile. */
	readonly off?: string | undefined;
};

/**
 * One run's reuse: the working tree is fingerprinted once at the start; `lookup` gives a
 * combination's kept result (only in an environment that was there before: a rebuilt one runs
 * again); `finish` keeps this run's new results when the tree is still as it was at the start (a
 * file edited while the commands ran would tie a result to a tree it did not run on).
 */
export function startReuse(
	root: string,
	command: readonly string[],
	rerun: boolean,
	signal: AbortSignal | undefined,
): {
	lookup: (
		environment: { folder: string; reused: boolean },
		fd: number,
		log: string,
	) => Promise<KeptResult | undefined>;
	record: (environment: { folder: string }, result: KeptResult) => Promise<void>;
	finish: () => Promise<ReuseSummary>;
} {
	const off = rerun ? "--rerun" : cachesDisabled() ? "HPM_NO_CACHE is set" : undefined;
	const before = off ? undefined : treeFingerprint(root, signal);
	const pending: [string, KeptResult][] = [];
	const times: number[] = [];
	const keyOf = async (folder: string) => {
		const tree = await before;
		return tree && "fingerprint" in tree ? resultKey(folder, command, tree) : undefined;
	};
	return {
		lookup: async (environment, fd, log) => {
			const key = environment.reused ? await keyOf(environment.folder) : undefined;
			const kept = key ? reuseResult(key, fd, log) : undefined;
			if (kept) times.push(kept.time);
			return kept;
		},
		record: async (environment, result) => {
			const key = await keyOf(environment.folder);
			if (key) pending.push([key, result]);
		},
		finish: async () => {
			const since = times.length > 0 ? Math.min(...times) : undefined;
			const tree = await before;
			if (!tree) return { reused: 0, off };
			if ("refused" in tree) return { reused: 0, off: `${tree.refused}, so no result is reused or kept` };
			if (signal?.aborted) return { reused: times.length, since };
			const after = await treeFingerprint(root, signal);
			if (!("fingerprint" in after) || after.fingerprint !== tree.fingerprint)
				return { reused: times.length, since, off: "the working tree changed while the commands ran: no result kept" };
			for (const [key, result] of pending) keepResult(key, result);
			pruneResults();
			return { reused: times.length, since };
		},
	};
}

/** Results not kept again for 30 days are removed (one reused is written again, so it stays). */
function pruneResults(): void {
	const old = Date.now() - 30 * 24 * 60 * 60 * 1000;
	try {
		for (const name of readdirSync(folder())) {
			const file = path.join(folder(), name);
			if (/^[0-9a-f]{40}\.json$/.test(name) && statSync(file).mtimeMs < old) rmSync(file, { force: true });
		}
	} catch {
		// results that cannot be listed or removed cost disk space only
	}
}
