import type { Group } from "./model.js";
import type { Strategy } from "./schema.js";

/**
 * What choosing an option does to a group's choice: in a 1-of-N group it replaces the option
 * chosen before; in an M-of-N group it is added beside the others (and chosen again, taken out).
 */
export type ChoiceKind = "replace" | "add";

const KINDS = { "1-of-N": "replace", "M-of-N": "add" } as const satisfies Record<Strategy, ChoiceKind>;

/** The kind of choice a group's strategy makes: the one mapping every caller uses. */
export function choiceKind(group: Pick<Group, "strategy">): ChoiceKind {
	return KINDS[group.strategy];
}
