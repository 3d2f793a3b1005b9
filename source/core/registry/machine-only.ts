import type { Problem } from "../base/errors.js";
import type { Group, Package } from "./model.js";

/**
 * `family:` and `marker:` only in an option of a per-machine group (`machine: true`), where hpm
 * writes each member's `[tool.uv.sources]` entry itself (the marker says where the index applies,
 * elsewhere uv's default index). A committed group's option goes through `uv add NAME --index`,
 * which writes one requirement and puts a marker on the requirement itself (measured with uv
 * 0.13.10: the package is then not installed at all where the marker fails), so there they would
 * not mean what they say: refused at their line, for each committed group that lists the package.
 */
export function machineOnlyProblems(
	groups: ReadonlyMap<string, Group>,
	packages: ReadonlyMap<string, Package>,
): Problem[] {
	const problems: Problem[] = [];
	for (const group of groups.values()) {
		if (group.machine) continue;
		for (const option of group.options) {
			const pkg = packages.get(option);
			for (const [mode, source] of pkg?.sources ?? []) {
				if (source.type !== "index" || source.machineOnlyAt === undefined || pkg === undefined) continue;
				const what = [source.family ? "family:" : "", source.marker !== undefined ? "marker:" : ""].filter(Boolean);
				problems.push({
					code: "machine-only",
					message: `sources.${mode} has ${what.join(" and ")}, and ${pkg.name} is an option of group "${group.name}", which is not per-machine: only an option of a group with machine: true installs a family or a marker (uv add would write the marker onto the requirement)`,
					location: source.machineOnlyAt,
					choices: [`${group.name}=${pkg.name}`],
				});
			}
		}
	}
	return problems;
}
