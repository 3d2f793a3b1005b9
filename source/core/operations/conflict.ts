import { nameWords, normalizeName, requirementName } from "../names.js";
import type { PlanEntry } from "../plan.js";
import { readPythonPackage } from "../python-package.js";
import { readRegularFile } from "../os/read-file.js";
import { parse } from "smol-toml";
import path from "node:path";

/**
 * The selected options that uv's "No solution found" explanation involves: those it names, and
 * those whose local package depends on something it names (the adapter that brings
 * `vlm-interface` when a metric needs an older one). Directly named options come first.
 */
export function involvedOptions(explanation: string, selected: readonly PlanEntry[]): PlanEntry[] {
	const mentioned = new Set(nameWords(explanation));
	const direct = selected.filter((entry) => mentioned.has(entry.key));
	const indirect = selected.filter(
		(entry) => !direct.includes(entry) && localDependencies(entry).some((name) => mentioned.has(name)),
	);
	return [...direct, ...indirect];
}

export function describeConflict(involved: readonly PlanEntry[]): string | undefined {
	const label = (entry: PlanEntry) => entry.groups.map((group) => `${group}=${entry.name}`).join(" / ");
	const [first, ...rest] = involved;
	if (!first) return undefined;
	if (rest.length === 0) return `${label(first)} cannot be installed with the rest of the project`;
	return `${label(first)} conflicts with ${rest.map(label).join(" and ")}`;
}

function localDependencies(entry: PlanEntry): string[] {
	if (entry.source.type !== "local") return [];
	const found = readPythonPackage(entry.source.path);
	if (typeof found === "string") return [];
	try {
		const data = parse(
			readRegularFile(path.join(entry.source.path, "pyproject.toml"), 10_000_000).toString("utf8"),
		) as {
			project?: { dependencies?: unknown };
		};
		const list = Array.isArray(data.project?.dependencies) ? data.project.dependencies : [];
		return list.flatMap((requirement) => {
			const name = requirementName(requirement);
			return name ? [normalizeName(name)] : [];
		});
	} catch {
		return [];
	}
}
