import path from "node:path";
import type { Location, Problem } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import { issuesToProblems } from "./issues.js";
import type { LayerRoot } from "./location.js";
import type { IndexDefinition, Shadow } from "./model.js";
import { checkName, duplicate } from "./file-names.js";
import { fileStem, listYaml, readYaml } from "./read-yaml.js";
import { asRecord } from "./salvage.js";
import { indexFileSchema } from "./schema.js";
import { invalidIndexUrlReason } from "./validate.js";

/** The indexes the registry declares, and the names of every index file (loaded or broken). */
export type Indexes = { readonly loaded: ReadonlyMap<string, IndexDefinition>; readonly files: ReadonlySet<string> };

/**
 * Reads each layer's `indexes/*.yaml`: each a named package index that index sources refer to. An
 * index an earlier layer declares is that layer's; a later declaration of the name is not read.
 */
export function loadIndexes(
	layers: readonly LayerRoot[],
	problems: Problem[],
	overlay: ReadonlyMap<string, string>,
	shadowed: Shadow[],
): Indexes {
	const loaded = new Map<string, IndexDefinition>();
	const files = new Set<string>();
	const earlier = new Set<string>();
	for (const { root } of layers) {
		for (const name of files) earlier.add(name);
		const named = new Map<string, Location>();
		for (const file of listYaml(path.join(root, "indexes"), problems, overlay)) {
			const stem = fileStem(file);
			if (earlier.has(stem)) {
				// said by lint and show, as for packages and groups
				const used = loaded.get(stem)?.location;
				if (used) shadowed.push({ kind: "index", key: stem, used, hidden: { file } });
				continue;
			}
			files.add(stem);
			loadIndex(root, file, named, loaded, files, earlier, problems, overlay);
		}
	}
	return { loaded, files };
}

function loadIndex(
	root: string,
	file: string,
	named: Map<string, Location>,
	loaded: Map<string, IndexDefinition>,
	files: Set<string>,
	earlier: ReadonlySet<string>,
	problems: Problem[],
	overlay: ReadonlyMap<string, string>,
): void {
	{
		// one index file, read as the loader reads the others
		const yaml = readYaml(file, problems, root, overlay);
		if (!yaml) return;
		const before = problems.length;
		const parsed = indexFileSchema.safeParse(yaml.value);
		if (!parsed.success) problems.push(...issuesToProblems("index", yaml, parsed.error.issues));
		const raw = asRecord(yaml.value);
		const name = parsed.success ? parsed.data.name : typeof raw.name === "string" ? raw.name : "";
		if (name !== "") {
			checkName(yaml, name, "index", problems);
			if (invalidNameReason(name) === undefined) {
				const key = normalizeName(name);
				if (earlier.has(key)) return;
				files.add(key);
				const first = named.get(key);
				if (first) problems.push(duplicate("index", name, yaml.locate(["name"]), first));
				else named.set(key, yaml.locate(["name"]));
			}
		}
		const url = parsed.success ? parsed.data.url : typeof raw.url === "string" ? raw.url : undefined;
		const urlProblem = url === undefined ? undefined : invalidIndexUrlReason(url);
		if (urlProblem)
			problems.push({ code: "invalid-url", message: `url ${urlProblem}`, location: yaml.locate(["url"]) });
		if (!parsed.success || problems.length > before) return;
		loaded.set(normalizeName(name), {
			name,
			key: normalizeName(name),
			url: parsed.data.url,
			explicit: parsed.data.explicit ?? false,
			location: yaml.locate(["name"]),
		});
	}
}
