import { HpmError } from "../base/errors.js";
import { type Plan, sameRecord } from "../plan/plan.js";
import { stateOfProject } from "../plan/state.js";
import { lockedPackages } from "../project/dependencies.js";
import { readProject } from "../project/project.js";

/**
 * Checks uv's work instead of trusting its exit code: after a sync's uv steps, pyproject.toml must
 * list every added or switched package with the planned source and none of the removed ones, and
 * uv.lock must lock every package that is now a dependency. Throws (and the transaction restores)
 * when uv said it succeeded but did not do it.
 */
export function verifyApplied(pyproject: string, plan: Plan): void {
	const project = readProject(pyproject);
	const state = stateOfProject(project);
	// in a uv workspace, uv.lock is the workspace root's
	const locked = lockedPackages(state.workspace?.root ?? project.root);
	const wrong: string[] = [];
	for (const entry of [...plan.add, ...plan.switch]) {
		if (!state.dependencies.has(entry.key)) wrong.push(`${entry.name} is not in [project.dependencies]`);
		else if (!sameRecord(state, entry))
			wrong.push(`${entry.name} does not have the planned source in [tool.uv.sources]`);
		if (!locked.has(entry.key)) wrong.push(`${entry.name} is not in uv.lock`);
	}
	for (const entry of plan.remove) {
		if (state.dependencies.has(entry.key)) wrong.push(`${entry.name} is still in [project.dependencies]`);
	}
	if (wrong.length > 0) {
		throw new HpmError("uv-unapplied", `uv reported success, but ${wrong.join("; ")}`, {
			exitCode: 1,
			hint: "pyproject.toml and uv.lock were restored; run the sync again, and if it repeats, check the uv version (`uv --version`)",
		});
	}
}
