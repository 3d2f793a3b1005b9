import type { Problem } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import { readPythonPackage } from "./python-package.js";
import type { Package, Registry } from "./model.js";
import { localSource } from "./source-kinds.js";

/** Problems with local sources: a folder that is missing, holds no Python package, or another one. */
export function localPathProblems(packages: Iterable<Package>): Problem[] {
	const problems: Problem[] = [];
	for (const pkg of packages) {
		for (const [mode, written] of pkg.sources) {
			const source = localSource(written);
			if (!source) continue;
			const found = readPythonPackage(source.path);
			const location = source.location ?? pkg.location;
			if (typeof found === "string") {
				problems.push({
					code: "local-path",
					message: `${pkg.name}: sources.${mode}.path ${source.rawPath}: ${found}`,
					location,
				});
			} else if (found.name !== undefined && normalizeName(found.name) !== pkg.key) {
				problems.push({
					code: "local-name",
					message: `${pkg.name}: sources.${mode}.path ${source.rawPath} holds package "${found.name}", not "${pkg.name}"`,
					location,
				});
			}
		}
	}
	return problems;
}

/** The folders of the registry's local packages, in every mode. */
export function componentFolders(registry: Registry): Set<string> {
	const folders = new Set<string>();
	for (const pkg of registry.packages.values())
		for (const source of pkg.sources.values()) {
			const local = localSource(source);
			if (local) folders.add(local.path);
		}
	return folders;
}
