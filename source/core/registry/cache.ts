import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Problem } from "../base/errors.js";
import type { LayerRoot } from "./location.js";
import type { Group, IndexDefinition, Package, Registry, Shadow, Source } from "./model.js";
import { cacheFolder, cachesDisabled } from "../os/cache-trust.js";
import { checksumHex } from "../os/checksum.js";
import { provisionalRun } from "../os/code-cache-hint.js";
import { readCheckedJson, writeCheckedJsonText } from "../os/checked-file.js";
import { holdsSecret, literalCredentials } from "../base/secrets.js";

/**
 * The registry index cache. Parsing and validating every YAML file is most of what `hpm list`
 * costs on a large registry, so the validated model is kept in the user's cache folder, keyed
 * by the registry's path and stamped with every manifest's name, size, mtime, ctime and inode.
 * Any change to any file (or a file added or removed) misses the cache, so it is never stale.
 * A warm run loads neither the YAML parser nor the schemas.
 */
const FORMAT = 9;

/**
 * Every file's name (`layer:folder/name`, one a line), and its size, mtime, ctime and inode as the
 * bytes of a Float64Array in base64: two string comparisons, nothing parsed number by number.
 */
type Stamps = { files: string; stamps: string };
type SerializedPackage = Omit<Package, "sources"> & { sources: [string, Source][] };
type CacheFile = {
	format: number;
	hpm: string;
	root: string;
	layers: LayerRoot[];
	files: string;
	stamps: string;
	shadowed: Shadow[];
	groups: Group[];
	packages: SerializedPackage[];
	indexes: IndexDefinition[];
	problems: Problem[];
};

export type CachedLoad = {
	readonly registry: Registry;
	readonly problems: readonly Problem[];
	readonly fromCache: boolean;
};

/** The registry at `root` (or its layers), from the cache when no file changed, else freshly loaded (and cached). */
export async function loadRegistryCached(root: string | readonly LayerRoot[], version: string): Promise<CachedLoad> {
	const layers: LayerRoot[] = typeof root === "string" ? [{ root }] : [...root];
	const id = JSON.stringify(layers);
	const stamps = stampLayers(layers);
	const file = stamps ? cacheFile(id) : undefined;
	if (file && stamps) {
		const cached = readCache(file, id, version, stamps);
		if (cached) return { ...cached, fromCache: true };
	}
	const { loadRegistryParts } = await import("./load.js");
	const { registry, problems } = loadRegistryParts(layers);
	// the next run reads the index cache: the functions it runs belong in the code cache
	if (file) provisionalRun();
	if (file && stamps)
		writeCache(file, {
			format: FORMAT,
			hpm: version,
			root: id,
			layers,
			...stamps,
			...serialize(registry),
			shadowed: [...registry.shadowed],
			problems: [...problems],
		});
	return { registry, problems, fromCache: false };
}

function cacheFile(id: string): string | undefined {
	if (cachesDisabled()) return undefined;
	// the file names the registry's location; the file itself says it again (a collision is a miss)
	const name = checksumHex(id);
	return name === undefined ? undefined : path.join(cacheFolder(), `registry-${name}.json`);
}

/** The stamps of every layer's files, or undefined when a layer is not a folder. */
function stampLayers(layers: readonly LayerRoot[]): Stamps | undefined {
	const files: string[] = [];
	const numbers: number[] = [];
	for (const [index, layer] of layers.entries())
		if (!stampRegistry(layer.root, index, files, numbers)) return undefined;
	return { files: files.join("\n"), stamps: Buffer.from(Float64Array.from(numbers).buffer).toString("base64") };
}

/** Adds the stamp of every file the loader would read; false when the registry is not a folder. */
function stampRegistry(root: string, layer: number, files: string[], numbers: number[]): boolean {
	for (const folder of ["packages", "groups", "indexes"]) {
		const dir = path.join(root, folder);
		let names: string[];
		try {
			names = readdirSync(dir);
		} catch {
			continue;
		}
		for (const name of names.sort()) {
			if (!/\.ya?ml$/.test(name) || name.startsWith(".")) continue;
			try {
				// a name readdir gives is one path segment: no path.join (and its normalizing) needed
				const stat = statSync(`${dir}/${name}`);
				files.push(`${layer}:${folder}/${name}`);
				numbers.push(stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino);
			} catch {
				return false;
			}
		}
	}
	try {
		return statSync(root).isDirectory();
	} catch {
		return false;
	}
}

function readCache(
	file: string,
	id: string,
	version: string,
	stamps: Stamps,
): { registry: Registry; problems: Problem[] } | undefined {
	// one checksum: far cheaper than re-validating every file
	const data = readCheckedJson(file, MAX_CACHE_BYTES) as CacheFile | undefined;
	if (
		typeof data !== "object" ||
		data === null ||
		data.format !== FORMAT ||
		data.hpm !== version ||
		data.root !== id ||
		!Array.isArray(data.layers) ||
		!Array.isArray(data.shadowed) ||
		data.files !== stamps.files ||
		data.stamps !== stamps.stamps ||
		!Array.isArray(data.packages) ||
		!Array.isArray(data.groups) ||
		!Array.isArray(data.indexes) ||
		!Array.isArray(data.problems)
	)
		return undefined;
	const packages = new Map(data.packages.map((p) => [p.key, { ...p, sources: new Map(p.sources) }] as const));
	const groups = new Map(data.groups.map((g) => [g.key, g] as const));
	const indexes = new Map(data.indexes.map((i) => [i.key, i] as const));
	const roots = data.layers.map((layer) => layer.root);
	return {
		registry: { root: roots[0] ?? "", roots, groups, packages, indexes, shadowed: data.shadowed },
		problems: data.problems,
	};
}

function writeCache(file: string, data: CacheFile): void {
	// a registry that writes a password or token into a URL is read afresh every time: a cache would
	// store it (in a URL, or split off as a source's `auth`)
	const literal = data.packages.some((p) =>
		p.sources.some(([, source]) => "auth" in source && literalCredentials(source.auth as string | undefined)),
	);
	if (literal) return;
	// made once: checked for secrets, then written
	const text = JSON.stringify(data);
	if (!holdsSecret(text)) writeCheckedJsonText(file, text);
}

const MAX_CACHE_BYTES = 256_000_000;
function serialize(registry: Registry): { groups: Group[]; packages: SerializedPackage[]; indexes: IndexDefinition[] } {
	return {
		groups: [...registry.groups.values()],
		indexes: [...registry.indexes.values()],
		packages: [...registry.packages.values()].map((p) => ({ ...p, sources: [...p.sources] })),
	};
}
