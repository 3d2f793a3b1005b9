import path from "node:path";
import type { Location, Problem } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import { duplicate } from "./file-names.js";
import type { Indexes } from "./index-files.js";
import { issuesToProblems } from "./issues.js";
import type { LayerRoot } from "./location.js";
import type { Package, Shadow, Source } from "./model.js";
import { toPackage } from "./package-file.js";
import { fileStem, listYaml, readYaml } from "./read-yaml.js";
import { salvagePackage } from "./salvage.js";
import { packageFileSchema } from "./schema.js";

export type LoadedPackages = {
	readonly packages: ReadonlyMap<string, Package>;
	/** What could be read of the packages left out for a problem (their valid sources). */
	readonly leftOut: readonly Package[];
	/** Package files that exist but are broken (by stem and name): options naming them are not reported a second time. */
	readonly broken: ReadonlySet<string>;
};

/**
 * Reads each layer's `packages/*.yaml`. A name an earlier layer defines is that layer's: a later
 * definition is hidden (and its problems are not the registry's), except for the modes the earlier
 * one does not give, which come from it.
 */
export function loadPackages(
	layers: readonly LayerRoot[],
	indexes: Indexes,
	problems: Problem[],
	shadowed: Shadow[],
	overlay: ReadonlyMap<string, string>,
): LoadedPackages {
	const packages = new Map<string, Package>();
	const leftOut: Package[] = [];
	// Every package file's name (good or broken) → where it is written, for duplicates.
	const named = new Map<string, Location>();
	const broken = new Set<string>();
	// where each name (and file stem) was first defined, and in which layer
	const packageLayer = new Map<string, { layer: number; at: Location }>();
	for (const [index, layer] of layers.entries()) {
		for (const file of listYaml(path.join(layer.root, "packages"), problems, overlay)) {
			const stem = fileStem(file);
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
	return { packages, leftOut, broken };
}
