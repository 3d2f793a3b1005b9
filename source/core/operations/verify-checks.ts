import { HpmError } from "../base/errors.js";
import type { HpmEvent } from "../plan/events.js";
import type { Plan } from "../plan/plan.js";
import { openSelection, type Where } from "../plan/open-selection.js";
import {
	type CheckItem,
	type CheckOutcome,
	checkItems,
	failedSentence,
	machineCheckItems,
} from "../plan/option-checks.js";
import type { Registry, Selection } from "../registry/model.js";
import { type ChecksReport, runChecks } from "./run-checks.js";
import { type Drift, driftSentence, machineDrift, machineNow } from "./machine-now.js";

export type VerifyResult = {
	readonly ok: boolean;
	readonly checks: readonly CheckOutcome[];
	/** Builds in .venv that are not this machine's option of a per-machine group (`hpm sync` puts them back). */
	readonly drift: readonly Drift[];
	/** One sentence for a person. */
	readonly summary: string;
};

/**
 * The checks of the project's chosen options, and of this machine's options of its per-machine
 * groups (`machineChoice` forced, else HPM_MACHINE_CHOICE, `.hpm/machine.toml`, the default: as
 * sync takes them), run against its environment and uv.lock as they are now, and drift.
 */
export async function verifyChoices(
	where: Where,
	signal?: AbortSignal,
	machineChoice?: { readonly value: string | undefined; readonly from: string },
): Promise<VerifyResult> {
	const { project, registry, selection } = await openSelection(where, { signal });
	const { chosen } = machineNow(registry, project, machineChoice);
	const items = [...selectedItems(registry, selection), ...machineCheckItems(registry, chosen)];
	const report = await runChecks(project.root, items, { signal });
	const drift = await machineDrift(registry, project, chosen, signal);
	const summary =
		drift.length > 0
			? `${summaryOf(report)}; drift: ${driftSentence(drift)} (\`hpm sync\` installs this machine's option)`
			: summaryOf(report);
	return { ok: report.ok && drift.length === 0, checks: report.outcomes, drift, summary };
}

/** The check items of a selection (group key → option keys), named as the registry writes them. */
export function selectedItems(registry: Registry, selection: Selection): CheckItem[] {
	const chosen = [...selection].flatMap(([groupKey, options]) => {
		const group = registry.groups.get(groupKey)?.name ?? groupKey;
		return options.map((key) => ({ key, groups: [group] }));
	});
	return checkItems(registry, chosen);
}

export function summaryOf(report: ChecksReport): string {
	if (report.outcomes.length === 0) return "no chosen option declares checks";
	if (report.ok)
		return `${report.outcomes.length} check${report.outcomes.length === 1 ? "" : "s"} of the chosen options passed`;
	return `${report.failed.length} of ${report.outcomes.length} checks failed: ${failedSentence(report.failed)}`;
}

/**
 * The error of a sync whose checks failed. The sync is not undone: pyproject.toml, uv.lock and
 * the environment agree with each other and with the selection (SPEC §8.1), and what the checks
 * found is a fact about the option's build that a restore would not change; `hpm rollback` brings
 * back the state before, as after any sync.
 */
export function checksFailed(report: ChecksReport): HpmError {
	const choices = [...new Set(report.failed.map((failed) => failed.choice))];
	return new HpmError("check-failed", `synced, but ${summaryOf(report)}`, {
		exitCode: 1,
		choices,
		...(report.failed[0]?.location ? { location: report.failed[0].location } : {}),
		hint: "the files and .venv are as synced; choose another option (`hpm group add`), or `hpm rollback` to the state before",
	});
}

/**
 * After every sync (one that changed nothing too: the environment may have changed under it), the
 * chosen options' `checks:` (and those of this machine's options, `machine`) run against .venv and uv.lock. A failure throws `check-failed`
 * without undoing the sync (`checksFailed` says why).
 */
export async function* proveChoices<
	R extends {
		readonly plan: Plan;
		readonly summary: string;
		readonly machine?: readonly { readonly group: string; readonly option: string }[];
	},
>(result: R, registry: Registry, signal: AbortSignal | undefined): AsyncGenerator<HpmEvent, R> {
	const machine = new Map((result.machine ?? []).map((choice) => [choice.group, choice.option]));
	const items = [...checkItems(registry, result.plan.selected), ...machineCheckItems(registry, machine)];
	if (items.length === 0) return result;
	yield { type: "phase", phase: "check", message: `checking the chosen options (${items.length} checks)` };
	const report = await runChecks(result.plan.root, items, { signal });
	if (signal?.aborted)
		throw new HpmError("interrupted", "interrupted while checking; the sync itself is done", { exitCode: 1 });
	if (!report.ok) throw checksFailed(report);
	return { ...result, summary: `${result.summary}; ${summaryOf(report)}` };
}
