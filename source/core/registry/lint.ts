import { machineLintProblems } from "./machine-lint.js";
import { displayPath } from "../base/display-path.js";
import type { Problem } from "../base/errors.js";
import { familyGapWarnings } from "./family-gaps.js";
import { loadRegistryParts } from "./load.js";
import { localPathProblems } from "./local-paths.js";
import type { LayerRoot } from "./location.js";
import type { Registry, Shadow } from "./model.js";
import { ruleProblems } from "./rule-check.js";

/**
 * Every problem in the registry in one pass: file syntax and schema, references, and the local
 * source folders of every package, those left out for other problems included.
 */
export function lintRegistry(root: string | readonly LayerRoot[]): {
	registry: Registry;
	problems: Problem[];
	warnings: Problem[];
} {
	const { registry, problems, leftOut, lintOnly } = loadRegistryParts(root);
	const all = [
		...problems,
		...localPathProblems([...registry.packages.values(), ...leftOut]),
		// what the rules make impossible: an option that can never be chosen, defaults that break a rule
		...ruleProblems(registry),
		// per-machine options, statically: a marker that never holds, a member a local index lacks
		...machineLintProblems(registry),
	];
	// what loads and blocks nothing (a group without options yet) is a warning: failing lint for a
	// group `hpm registry group add` has just created would be a trap
	return {
		registry,
		problems: byPlace(all),
		warnings: byPlace([...lintOnly, ...registry.shadowed.map(shadowWarning), ...familyGapWarnings(registry)]),
	};
}

/** A name an earlier layer defines again: its definition is used, the later one's is hidden. */
export function shadowWarning(shadow: Shadow): Problem {
	const at = `${displayPath(shadow.hidden.file)}${shadow.hidden.line === undefined ? "" : `:${shadow.hidden.line}`}`;
	return {
		code: "shadowed",
		message: `${shadow.kind} "${shadow.key}" is also defined in a later registry layer (${at}): this definition is used and hides that one`,
		location: shadow.used,
	};
}

/** File by file, top to bottom (the sort is stable: problems at one place keep their order). */
function byPlace(problems: Problem[]): Problem[] {
	const at = (p: Problem) => [p.location?.file ?? "", p.location?.line ?? 0, p.location?.column ?? 0] as const;
	return problems.sort((a, b) => {
		const [fa, la, ca] = at(a);
		const [fb, lb, cb] = at(b);
		return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
	});
}
