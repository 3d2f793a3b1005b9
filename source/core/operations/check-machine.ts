/**
 * Every option of a per-machine group resolves (issue 29, item 7): one uv.lock covers every option,
 * so an option that does not resolve with the project breaks it for every machine. After the
 * selection resolves, check locks the would-be project WITH the per-machine entries (as sync writes
 * them) in its scratch copy; when that fails, each option is locked alone with the project (its
 * dependency group and sources only), and each that fails is named, with uv's words.
 */
import { writeFileSync, rmSync } from "node:fs";
import path from "node:path";
import { stringify } from "smol-toml";
import { HpmError, type Problem } from "../base/errors.js";
import type { HpmEvent } from "../plan/events.js";
import { dependencyGroupName, type MachineRecord, machineRecord } from "../plan/machine-groups.js";
import { type Plan, planCredentialsEnv } from "../plan/plan.js";
import { projectMachineGroups, withMachineEntries } from "../project/machine-edits.js";
import type { Project } from "../project/project.js";
import type { Workspace } from "../project/workspace.js";
import type { Registry } from "../registry/model.js";
import { runUv, type Uv } from "../uv/driver.js";
import { uvDetail } from "../uv/shown-lines.js";
import type { Scratch } from "./scratch-copy.js";
import { wouldBeProject } from "./would-be-project.js";

type Setting = {
	readonly project: Project;
	readonly registry: Registry;
	readonly plan: Plan;
	readonly workspace: Workspace | undefined;
	readonly uv: Uv;
	readonly scratch: string;
	readonly copy: Scratch;
	readonly signal?: AbortSignal | undefined;
};

/** The problems of per-machine options that do not resolve with the project (none without such groups). */
export async function* checkMachineOptions(setting: Setting): AsyncGenerator<HpmEvent, Problem[]> {
	const { project, registry, plan } = setting;
	const groups = projectMachineGroups(project.data);
	if (groups.length === 0) return [];
	const { record, problems } = machineRecord(registry, groups, plan.mode);
	if (problems.length > 0 || record.dependencyGroups.size === 0) return [];
	yield {
		type: "phase",
		phase: "resolve",
		message: "resolving every option of the per-machine groups (one lock covers them all)",
	};
	const all = await lock(setting, record);
	if (all.ok) return [];
	yield {
		type: "phase",
		phase: "resolve",
		message: "finding the per-machine options that do not resolve (one lock each)",
	};
	const found: Problem[] = [];
	for (const key of groups) {
		const group = registry.groups.get(key);
		for (const option of group?.options ?? []) {
			const name = dependencyGroupName(group?.key ?? key, option);
			if (!record.dependencyGroups.has(name)) continue;
			const alone = await lock(setting, only(record, name));
			if (alone.ok) continue;
			const choice = `${group?.name ?? key}=${registry.packages.get(option)?.name ?? option}`;
			const said =
				alone.lines.find((line) => /No solution found|error:/.test(line))?.trim() ?? `uv exited with ${alone.exitCode}`;
			found.push({
				code: "option-unresolvable",
				message: `${choice} does not resolve with the project, and the one uv.lock covers every option of a per-machine group: ${said}`,
				choices: [choice],
				// proven by a resolution: the option alone with the project does not lock
				proven: true,
				groups: [group?.name ?? key],
				detail: uvDetail(alone.lines),
				...(registry.packages.get(option)?.location ? { location: registry.packages.get(option)?.location } : {}),
			});
		}
	}
	if (found.length > 0) return found;
	// each option resolves alone, together they do not: uv's words for the whole
	return [
		{
			code: "option-unresolvable",
			message: `the options of ${groups.join(", ")} resolve one by one but not in one lock: ${all.lines.find((line) => /error:|No solution/.test(line))?.trim() ?? ""}`,
			groups: [...groups],
			detail: uvDetail(all.lines),
		},
	];
}

/** `record` with one dependency group: its own sources, no conflict set. */
function only(record: MachineRecord, name: string): MachineRecord {
	const sources = new Map(
		[...record.sources].flatMap(([dist, entries]) => {
			const mine = entries.filter((entry) => entry.group === name);
			return mine.length > 0 ? [[dist, mine] as const] : [];
		}),
	);
	return {
		dependencyGroups: new Map([[name, record.dependencyGroups.get(name) ?? []]]),
		sources,
		conflicts: [],
		indexes: record.indexes,
	};
}

async function lock(
	setting: Setting,
	record: MachineRecord,
): Promise<{ readonly ok: boolean; readonly lines: readonly string[]; readonly exitCode: number }> {
	const { project, plan, workspace, uv, scratch, copy, signal } = setting;
	const file = path.join(copy.here, "pyproject.toml");
	const text = stringify(wouldBeProject(project, plan, workspace?.members));
	writeFileSync(file, await withMachineEntries(text, file, record));
	if (copy.lockBytes) writeFileSync(path.join(scratch, "uv.lock"), copy.lockBytes);
	else rmSync(path.join(scratch, "uv.lock"), { force: true });
	const run = runUv(uv, ["lock", "--directory", copy.here], {
		cwd: copy.here,
		readOnly: true,
		signal,
		env: { ...planCredentialsEnv(plan), UV_PROJECT_ENVIRONMENT: copy.environment },
	});
	let step = await run.next();
	while (!step.done) step = await run.next();
	if (step.value.aborted) throw new HpmError("interrupted", "check interrupted; nothing was changed", { exitCode: 1 });
	return { ok: step.value.exitCode === 0, lines: step.value.lines, exitCode: step.value.exitCode };
}
