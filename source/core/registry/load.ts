import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { firstProblemError, HpmError, isCode, type Location, type Problem } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import { splitCredentials } from "../base/secrets.js";
import { displaySafe } from "../base/text.js";
import { issuesToProblems } from "./issues.js";
import type { LayerRoot } from "./location.js";
import type { Constraint, GitRef, Group, IndexDefinition, Package, Registry, Shadow, Source } from "./model.js";
import { invalidRequirementReason } from "./requirement.js";
import {
	type GroupFile,
	groupFileSchema,
	indexFileSchema,
	type PackageFile,
	packageFileSchema,
	sourceSchema,
} from "./schema.js";
import {
	invalidGitUrlReason,
	invalidIndexUrlReason,
	invalidLocalPathReason,
	invalidRefReason,
	invalidSubdirectoryReason,
} from "./validate.js";
import { MAX_YAML_BYTES, parseYamlFile, type YamlFile } from "./yaml-file.js";
import { readRegularFile, UnreadableFile } from "../os/read-file.js";
import { pathKind } from "../os/path-kind.js";

export type LoadResult = {
	readonly registry: Registry;
	/** Every problem found, in file order; files with problems are left out of `registry`. */
	readonly problems: readonly Problem[];
};

/** Reads `root/indexes/*.yaml`, `root/groups/*.yaml` and `root/packages/*.yaml` into a typed registry, collecting every problem. */
export function loadRegistry(root: string): LoadResult {
	const { registry, problems } = loadRegistryParts(root);
	return { registry, problems };
}

/**
 * The registry, every problem, and what could be read of the packages left out (their valid
 * sources), so that `registry lint` checks those too: every problem is found in one pass, and a
 * fix never uncovers another one behind it (only a YAML syntax error hides the rest of its file).
 */
export function loadRegistryParts(
	/** One folder, or the layers in order (a name defined in an earlier layer hides later ones). */
	root: string | readonly LayerRoot[],
	/** Files as they would be written (absolute path → text): the loader reads these instead. */
	overlay: ReadonlyMap<string, string> = new Map(),
): LoadResult & {
	readonly leftOut: readonly Package[];
	/** Every group file whose name could be read, loaded or not: normalized name → file. */
	readonly groupFiles: ReadonlyMap<string, string>;
	/** What is worth fixing but blocks nothing (a group without options): reported by lint only. */
	readonly lintOnly: readonly Problem[];
} {
	const layers: readonly LayerRoot[] = typeof root === "string" ? [{ root }] : root;
	for (const layer of layers) {
		const rootStat = statSafe(layer.root);
		if (!rootStat?.isDirectory()) {
			throw new HpmError(
				"registry-not-found",
				rootStat ? `the registry path ${layer.root} is not a directory` : `no registry at ${layer.root}`,
				{
					hint: "create an empty one with `hpm init --registry registry`, or pass --registry DIR",
				},
			);
		}
	}
	const problems: Problem[] = [];
	const shadowed: Shadow[] = [];
	const indexes = loadIndexes(layers, problems, overlay, shadowed);
	const packages = new Map<string, Package>();
	const leftOut: Package[] = [];
	// Every package file's name (good or broken) → where it is written, for duplicates.
	const named = new Map<string, Location>();
	// Package files that exist but are broken: options naming them are not reported a second time.
	const broken = new Set<string>();
	// where each name (and file stem) was first defined, and in which layer
	const packageLayer = new Map<string, { layer: number; at: Location }>();
	for (const [index, layer] of layers.entries()) {
		for (const file of listYaml(path.join(layer.root, "packages"), problems, overlay)) {
			const stem = normalizeName(path.basename(file).replace(/\.ya?ml$/, ""));
			const before = problems.length;
			const yaml = readYaml(file, problems, layer.root, overlay);
			const byStem = packageLayer.get(stem);
			if (!yaml) {
				if (byStem && byStem.layer < index) {
					problems.length = before;
					shadowed.push({ kind: "package", key: stem, used: byStem.at, hidden: { file }, modes: [] });
					continue;
				}
				broken.add(stem);
				packageLayer.set(stem, { layer: index, at: { file } });
				continue;
			}
			const parsed = packageFileSchema.safeParse(yaml.value);
			if (!parsed.success) problems.push(...issuesToProblems("package", yaml, parsed.error.issues));
			const parts = parsed.success
				? { data: parsed.data, whole: true }
				: salvagePackage(yaml.value, parsed.error.issues);
			const key = parts.data.name === "" ? undefined : normalizeName(parts.data.name);
			const byKey = key === undefined ? undefined : packageLayer.get(key);
			const first =
				byKey && byKey.layer < index
					? { key: key ?? stem, ...byKey }
					: byStem && byStem.layer < index
						? { key: stem, ...byStem }
						: undefined;
			if (first) {
				// a later layer's definition of a name an earlier one defines: hidden, and not its
				// problem; the modes the earlier one does not give come from it (an override of the dev
				// source alone keeps following the team's prod source)
				problems.length = before;
				const hidden = toPackage(yaml, parts.data, parts.whole, [], indexes, layer.remote);
				const used = packages.get(first.key);
				const modes =
					used && hidden.complete ? [...hidden.package.sources.keys()].filter((mode) => !used.sources.has(mode)) : [];
				if (used && modes.length > 0)
					packages.set(first.key, {
						...used,
						sources: new Map([
							...used.sources,
							...modes.map((mode) => [mode, hidden.package.sources.get(mode)] as [string, Source]),
						]),
					});
				shadowed.push({ kind: "package", key: first.key, used: first.at, hidden: yaml.locate(["name"]), modes });
				continue;
			}
			const pkg = toPackage(yaml, parts.data, parts.whole, problems, indexes, layer.remote);
			if (key !== undefined && invalidNameReason(parts.data.name) === undefined) {
				const same = named.get(key);
				if (same) problems.push(duplicate("package", parts.data.name, yaml.locate(["name"]), same));
				else named.set(key, yaml.locate(["name"]));
				if (!packageLayer.has(key)) packageLayer.set(key, { layer: index, at: yaml.locate(["name"]) });
			}
			if (!packageLayer.has(stem)) packageLayer.set(stem, { layer: index, at: yaml.locate(["name"]) });
			if (problems.length > before || !pkg.complete) {
				broken.add(stem);
				if (key !== undefined) broken.add(key);
				leftOut.push(pkg.package);
				continue;
			}
			packages.set(pkg.package.key, pkg.package);
		}
	}

	const groups = new Map<string, Group>();
	const groupNames = new Map<string, Location>();
	const groupFiles = new Map<string, string>();
	// every group file by its stem, loaded or not: a rule naming a broken group waits for its fix
	const groupStems = new Set<string>();
	const lintOnly: Problem[] = [];
	// every rule of every group file, loaded or not, so that each reference is checked in this pass
	const allRules: { readonly group: string; readonly constraint: Constraint }[] = [];
	const groupLayer = new Map<string, { layer: number; at: Location }>();
	for (const [index, layer] of layers.entries()) {
		for (const file of listYaml(path.join(layer.root, "groups"), problems, overlay)) {
			const stem = normalizeName(path.basename(file).replace(/\.ya?ml$/, ""));
			const earlier = groupLayer.get(stem);
			if (earlier && earlier.layer < index) {
				shadowed.push({ kind: "group", key: stem, used: earlier.at, hidden: { file } });
				continue;
			}
			groupStems.add(stem);
			const yaml = readYaml(file, problems, layer.root, overlay);
			if (!yaml) {
				groupLayer.set(stem, { layer: index, at: { file } });
				continue;
			}
			const before = problems.length;
			const parsed = groupFileSchema.safeParse(yaml.value);
			if (!parsed.success) problems.push(...issuesToProblems("group", yaml, parsed.error.issues));
			const parts = parsed.success ? { data: parsed.data, whole: true } : salvageGroup(yaml.value, parsed.error.issues);
			const key = parts.data.name === "" ? undefined : normalizeName(parts.data.name);
			const first = key === undefined ? undefined : groupLayer.get(key);
			if (key !== undefined && first && first.layer < index) {
				problems.length = before;
				shadowed.push({ kind: "group", key, used: first.at, hidden: yaml.locate(["name"]) });
				continue;
			}
			const group = toGroup(yaml, parts.data, packages, broken, problems, lintOnly, allRules);
			if (parts.data.name !== "" && invalidNameReason(parts.data.name) === undefined) {
				const nameKey = normalizeName(parts.data.name);
				if (!groupFiles.has(nameKey)) groupFiles.set(nameKey, file);
				const same = groupNames.get(nameKey);
				if (same) problems.push(duplicate("group", parts.data.name, yaml.locate(["name"]), same));
				else groupNames.set(nameKey, yaml.locate(["name"]));
				if (!groupLayer.has(nameKey)) groupLayer.set(nameKey, { layer: index, at: yaml.locate(["name"]) });
			}
			if (!groupLayer.has(stem)) groupLayer.set(stem, { layer: index, at: yaml.locate(["name"]) });
			if (!group || !parts.whole || problems.length > before) continue;
			groups.set(group.key, group);
		}
	}
	checkReferences(groups, allRules, new Set([...groupFiles.keys(), ...groupStems]), broken, problems, lintOnly);
	const roots = layers.map((layer) => layer.root);
	return {
		registry: { root: roots[0] ?? "", roots, groups, packages, indexes: indexes.loaded, shadowed },
		problems,
		leftOut,
		groupFiles,
		lintOnly,
	};
}

/** The indexes the registry declares, and the names of every index file (loaded or broken). */
type Indexes = { readonly loaded: ReadonlyMap<string, IndexDefinition>; readonly files: ReadonlySet<string> };

/**
 * Reads each layer's `indexes/*.yaml`: each a named package index that index sources refer to. An
 * index an earlier layer declares is that layer's; a later declaration of the name is not read.
 */
function loadIndexes(
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
			const stem = normalizeName(path.basename(file).replace(/\.ya?ml$/, ""));
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

type IssuePath = { readonly path: readonly PropertyKey[]; readonly code?: string; readonly keys?: readonly string[] };

/** Whether a zod issue concerns the value at `path`, something inside it, or something around it. */
function touches(issues: readonly IssuePath[], path: readonly PropertyKey[]): boolean {
	const within = (outer: readonly PropertyKey[], inner: readonly PropertyKey[]) =>
		outer.length <= inner.length && outer.every((part, i) => part === inner[i]);
	return issues.some((issue) =>
		// an unknown key concerns that key only, not the mapping that holds it
		issue.code === "unrecognized_keys"
			? (issue.keys ?? []).some((key) => within([...issue.path, key], path) || within(path, [...issue.path, key]))
			: within(issue.path, path) || within(path, issue.path),
	);
}

function asRecord(value: unknown): Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The parts of a package file that passed the schema, so they are checked in the same pass. */
function salvagePackage(value: unknown, issues: readonly IssuePath[]): { data: PackageFile; whole: false } {
	const raw = asRecord(value);
	const text = (key: string) => (typeof raw[key] === "string" && !touches(issues, [key]) ? (raw[key] as string) : "");
	const sources: PackageFile["sources"] = {};
	for (const [mode, source] of Object.entries(asRecord(raw.sources))) {
		if (touches(issues, ["sources", mode])) continue;
		const parsed = sourceSchema.safeParse(source);
		if (parsed.success) sources[mode] = parsed.data;
	}
	return { data: { name: text("name"), version: text("version"), sources }, whole: false };
}

/** The parts of a group file that passed the schema. */
function salvageGroup(value: unknown, issues: readonly IssuePath[]): { data: GroupFile; whole: false } {
	const raw = asRecord(value);
	const name = typeof raw.name === "string" && !touches(issues, ["name"]) ? raw.name : "";
	// an option list that is itself the problem (not a list) has nothing to check
	const list = Array.isArray(raw.options) && !issues.some((i) => i.path.length === 1 && i.path[0] === "options");
	const options = list
		? (raw.options as unknown[]).flatMap((option, index) =>
				!touches(issues, ["options", index]) && typeof asRecord(option).name === "string"
					? [{ name: asRecord(option).name as string }]
					: [{ name: "" }],
			)
		: undefined;
	// the strategy is not checked past the schema: any valid one will do here
	return { data: { name, strategy: "M-of-N", options: options ?? [] }, whole: false };
}

/** Like loadRegistry, but any problem is an error that points at the first one. */
export function loadRegistryStrict(root: string): Registry {
	const { registry, problems } = loadRegistry(root);
	const error = firstProblemError(problems);
	if (error) throw error;
	return registry;
}

/**
 * Throws the first problem the loader finds in `planned` (absolute path → text, files about to be
 * written) read together with the rest of the registry at `root`: nothing is written that the
 * loader would then reject.
 */
export function refuseUnloadable(
	/** The folder written to, or every layer (the planned files in one of them). */
	root: string | readonly LayerRoot[],
	planned: ReadonlyMap<string, string>,
	hint?: (file: string) => string,
): void {
	const refused = loadRegistryParts(root, planned).problems.find((problem) =>
		planned.has(problem.location?.file ?? ""),
	);
	if (!refused) return;
	throw new HpmError("would-not-load", `${refused.message}; nothing was written`, {
		...(refused.location ? { location: refused.location } : {}),
		...(hint && refused.location ? { hint: hint(refused.location.file) } : {}),
	});
}

/** One package manifest on its own (for `hpm install --manifest`), or an error at its first problem. */
export function loadManifest(file: string): Package {
	const problems: Problem[] = [];
	const yaml = readYaml(file, problems);
	const parsed = yaml ? packageFileSchema.safeParse(yaml.value) : undefined;
	if (yaml && parsed && !parsed.success) problems.push(...issuesToProblems("package", yaml, parsed.error.issues));
	const pkg = yaml && parsed?.success ? toPackage(yaml, parsed.data, true, problems).package : undefined;
	const first = problems[0];
	if (first || !pkg) {
		throw new HpmError(first?.code ?? "manifest-invalid", first?.message ?? `${file} is not a package manifest`, {
			location: first?.location ?? { file },
			hint: "fix the manifest; nothing was installed",
		});
	}
	return pkg;
}

/**
 * The package a manifest describes, checking every part the schema let through (`whole` is false
 * when some parts were left out by it: then only those that passed are checked, and nothing is
 * said about what is missing, which the schema already reported).
 */
function toPackage(
	yaml: YamlFile,
	data: PackageFile,
	whole: boolean,
	problems: Problem[],
	/** Declared indexes; without them (a manifest on its own) any index name is taken as declared. */
	indexes?: Indexes,
	/** The git registry the manifest comes from, if it does: it cannot offer a local path. */
	remote?: string,
): { package: Package; complete: boolean } {
	const before = problems.length;
	if (whole || data.name !== "") checkName(yaml, data.name, "package", problems);
	const sources = new Map<string, Source>();
	const dir = path.dirname(yaml.file);
	for (const [mode, source] of Object.entries(data.sources)) {
		const at = (key: string): Location => yaml.locate(["sources", mode, key]);
		if (source.type === "local") {
			if (remote !== undefined) {
				problems.push({
					code: "remote-local-source",
					message: `sources.${mode} is a local path, which a registry from git cannot offer (it would point into hpm's cache); give it a git source, or override the package in a folder layer listed before the git registry`,
					location: at("path"),
				});
				continue;
			}
			const pathProblem = invalidLocalPathReason(source.path);
			if (pathProblem) {
				problems.push({ code: "invalid-path", message: `sources.${mode}.path ${pathProblem}`, location: at("path") });
				continue;
			}
			sources.set(mode, {
				type: "local",
				rawPath: source.path,
				path: path.resolve(dir, source.path),
				editable: source.editable ?? false,
				location: at("path"),
			});
			continue;
		}
		if (source.type === "index") {
			const reason = invalidRequirementReason(
				source.requirement,
				data.name || path.basename(yaml.file).replace(/\.ya?ml$/, ""),
			);
			if (reason)
				problems.push({
					code: "invalid-requirement",
					message: `sources.${mode}.requirement ${reason}`,
					location: at("requirement"),
				});
			let index: string | undefined;
			if (source.index !== undefined) {
				index = normalizeName(source.index);
				const nameProblem = invalidNameReason(source.index);
				if (nameProblem)
					problems.push({
						code: "invalid-name",
						message: `sources.${mode}.index "${source.index}": ${nameProblem}`,
						location: at("index"),
					});
				// an index file that is broken is reported in that file, not again by every source naming it
				else if (indexes && !indexes.files.has(index))
					problems.push({
						code: "unknown-index",
						message: `sources.${mode}.index "${source.index}" names no index: there is no indexes/${index}.yaml${indexes.loaded.size > 0 ? ` (declared: ${[...indexes.loaded.values()].map((i) => i.name).join(", ")})` : ""}`,
						location: at("index"),
					});
			}
			if (!reason)
				sources.set(mode, {
					type: "index",
					requirement: source.requirement,
					index,
					location: at(source.index === undefined ? "requirement" : "index"),
				});
			continue;
		}
		const urlProblem = invalidGitUrlReason(source.url);
		if (urlProblem)
			problems.push({
				code: "invalid-url",
				message: `sources.${mode}.url ${urlProblem}`,
				location: at("url"),
			});
		const refs = (["tag", "branch", "rev"] as const).filter((kind) => source[kind] !== undefined);
		if (refs.length > 1) {
			problems.push({
				code: "conflicting-refs",
				message: `sources.${mode} sets ${refs.join(" and ")}; give at most one of tag, branch, rev`,
				location: at(refs[1] ?? "type"),
			});
		}
		let ref: GitRef | undefined;
		const kind = refs[0];
		if (kind) {
			const value = source[kind] ?? "";
			const refProblem = invalidRefReason(value);
			if (refProblem)
				problems.push({
					code: "invalid-ref",
					message: `sources.${mode}.${kind} ${refProblem}`,
					location: at(kind),
				});
			ref = { kind, value };
		}
		const subdirectoryProblem =
			source.subdirectory === undefined ? undefined : invalidSubdirectoryReason(source.subdirectory);
		if (subdirectoryProblem) {
			problems.push({
				code: "invalid-subdirectory",
				message: `sources.${mode}.subdirectory ${subdirectoryProblem}`,
				location: at("subdirectory"),
			});
		}
		const { url, auth } = splitCredentials(source.url);
		sources.set(mode, { type: "git", url, ...(auth ? { auth } : {}), ref, subdirectory: source.subdirectory });
	}
	if (whole && sources.size === 0) {
		problems.push({
			code: "no-sources",
			message: `package "${data.name}" has no sources; add one per mode (e.g. prod)`,
			location: yaml.locate(["sources"]),
		});
	}
	const provides: string[] = [];
	(data.provides ?? []).forEach((interfaceName, index) => {
		const reason = invalidNameReason(interfaceName);
		if (reason)
			problems.push({
				code: "invalid-name",
				message: `provides: "${interfaceName}": ${reason}`,
				location: yaml.locate(["provides", index]),
			});
		else provides.push(normalizeName(interfaceName));
	});
	const name = data.name || path.basename(yaml.file).replace(/\.ya?ml$/, "");
	return {
		complete: whole && problems.length === before,
		package: {
			name,
			key: normalizeName(name),
			// free text is kept display-safe from here on: every view (CLI, JSON, UI) shows it escaped
			version: displaySafe(data.version),
			description: displaySafe(data.description ?? ""),
			sources,
			provides,
			location: yaml.locate(["name"]),
		},
	};
}

function toGroup(
	yaml: YamlFile,
	data: GroupFile,
	packages: ReadonlyMap<string, Package>,
	broken: ReadonlySet<string>,
	problems: Problem[],
	lintOnly: Problem[],
	allRules: { readonly group: string; readonly constraint: Constraint }[],
): Group | undefined {
	const before = problems.length;
	if (data.name !== "") checkName(yaml, data.name, "group", problems);
	if (data.options.length === 0 && isListOfNothing(yaml.value)) {
		// a group with nothing to choose from yet loads (options are added to it one by one); only
		// `registry lint` reports it, and check warns when a project needs a choice there
		lintOnly.push({
			code: "empty-group",
			message: `group "${data.name}" has no options; list at least one package (\`hpm registry add --group ${data.name}\`)`,
			location: yaml.locate(["options"]),
		});
	}
	const options: string[] = [];
	const unloaded: string[] = [];
	const seen = new Set<string>();
	data.options.forEach((option, index) => {
		// an option the schema refused (salvaged as "") was reported there
		if (option.name === "") return;
		const at = yaml.locate(["options", index, "name"]);
		const reason = invalidNameReason(option.name);
		if (reason) {
			problems.push({
				code: "invalid-name",
				message: `option "${option.name}": ${reason}`,
				location: at,
			});
			return;
		}
		const key = normalizeName(option.name);
		// a repeat is a problem of the group whatever the package's state, so it is found in the
		// same pass as a problem of the package's own file
		if (seen.has(key)) {
			problems.push({
				code: "duplicate-option",
				message: `option "${option.name}" is listed twice`,
				location: at,
			});
			return;
		}
		seen.add(key);
		if (!packages.has(key)) {
			// a broken manifest is reported in its own file; the group loads without that option, so
			// a project choosing another option is not held up by it
			if (broken.has(key)) {
				unloaded.push(option.name);
				return;
			}
			problems.push({
				code: "unknown-package",
				message: `option "${option.name}" names no package: there is no packages/${key}.yaml`,
				location: at,
			});
			return;
		}
		options.push(key);
	});
	const rules = groupRules(yaml, data, options, packages, broken, problems, lintOnly);
	for (const constraint of rules.constraints) allRules.push({ group: normalizeName(data.name), constraint });
	if (problems.length > before) return undefined;
	return {
		name: data.name,
		key: normalizeName(data.name),
		strategy: data.strategy,
		description: displaySafe(data.description ?? ""),
		options,
		...(unloaded.length > 0 ? { unloaded } : {}),
		location: yaml.locate(["name"]),
		...rules,
	};
}

/** `group=option`, as an option's `requires` and `conflicts` name another group's choice. */
const REFERENCE = /^\s*([^=\s]+)\s*=\s*([^=\s]+)\s*$/;

/**
 * What a group file says beyond its options: the interface they implement, the default choice, how
 * many may be chosen, and each option's `requires`/`conflicts`. Each is checked against the group
 * itself here; references to other groups are checked once every group is read.
 */
function groupRules(
	yaml: YamlFile,
	data: GroupFile,
	options: readonly string[],
	packages: ReadonlyMap<string, Package>,
	broken: ReadonlySet<string>,
	problems: Problem[],
	lintOnly: Problem[],
): Pick<Group, "interface" | "defaults" | "required" | "min" | "max" | "limitsLocation" | "constraints"> {
	const oneOfN = data.strategy === "1-of-N";
	let interfaceKey: string | undefined;
	if (data.interface !== undefined) {
		const reason = invalidNameReason(data.interface);
		if (reason)
			problems.push({
				code: "invalid-name",
				message: `interface "${data.interface}": ${reason}`,
				location: yaml.locate(["interface"]),
			});
		else interfaceKey = normalizeName(data.interface);
	}
	if (interfaceKey !== undefined) {
		data.options.forEach((option, index) => {
			const pkg = packages.get(normalizeName(option.name));
			if (!pkg || pkg.provides.includes(interfaceKey)) return;
			lintOnly.push({
				code: "interface-not-provided",
				message: `option "${option.name}" does not provide the group's interface "${data.interface}"; add \`provides: [${data.interface}]\` to ${path.basename(pkg.location.file)} if it implements it`,
				location: yaml.locate(["options", index, "name"]),
			});
		});
	}
	const rawDefaults =
		data.default === undefined ? [] : typeof data.default === "string" ? [data.default] : data.default;
	const defaults: string[] = [];
	if (oneOfN && rawDefaults.length > 1)
		problems.push({
			code: "invalid-default",
			message: `a 1-of-N group has one default, not ${rawDefaults.length}`,
			location: yaml.locate(["default"]),
		});
	rawDefaults.forEach((name, index) => {
		const at = yaml.locate(typeof data.default === "string" ? ["default"] : ["default", index]);
		const key = normalizeName(name);
		if (options.includes(key)) defaults.push(key);
		// a broken manifest is reported in its own file, not again by every rule that names it
		else if (broken.has(key)) return;
		else
			problems.push({
				code: "invalid-default",
				message: `default "${name}" is not an option of group "${data.name}"`,
				location: at,
			});
	});
	if (data.required !== undefined && !oneOfN)
		problems.push({
			code: "invalid-limit",
			message: "required applies to a 1-of-N group; an M-of-N group says how many with min",
			location: yaml.locate(["required"]),
		});
	for (const limit of ["min", "max"] as const) {
		if (data[limit] !== undefined && oneOfN)
			problems.push({
				code: "invalid-limit",
				message: `${limit} applies to an M-of-N group; a 1-of-N group has exactly one choice (say required: true to demand it)`,
				location: yaml.locate([limit]),
			});
	}
	if (data.min !== undefined && data.max !== undefined && data.min > data.max)
		problems.push({
			code: "invalid-limit",
			message: `min ${data.min} is more than max ${data.max}`,
			location: yaml.locate(["min"]),
		});
	if (data.min !== undefined && options.length > 0 && data.min > options.length)
		problems.push({
			code: "invalid-limit",
			message: `min ${data.min} is more than the group's ${options.length} options`,
			location: yaml.locate(["min"]),
		});
	const constraints: Constraint[] = [];
	data.options.forEach((option, index) => {
		for (const kind of ["requires", "conflicts"] as const) {
			(option[kind] ?? []).forEach((text, at) => {
				const location = yaml.locate(["options", index, kind, at]);
				const match = REFERENCE.exec(text);
				const [group, target] = [match?.[1] ?? "", match?.[2] ?? ""];
				const reason = match ? (invalidNameReason(group) ?? invalidNameReason(target)) : undefined;
				if (!match || reason) {
					problems.push({
						code: "invalid-reference",
						message: `${kind} "${text}": ${reason ?? "write it as group=option"}`,
						location,
					});
					return;
				}
				constraints.push({
					kind,
					option: normalizeName(option.name),
					target: { group: normalizeName(group), option: normalizeName(target) },
					text: `${group}=${target}`,
					location,
				});
			});
		}
	});
	const limitsAt = (["required", "min", "max"] as const).find((key) => data[key] !== undefined);
	return {
		interface: interfaceKey,
		defaults,
		required: oneOfN && data.required === true,
		min: oneOfN ? undefined : data.min,
		max: oneOfN ? undefined : data.max,
		limitsLocation: limitsAt ? yaml.locate([limitsAt]) : undefined,
		constraints,
	};
}

/**
 * The rules whose `group=option` names a group or an option that does not exist. A `requires` that
 * can never be met makes its option unusable: a problem at its line, and the group does not load
 * (as any group with a problem). A `conflicts` with nothing can never apply: it is dropped, and
 * `registry lint` warns about it.
 */
function checkReferences(
	groups: Map<string, Group>,
	rules: readonly { readonly group: string; readonly constraint: Constraint }[],
	/** Every group that has a file, loaded or not, and every package whose manifest is broken. */
	read: ReadonlySet<string>,
	broken: ReadonlySet<string>,
	problems: Problem[],
	lintOnly: Problem[],
): void {
	const bad = new Set<string>();
	const dropped = new Set<Constraint>();
	for (const { group: key, constraint } of rules) {
		const target = groups.get(constraint.target.group);
		if (target && target.options.includes(constraint.target.option)) continue;
		// a broken group or package file is reported in that file; the rule waits for its fix
		if (!target && read.has(constraint.target.group)) continue;
		if (target && broken.has(constraint.target.option)) continue;
		const problem: Problem = {
			code: "unknown-reference",
			message: target
				? `${constraint.kind} "${constraint.text}": group "${target.name}" has no option "${constraint.target.option}"`
				: `${constraint.kind} "${constraint.text}": there is no group "${constraint.target.group}"`,
			location: constraint.location,
		};
		if (constraint.kind === "requires") {
			bad.add(key);
			problems.push(problem);
		} else lintOnly.push({ ...problem, message: `${problem.message}; the rule never applies` });
		dropped.add(constraint);
	}
	for (const [key, group] of groups) {
		if (bad.has(key)) groups.delete(key);
		else if (group.constraints.some((c) => dropped.has(c)))
			groups.set(key, { ...group, constraints: group.constraints.filter((c) => !dropped.has(c)) });
	}
}

/** Whether the file's `options` is an empty list (not missing, not something else). */
function isListOfNothing(value: unknown): boolean {
	const options = asRecord(value).options;
	return Array.isArray(options) && options.length === 0;
}

function checkName(yaml: YamlFile, name: string, kind: "group" | "package" | "index", problems: Problem[]): void {
	const at = yaml.locate(["name"]);
	const reason = invalidNameReason(name);
	if (reason) {
		problems.push({
			code: "invalid-name",
			message: `${kind} name "${name}": ${reason}`,
			location: at,
		});
		return;
	}
	const stem = path.basename(yaml.file).replace(/\.ya?ml$/, "");
	if (normalizeName(stem) !== normalizeName(name)) {
		problems.push({
			code: "name-mismatch",
			message: `${kind} name "${name}" does not match the file name "${path.basename(yaml.file)}"; rename the file to ${normalizeName(name)}.yaml or fix the name`,
			location: at,
		});
	}
}

function duplicate(kind: "package" | "group" | "index", name: string, at: Location, first: Location): Problem {
	return {
		code: `duplicate-${kind}`,
		message: `${kind} "${name}" is defined twice; it is already defined in ${first.file}:${first.line ?? 1}`,
		location: at,
	};
}

function listYaml(dir: string, problems: Problem[], overlay: ReadonlyMap<string, string>): string[] {
	let names: string[];
	const planned = [...overlay.keys()].filter((file) => path.dirname(file) === dir).map((file) => path.basename(file));
	try {
		names = [...new Set([...readdirSync(dir), ...planned])];
	} catch (error) {
		if (isCode(error, "ENOENT") && pathKind(dir) === "dangling") {
			problems.push({
				code: "dangling-link",
				message: `${path.basename(dir)}/ is a symbolic link to a folder that does not exist`,
				location: { file: dir },
			});
			return [];
		}
		if (isCode(error, "ENOENT")) return planned.sort().map((name) => path.join(dir, name));
		problems.push({
			code: "unreadable",
			message: `cannot read the folder: ${String(error)}`,
			location: { file: dir },
		});
		return [];
	}
	return names
		.filter((name) => /\.ya?ml$/.test(name) && !name.startsWith("."))
		.sort()
		.map((name) => path.join(dir, name));
}

/** Reads one registry file: a regular file under the size limit, inside `within` when given. */
function readYaml(
	file: string,
	problems: Problem[],
	within?: string,
	overlay?: ReadonlyMap<string, string>,
): YamlFile | undefined {
	let bytes: Buffer;
	try {
		const planned = overlay?.get(file);
		bytes = planned === undefined ? readRegularFile(file, MAX_YAML_BYTES, within) : Buffer.from(planned, "utf8");
	} catch (error) {
		const message = error instanceof UnreadableFile ? error.message : `cannot be read: ${(error as Error).message}`;
		problems.push({ code: "unreadable", message, location: { file } });
		return undefined;
	}
	if (bytes.toString("utf8").trim() === "") {
		problems.push({
			code: "empty-file",
			message: "file is empty; expected a YAML mapping with name",
			location: { file, line: 1, column: 1 },
		});
		return undefined;
	}
	const parsed = parseYamlFile(file, bytes);
	if (!parsed.ok) {
		problems.push(...parsed.problems);
		return undefined;
	}
	return parsed.yaml;
}

function statSafe(target: string) {
	try {
		return statSync(target);
	} catch {
		return undefined;
	}
}
