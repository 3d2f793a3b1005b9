import { existsSync, statSync } from "node:fs";
import { readRegularFile, UnreadableFile, type UnreadableReason, unreadableSentence } from "../os/read-file.js";
import path from "node:path";
import { parse } from "smol-toml";
import * as z from "zod/mini";
import { HpmError, type Location } from "../base/errors.js";
import { MODE_PATTERN, normalizeName, DEFAULT_MODE } from "../base/names.js";
import { tomlSyntaxError } from "./toml-edit.js";
import { locateTomlKey } from "./toml-locate.js";

/** The schema of `[tool.hpm]` (built on demand: see plainHpmTable). */
export const makeHpmTableSchema = () =>
	z.looseObject({
		mode: z.optional(z.string().check(z.regex(MODE_PATTERN))),
		registry: z.optional(
			z.union([z.string().check(z.minLength(1)), z.array(z.string().check(z.minLength(1))).check(z.minLength(1))]),
		),
		"registry-rev": z.optional(z.union([z.string(), z.array(z.string())])),
		groups: z.optional(z.record(z.string(), z.union([z.string(), z.array(z.string())]))),
		managed: z.optional(z.array(z.string())),
		excluded: z.optional(z.array(z.string())),
	});
export type HpmTable = z.infer<ReturnType<typeof makeHpmTableSchema>>;
let hpmTableSchema: ReturnType<typeof makeHpmTableSchema> | undefined;

const isStrings = (value: unknown): value is string[] =>
	Array.isArray(value) && value.every((item) => typeof item === "string");
const isPlainTable = (value: unknown): value is Record<string, unknown> =>
	typeof value === "object" &&
	value !== null &&
	(Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/**
 * `[tool.hpm]` when it has the shape the schema accepts, checked by hand: building the zod schema
 * costs every command ~2 ms, so it is built only to explain a table this does not accept (a
 * property test holds the two to the same answer). Undefined: ask the schema.
 */
export function plainHpmTable(raw: unknown): HpmTable | undefined {
	if (!isPlainTable(raw)) return undefined;
	const { mode, registry, groups, managed, excluded } = raw;
	const rev = raw["registry-rev"];
	if (mode !== undefined && !(typeof mode === "string" && MODE_PATTERN.test(mode))) return undefined;
	const nonEmpty = (item: string) => item.length > 0;
	if (
		registry !== undefined &&
		!(typeof registry === "string" && nonEmpty(registry)) &&
		!(isStrings(registry) && registry.length > 0 && registry.every(nonEmpty))
	)
		return undefined;
	if (rev !== undefined && typeof rev !== "string" && !isStrings(rev)) return undefined;
	if (groups !== undefined) {
		if (!isPlainTable(groups)) return undefined;
		for (const value of Object.values(groups)) if (typeof value !== "string" && !isStrings(value)) return undefined;
	}
	if (managed !== undefined && !isStrings(managed)) return undefined;
	if (excluded !== undefined && !isStrings(excluded)) return undefined;
	return raw as HpmTable;
}

/** `[tool.hpm]` checked against its schema. */
export function parseHpmTable(raw: unknown): ReturnType<ReturnType<typeof makeHpmTableSchema>["safeParse"]> {
	const plain = plainHpmTable(raw);
	if (plain !== undefined) return { success: true, data: plain };
	hpmTableSchema ??= makeHpmTableSchema();
	return hpmTableSchema.safeParse(raw);
}

/** One `[tool.hpm.groups]` entry as the project wrote it. */
export type SelectionEntry = {
	/** The key as written in pyproject.toml (kept when rewriting it). */
	readonly rawKey: string;
	readonly value: string | readonly string[];
	readonly location: Location;
};

export type Project = {
	readonly file: string;
	readonly root: string;
	/** The exact bytes read, for byte-identical restores and format-preserving edits. */
	readonly text: string;
	readonly data: Record<string, unknown>;
	readonly mode: string;
	/** The first folder `[tool.hpm] registry` names, resolved (a git registry is no path). */
	readonly registryPath: string | undefined;
	/** `[tool.hpm] registry` as written: a list, in order (one string is a list of one). */
	readonly registrySpecs: readonly string[] | undefined;
	/** `[tool.hpm] registry-rev`: the commit of each git registry, in the order they are listed. */
	readonly registryRevs: readonly string[];
	/** Whether `registry-rev` is written at all (an empty list is a list of the wrong length). */
	readonly registryRevGiven: boolean;
	/** Keyed by the PEP 503-normalized group name. */
	readonly selection: ReadonlyMap<string, SelectionEntry>;
	/** Normalized names of the dependencies hpm added (see README, "What hpm owns"). */
	readonly managed: readonly string[];
};

/** pyproject.toml in `start` or the nearest folder above it, or undefined. */
export function findProjectFile(start: string): string | undefined {
	let dir = path.resolve(start);
	for (;;) {
		const candidate = path.join(dir, "pyproject.toml");
		if (existsSync(candidate)) return candidate;
		const parent = path.dirname(dir);
		if (parent === dir) return undefined;
		dir = parent;
	}
}

/** Resolves `--project` (a folder or a pyproject.toml) or searches upward from the working folder. */
export function locateProject(option: string | undefined, cwd: string): string | undefined {
	if (option === undefined) return findProjectFile(cwd);
	const target = path.resolve(cwd, option);
	let stat: ReturnType<typeof statSync>;
	try {
		stat = statSync(target);
	} catch {
		throw new HpmError("project-not-found", `--project ${option}: no such file or folder`, {
			hint: "pass the folder that holds pyproject.toml",
		});
	}
	const file = stat.isDirectory() ? path.join(target, "pyproject.toml") : target;
	if (path.basename(file) !== "pyproject.toml") {
		// uv always works on the folder's pyproject.toml: any other file would be read by hpm and
		// ignored by uv
		throw new HpmError("project-not-found", `--project ${option}: a project is a folder or its pyproject.toml`, {
			hint: `pass the folder (--project ${path.dirname(target)})`,
		});
	}
	if (!existsSync(file)) {
		throw new HpmError("project-not-found", `no pyproject.toml in ${target}`, {
			hint: "run `hpm init` there first, or pass another --project",
		});
	}
	return file;
}

// The largest pyproject.toml in the corpus is ~60 KB; 10 MB is generous and still bounded.
const MAX_PYPROJECT_BYTES = 10_000_000;

/** Why pyproject.toml was not read, after its name: a refused permission said in words, not as EACCES. */
export function projectUnreadable(reason: UnreadableReason): string {
	return reason.kind === "refused" && reason.code === "EACCES"
		? "cannot be read (permission denied)"
		: unreadableSentence(reason);
}

export function readProject(file: string): Project {
	let bytes: Buffer;
	try {
		bytes = readRegularFile(file, MAX_PYPROJECT_BYTES);
	} catch (error) {
		const reason = error instanceof UnreadableFile ? projectUnreadable(error.reason) : "cannot be read";
		throw new HpmError("project-unreadable", `${file} ${reason}`, { location: { file } });
	}
	let text: string;
	try {
		// fatal: a U+FFFD written in the file is text; only bytes that are not UTF-8 are refused
		text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
	} catch {
		throw new HpmError("toml-encoding", "pyproject.toml is not valid UTF-8 text", {
			location: { file },
		});
	}
	let data: Record<string, unknown>;
	try {
		data = parse(text.replace(/^\uFEFF/, "")) as Record<string, unknown>;
	} catch (error) {
		throw tomlSyntaxError(error, file);
	}
	const tool = data.tool;
	const raw = typeof tool === "object" && tool !== null ? (tool as Record<string, unknown>).hpm : undefined;
	const parsed = parseHpmTable(raw ?? {});
	if (!parsed.success) throw hpmTableError(parsed.error.issues[0], text, file);

	const selection = new Map<string, SelectionEntry>();
	for (const [rawKey, value] of Object.entries(parsed.data.groups ?? {})) {
		const locate = () => locateTomlKey(text, file, ["tool", "hpm", "groups"], rawKey);
		const earlier = selection.get(normalizeName(rawKey));
		if (earlier) {
			const location = locate();
			// `Inference` and `inference` name one group: merging them would silently drop a choice
			throw new HpmError(
				"duplicate-group",
				`[tool.hpm.groups] names group "${normalizeName(rawKey)}" twice ("${earlier.rawKey}" and "${rawKey}"; names are compared PEP 503-normalized)`,
				{ location, hint: "keep one of the two keys; hpm did not change pyproject.toml" },
			);
		}
		// where the key is written is looked up only when a message needs it
		let location: Location | undefined;
		selection.set(normalizeName(rawKey), {
			rawKey,
			value,
			get location() {
				location ??= locate();
				return location;
			},
		});
	}
	const root = path.dirname(file);
	const registry = parsed.data.registry;
	const specs = registry === undefined ? undefined : typeof registry === "string" ? [registry] : registry;
	const revs = parsed.data["registry-rev"];
	return {
		file,
		root,
		text,
		data,
		mode: parsed.data.mode ?? DEFAULT_MODE,
		registryPath: firstFolder(specs, root),
		registrySpecs: specs,
		registryRevs: revs === undefined ? [] : typeof revs === "string" ? [revs] : revs,
		registryRevGiven: revs !== undefined,
		selection,
		managed: (parsed.data.managed ?? []).map(normalizeName),
	};
}

function firstFolder(specs: readonly string[] | undefined, root: string): string | undefined {
	const folder = specs?.find((spec) => !/^git\+/i.test(spec));
	return folder === undefined ? undefined : path.resolve(root, folder);
}

function hpmTableError(issue: z.core.$ZodIssue | undefined, text: string, file: string): HpmError {
	const keyPath = (issue?.path ?? []).filter((p): p is string | number => typeof p !== "symbol");
	const [first, second] = keyPath;
	const location =
		first === "groups" && typeof second === "string"
			? locateTomlKey(text, file, ["tool", "hpm", "groups"], second)
			: locateTomlKey(text, file, ["tool", "hpm"], String(first ?? ""));
	const messages: Record<string, string> = {
		mode: 'mode must be a lower-case name such as "prod" or "dev"',
		registry: "registry must be a folder or a git+ URL (a string), or a list of them (layers, first wins)",
		"registry-rev": "registry-rev must be a commit id, or a list of them (one per git registry); hpm writes it",
		groups: "[tool.hpm.groups] must be a table of group = option or group = [options]",
		managed: "managed must be a list of package names (hpm writes it; do not edit by hand)",
		excluded: "excluded must be a list of package names (hpm writes it; do not edit by hand)",
	};
	const message =
		first === "groups" && second !== undefined
			? `[tool.hpm.groups] ${String(second)} must be a string (1-of-N) or a list of strings (M-of-N)`
			: (messages[String(first)] ?? `[tool.hpm] is invalid: ${issue?.message ?? "unknown problem"}`);
	return new HpmError("project-invalid", message, {
		location,
		hint: "fix pyproject.toml; hpm did not change it",
	});
}
