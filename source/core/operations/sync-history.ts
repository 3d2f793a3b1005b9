import type { Plan } from "../plan/plan.js";
import { exclusionParts } from "./sync-exclusions.js";

/** The history's line for a sync: what it added, removed and switched, and the mode. */
export function historyLine(
	plan: Plan,
	modeWas: string | undefined,
	edits: boolean,
	pins?: readonly string[],
	chose = "",
): string {
	const parts = [
		...(chose ? [`combination ${chose}`] : []),
		...plan.add.map((entry) => `+${entry.name}`),
		...plan.remove.map((entry) => `-${entry.name}`),
		...plan.switch.map((entry) => `~${entry.name}`),
		...exclusionParts(plan),
		...(pins
			? [pins.length === 0 ? "registry unpinned" : `registry at ${pins.map((pin) => pin.slice(0, 12)).join(", ")}`]
			: []),
	];
	const mode = modeWas === undefined ? `mode ${plan.mode}` : `mode ${modeWas} -> ${plan.mode}`;
	if (parts.length === 0) return `sync: ${edits ? "recorded" : "uv.lock and .venv brought in line"} (${mode})`;
	return `sync: ${parts.join(" ")} (${mode})`;
}
