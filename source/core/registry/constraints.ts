import type { Location, Problem } from "../base/errors.js";
import type { Constraint, Group, Registry, Selection } from "./model.js";
import { choiceKind } from "./choice-kind.js";

/**
 * The registry's own rules about a choice, checked without uv (milliseconds): a required 1-of-N
 * group left unchosen, an M-of-N choice outside min..max, and an option's `requires`/`conflicts`.
 * Each problem says it in group=option terms and points at the line of the group file that states
 * the rule.
 */
export function constraintProblems(registry: Registry, selection: Selection): Problem[] {
	const problems: Problem[] = [];
	const name = (group: string, option: string) => `${groupName(registry, group)}=${packageName(registry, option)}`;
	for (const group of registry.groups.values()) {
		const chosen = selection.get(group.key);
		const at = group.limitsLocation ?? group.location;
		if (group.required && !chosen?.length) {
			problems.push({
				code: "required-choice",
				message: `group "${group.name}" requires a choice (required: true); pick one with \`hpm group add ${group.name} --option NAME\``,
				location: at,
				groups: [group.name],
			});
		}
		// min is how many a project must choose (min: 1 makes an M-of-N group required)
		if (group.min !== undefined && (chosen?.length ?? 0) < group.min) {
			problems.push({
				code: "too-few",
				message: `group "${group.name}" needs at least ${group.min} option${group.min === 1 ? "" : "s"} (min: ${group.min}); ${chosen?.length ?? 0} chosen`,
				location: at,
				groups: [group.name],
			});
		}
		if (chosen !== undefined && group.max !== undefined && chosen.length > group.max) {
			problems.push({
				code: "too-many",
				message: `group "${group.name}" allows at most ${group.max} option${group.max === 1 ? "" : "s"} (max: ${group.max}); ${chosen.length} chosen`,
				location: at,
				groups: [group.name],
			});
		}
		for (const constraint of group.constraints) {
			if (!chosen?.includes(constraint.option)) continue;
			const broken = violation(registry, selection, group, constraint);
			if (broken)
				problems.push({
					code: `constraint-${constraint.kind}`,
					message: broken,
					location: constraint.location,
					// the rule's two ends, as data
					choices: [name(group.key, constraint.option), name(constraint.target.group, constraint.target.option)],
				});
		}
	}
	return problems;

	function violation(registry: Registry, selection: Selection, group: Group, constraint: Constraint) {
		const target = selection.get(constraint.target.group) ?? [];
		const who = name(group.key, constraint.option);
		const whom = name(constraint.target.group, constraint.target.option);
		if (constraint.kind === "requires" && !target.includes(constraint.target.option)) {
			const instead = target.map((key) => packageName(registry, key)).join(", ");
			return `${who} requires ${whom}, which is not chosen${instead ? ` (${groupName(registry, constraint.target.group)} has ${instead})` : ""}`;
		}
		if (constraint.kind === "conflicts" && target.includes(constraint.target.option))
			return `${who} conflicts with ${whom}; choose one of them`;
		return undefined;
	}
}

/** Why choosing `option` in `group` would break a rule, given the rest of `selection`. */
export type Forbidden = {
	readonly reason: string;
	/** The reason as the option's own row says it: without naming the option when it leads. */
	readonly brief: string;
	readonly location: Location;
};

/**
 * For each group and option, the rules choosing it would break with the rest of the selection as
 * it is (the UI greys those options out and says why; `hpm why-not` prints them). A 1-of-N choice
 * replaces the group's current one; an M-of-N choice is added to it.
 */
export function forbiddenChoices(registry: Registry, selection: Selection): Map<string, Map<string, Forbidden[]>> {
	const result = new Map<string, Map<string, Forbidden[]>>();
	// each option's check looks only at the rules about its own group: 2,000 options of 200 groups
	// would otherwise walk every rule 2,000 times
	const incoming = rulesAbout(registry);
	for (const group of registry.groups.values()) {
		const perOption = new Map<string, Forbidden[]>();
		for (const option of group.options) {
			const reasons = whyNot(registry, selection, group, option, incoming);
			if (reasons.length > 0) perOption.set(option, reasons);
		}
		if (perOption.size > 0) result.set(group.key, perOption);
	}
	return result;
}

/** Every rule by the group it is about, with the group that states it, in the registry's order. */
type RulesAbout = ReadonlyMap<string, readonly { readonly from: Group; readonly constraint: Constraint }[]>;

function rulesAbout(registry: Registry): RulesAbout {
	const about = new Map<string, { readonly from: Group; readonly constraint: Constraint }[]>();
	for (const from of registry.groups.values()) {
		for (const constraint of from.constraints) {
			const list = about.get(constraint.target.group) ?? [];
			list.push({ from, constraint });
			about.set(constraint.target.group, list);
		}
	}
	return about;
}

/** The rules choosing `option` in `group` would break, each with the line that states it. */
export function whyNot(
	registry: Registry,
	selection: Selection,
	group: Group,
	option: string,
	incoming: RulesAbout = rulesAbout(registry),
): Forbidden[] {
	const current = selection.get(group.key) ?? [];
	const mine = choiceKind(group) === "replace" ? [option] : current.includes(option) ? current : [...current, option];
	// the selection with this choice made
	const chosenIn = (key: string): readonly string[] => (key === group.key ? mine : (selection.get(key) ?? []));
	const reasons: Forbidden[] = [];
	const label = `${group.name}=${packageName(registry, option)}`;
	// its own rules
	for (const constraint of group.constraints) {
		if (constraint.option !== option) continue;
		const target = chosenIn(constraint.target.group);
		const whom = `${groupName(registry, constraint.target.group)}=${packageName(registry, constraint.target.option)}`;
		if (constraint.kind === "requires" && !target.includes(constraint.target.option))
			reasons.push({ reason: `${label} requires ${whom}`, brief: `requires ${whom}`, location: constraint.location });
		if (constraint.kind === "conflicts" && target.includes(constraint.target.option))
			reasons.push({
				reason: `${label} conflicts with ${whom}`,
				brief: `conflicts with ${whom}`,
				location: constraint.location,
			});
	}
	// the rules of what else is chosen, about this choice
	for (const { from, constraint } of incoming.get(group.key) ?? []) {
		if (from.key === group.key && constraint.option === option) continue;
		if (!chosenIn(from.key).includes(constraint.option)) continue;
		const who = `${from.name}=${packageName(registry, constraint.option)}`;
		const targetChosen = mine.includes(constraint.target.option);
		if (constraint.kind === "conflicts" && constraint.target.option === option) {
			const reason = `${who} conflicts with ${label}`;
			reasons.push({ reason, brief: reason, location: constraint.location });
		}
		// a 1-of-N switch away from what another choice requires
		if (constraint.kind === "requires" && !targetChosen && selectionHas(selection, constraint.target)) {
			const reason = `${who} requires ${group.name}=${packageName(registry, constraint.target.option)}`;
			reasons.push({ reason, brief: reason, location: constraint.location });
		}
	}
	if (group.max !== undefined && mine.length > group.max) {
		const reason = `group "${group.name}" allows at most ${group.max} (max: ${group.max})`;
		reasons.push({ reason, brief: reason, location: group.limitsLocation ?? group.location });
	}
	return reasons;
}

function selectionHas(selection: Selection, target: { readonly group: string; readonly option: string }): boolean {
	return (selection.get(target.group) ?? []).includes(target.option);
}

function groupName(registry: Registry, key: string): string {
	return registry.groups.get(key)?.name ?? key;
}

function packageName(registry: Registry, key: string): string {
	return registry.packages.get(key)?.name ?? key;
}
