import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Problem } from "../base/errors.js";
import type { LayerRoot } from "./location.js";
import type { Group, IndexDefinition, Package, Registry, Shadow, Source } from "./model.js";
import { cacheFolder, cachesDisabled } from "../os/cache-trust.js";
import { checksumHex } from "../os/checksum.js";
import { readCheckedJson, writeCheckedJson } from "../os/checked-file.js";
import { holdsSecret, literalCredentials } from "../base/secrets.js";

/**
 * The registry index cache. Parsing and validating every YAML file is most of what `hpm list`
 * costs on a large registry, so the validated model is kept in the user's cache folder, keyed
 * by the registry's path and stamped with every manifest's name, size, mtime, ctime and inode.
 * Any change to any file (or a file added or removed) misses the cache, so it is never stale.
 * A warm run loads neither the YAML parser nor the schemas.
 */
const FORMAT = 8;

type Stamp = [file: string, size: number, mtimeMs: number, ctimeMs: number, ino: number];
type SerializedPackage = Omit<Package, "sources"> & { sources: [string, Source][] };
type CacheFile = {
	format: number;
	hpm: string;
	root: string;
	layers: LayerRoot[];
	stamps: Stamp[];
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
	const stamps: Stamp[] | undefined = [];
	for (const [index, layer] of layers.entries()) {
		const own = stampRegistry(layer.root, index);
		if (own === undefined || stamps === undefined) {
			stamps.length = 0;
			break;
		}
		stamps.push(...own);
	}
	const stamped = stamps.length > 0 || layers.every((layer) => stampRegistry(layer.root, 0) !== undefined);
	const file = stamped ? cacheFile(id) : undefined;
	if (file) {
		const cached = readCache(file, id, version, stamps);
		if (cached) return { ...cached, fromCache: true };
	}
	const { loadRegistryParts } = await import("./load.js");
	const { registry, problems } = loadRegistryParts(layers);
	if (file)
		writeCache(file, {
			format: FORMAT,
			hpm: version,
			root: id,
			layers,
			stamps,
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

/** The stamp of every file the loader would read, or undefined when the registry is not a folder. */
function stampRegistry(root: string, layer: number): Stamp[] | undefined {
	const stamps: Stamp[] = [];
	for (const folder of ["packages", "groups", "indexes"]) {
		let names: string[];
		try {
			names = readdirSync(path.join(root, folder));
		} catch {
			continue;
		}
		for (const name of names.sort()) {
			if (!/\.ya?ml$/.test(name) || name.startsWith(".")) continue;
			const relative = `${folder}/${name}`;
			try {
				const stat = statSync(path.join(root, relative));
				stamps.push([`${layer}:${relative}`, stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino]);
			} catch {
				return undefined;
			}
		}
	}
	try {
		return statSync(root).isDirectory() ? stamps : undefined;
	} catch {
		return undefined;
	}
}

function readCache(
	file: string,
	id: string,
	version: string,
	stamps: Stamp[],
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
		JSON.stringify(data.stamps) !== JSON.stringify(stamps) ||
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
	if (literal || holdsSecret(JSON.stringify(data))) return;
	writeCheckedJson(file, data);
}

const MAX_CACHE_BYTES = 256_000_000;
function serialize(registry: Registry): { groups: Group[]; packages: SerializedPackage[]; indexes: IndexDefinition[] } {
	return {
		groups: [...registry.groups.values()],
		indexes: [...registry.indexes.values()],
		packages: [...registry.packages.values()].map((p) => ({ ...p, sources: [...p.sources] })),
	};
}
