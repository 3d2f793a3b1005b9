import { readRegularFile } from "../os/read-file.js";
import type { Problem } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import type { Plan, PlanEntry } from "../plan/plan.js";
import { MAX_FILE_BYTES } from "../project/files.js";
import { uvDetail } from "../uv/shown-lines.js";
import type { Blame, BlameLimits, Outcome } from "./blame.js";
import { describeConflict, type Explained } from "./conflict.js";
import { conflictReason, uvCause } from "./conflict-reason.js";

/** What check keeps of a failed resolution: uv's lines and what they say in the project's terms. */
export type Failure = {
	readonly lines: readonly string[];
	readonly exitCode: number;
	readonly explained: Explained | undefined;
};

/** Packages uv could not find anywhere (`X was not found in the package registry`). */
export function missingPackages(lines: readonly string[]): string[] {
	const text = lines.join(" ");
	const found = text.matchAll(
		/([A-Za-z0-9][A-Za-z0-9._-]*) was not found in the (?:package registry|cache|provided package locations)/g,
	);
	return [...new Set([...found].map((match) => normalizeName(match[1] ?? "")))];
}

/** `group=option`, once per option (its first group): the data form of a choice. */
function choiceOf(entry: PlanEntry): string {
	return `${entry.groups[0] ?? entry.name}=${entry.name}`;
}

/** uv's lines from where its explanation starts, without hints about uv's own flags. */
function detailOf(lines: readonly string[]): string {
	const start = lines.findIndex((line) => /No solution found|error:/.test(line));
	return uvDetail(lines.slice(Math.max(start, 0)));
}

/** The problems a search for minimal conflicts proved, each in group=option terms with its reason. */
export function blameProblems(
	blame: Blame<PlanEntry, Failure>,
	lied: Problem | undefined,
	limits: BlameLimits,
): Problem[] {
	const problems: Problem[] = [];
	const data = (outcome: Outcome<PlanEntry, Failure>) => (outcome.ok ? undefined : outcome.data);
	for (const conflict of blame.conflicts) {
		const failure = data(conflict.outcome);
		const lines = failure?.lines ?? [];
		const choices = conflict.items.map(choiceOf);
		if (!conflict.outcome.ok && conflict.outcome.attributed && failure?.explained) {
			// a source's own failure (unreachable, missing ref, build): its package, whatever else is chosen
			problems.push({
				code: failure.explained.code,
				message: failure.explained.message,
				detail: detailOf(lines),
				choices,
				proven: false,
			});
			continue;
		}
		const reason = conflictReason(lines, conflict.items) ?? uvCause(lines);
		// the rest of the project includes the workspace's members, selected or not
		const members = failure?.explained?.code === "workspace-conflict" ? (failure.explained.members ?? []) : [];
		const workspace =
			members.length > 0 ? ` (${members.join(", ")}: a member of the uv workspace, which uv locks as a whole)` : "";
		const unsure = conflict.proven
			? ""
			: " (not proven minimal: uv failed for a reason of its own while narrowing it down)";
		problems.push({
			code: "resolution",
			message: `${describeConflict(conflict.items) ?? choices.join(", ")}${reason ? `: ${reason}` : ""}${workspace}${unsure}`,
			detail: detailOf(lines),
			choices,
			proven: conflict.proven,
		});
	}
	if (blame.projectFails) {
		const failure = data(blame.projectFails);
		const reason = conflictReason(failure?.lines ?? [], []);
		const workspace = failure?.explained?.code === "workspace-conflict" ? failure.explained : undefined;
		problems.push({
			code: workspace ? workspace.code : "project-unresolvable",
			message: workspace
				? `${workspace.message}, whatever is chosen${reason ? `: ${reason}` : ""}`
				: `the project's own dependencies do not resolve, whatever is chosen${reason ? `: ${reason}` : ""}`,
			detail: detailOf(failure?.lines ?? []),
			choices: [],
			proven: true,
		});
	}
	if (lied) problems.push(lied);
	else if (blame.unexplained) {
		const failure = data(blame.unexplained);
		const named = failure?.explained?.entries ?? [];
		problems.push({
			code: failure?.explained?.code ?? "uv-failed",
			message: failure?.explained?.message ?? `uv lock failed (exit ${failure?.exitCode ?? "?"})`,
			detail: detailOf(failure?.lines ?? []),
			// the options uv's words name (not proven to be at fault)
			...(named.length > 0 ? { choices: named.map(choiceOf) } : {}),
		});
	}
	if (blame.incomplete)
		problems.push({
			code: "more-conflicts",
			message:
				"more conflicts may exist: without the choices above, the rest lacks a package they bring, so it could not be checked on its own",
			proven: false,
		});
	if (blame.truncated) {
		const stopped =
			blame.conflicts.length >= limits.conflicts
				? `after ${limits.conflicts} conflicts`
				: `after ${limits.resolutions} resolutions`;
		problems.push({
			code: blame.conflicts.length === 0 ? "resolution" : "more-conflicts",
			message:
				blame.conflicts.length === 0
					? `the selection does not resolve; hpm stopped narrowing it down to the choices at fault ${stopped} (README "Verdicts")`
					: `more conflicts may exist: hpm stopped looking ${stopped} (README "Verdicts")`,
			proven: false,
		});
	}
	return problems;
}

export function hasChanges(plan: Plan): boolean {
	return plan.add.length > 0 || plan.switch.length > 0 || plan.remove.length > 0;
}

/**
 * Why a `uv lock` that exited 0 cannot be believed, or undefined: it left no readable lock, or
 * (when the dependencies it was given differ from the project's) the very lock it started from.
 */
export function uvLeftNoLock(lock: string, before: Buffer | undefined, changed: boolean): string | undefined {
	let after: Buffer;
	try {
		after = readRegularFile(lock, MAX_FILE_BYTES);
	} catch {
		return "uv lock exited 0 but wrote no uv.lock: the check cannot tell whether the selection resolves";
	}
	if (!/^\s*version\s*=|^\[\[package\]\]/m.test(after.toString("utf8")))
		return "uv lock exited 0 but the uv.lock it wrote is not a lock file: the check cannot tell whether the selection resolves";
	if (changed && before !== undefined && after.equals(before))
		return "uv lock exited 0 but left uv.lock as it was, though the dependencies changed: the check cannot tell whether the selection resolves";
	return undefined;
}
