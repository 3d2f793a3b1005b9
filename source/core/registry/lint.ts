import type { Problem } from "../errors.js";
import { loadRegistryParts } from "./load.js";
import { localPathProblems } from "./local-paths.js";
import type { Registry } from "./model.js";

/**
 * Every problem in the registry in one pass: file syntax and schema, references, and the local
 * source folders of every package, those left out for other problems included.
 */
export function lintRegistry(root: string): { registry: Registry; problems: Problem[] } {
	const { registry, problems, leftOut, lintOnly } = loadRegistryParts(root);
	const all = [...problems, ...lintOnly, ...localPathProblems([...registry.packages.values(), ...leftOut])];
	// file by file, top to bottom (the sort is stable: problems at one place keep their order)
	const at = (p: Problem) => [p.location?.file ?? "", p.location?.line ?? 0, p.location?.column ?? 0] as const;
	all.sort((a, b) => {
		const [fa, la, ca] = at(a);
		const [fb, lb, cb] = at(b);
		return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
	});
	return { registry, problems: all };
}
