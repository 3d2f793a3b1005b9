import type { Plan } from "../plan/plan.js";
import { type ExclusionRecord, exclusionEdits, exclusionsDiffer } from "../plan/replacements.js";
import { readProject } from "../project/project.js";
import { writeProjectEdits } from "../project/write.js";

/**
 * A sync's two writes of hpm's `[tool.uv] exclude-dependencies` entries: `staged` before uv
 * resolves (what the chosen options replace is out of every lock uv makes on the way), `letBack`
 * after uv's edits (what they no longer replace comes back with the final `uv sync`). Undefined:
 * that write changes nothing.
 */
export function exclusionWrites(plan: Plan): {
	readonly staged: ExclusionRecord | undefined;
	readonly letBack: ExclusionRecord | undefined;
} {
	const exclusions = plan.exclusions;
	if (!exclusions) return { staged: undefined, letBack: undefined };
	return {
		staged: exclusionsDiffer(exclusions.now, exclusions.staged) ? exclusions.staged : undefined,
		letBack: exclusionsDiffer(exclusions.staged, exclusions.final) ? exclusions.final : undefined,
	};
}

/** Writes the record into pyproject.toml (between uv's steps, as a step of the change). */
export async function writeExclusions(
	tx: { readonly checkpoint: () => void; readonly wrote: () => void },
	file: string,
	record: ExclusionRecord,
): Promise<void> {
	tx.checkpoint();
	await writeProjectEdits(readProject(file), exclusionEdits(record));
	tx.wrote();
}

/** The history's words for hpm's exclusions: `excludes opencv-python` newly replaced, `lets opencv-python back` no longer. */
export function exclusionParts(plan: Plan): string[] {
	const exclusions = plan.exclusions;
	if (!exclusions) return [];
	const was = new Set(exclusions.now.owned);
	const now = new Set(exclusions.final.owned);
	return [
		...[...now].filter((key) => !was.has(key)).map((key) => `excludes ${key}`),
		...[...was].filter((key) => !now.has(key)).map((key) => `lets ${key} back`),
	];
}

/** The names a record no longer excludes that `from` did. */
export const letIn = (from: ExclusionRecord, to: ExclusionRecord): string[] =>
	from.owned.filter((key) => !to.owned.includes(key));
