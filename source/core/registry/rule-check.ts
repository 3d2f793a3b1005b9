import { constraintProblems } from "./constraints.js";
import type { Location, Problem } from "../base/errors.js";
import type { Group, Registry } from "./model.js";

type GroupOption = { readonly group: string; readonly option: string };
const key = (c: GroupOption) => `${c.group}=${c.option}`;

/**
 * What the rules make impossible, found by `registry lint`: an option that can never be chosen
 * (it requires, directly or through what it requires, two options of one 1-of-N group, or
 * something it conflicts with), and defaults that together break a rule.
 */
export function ruleProblems(registry: Registry): Problem[] {
	const problems: Problem[] = [];
	const name = (c: GroupOption) =>
		`${registry.groups.get(c.group)?.name ?? c.group}=${registry.packages.get(c.option)?.name ?? c.option}`;
	for (const group of registry.groups.values()) {
		for (const option of group.options) {
			const reason = impossible(registry, { group: group.key, option }, name);
			if (reason)
				problems.push({
					code: "unsatisfiable",
					message: `${name({ group: group.key, option })} can never be chosen: ${reason}`,
					location: firstRule(group, option) ?? group.location,
				});
		}
	}
	for (const problem of defaultsProblems(registry))
		problems.push({
			...problem,
			code: "defaults-break-rule",
			message: `the registry's defaults break a rule: ${problem.message}`,
		});
	return problems;
}

/**
 * The rules the registry's defaults break when all are chosen at once (what `hpm init` records);
 * a group without a default is not the defaults' fault.
 */
export function defaultsProblems(registry: Registry): Problem[] {
	const defaults = new Map(
		[...registry.groups.values()].filter((g) => g.defaults.length > 0).map((g) => [g.key, g.defaults] as const),
	);
	return constraintProblems(registry, defaults).filter(
		(problem) => problem.code !== "required-choice" && (problem.code !== "too-few" || defaultsOf(problem, registry)),
	);
}

/** Whether a too-few problem is about a group that declares defaults (a group without any is not the defaults' fault). */
function defaultsOf(problem: Problem, registry: Registry): boolean {
	return [...registry.groups.values()].some((g) => g.defaults.length > 0 && problem.groups?.includes(g.name) === true);
}

/** Why choosing `start` can never keep the rules, or undefined when it can. */
function impossible(registry: Registry, start: GroupOption, name: (c: GroupOption) => string): string | undefined {
	// everything it requires, directly or not
	const forced = new Map<string, GroupOption>([[key(start), start]]);
	const queue = [start];
	for (let index = 0; index < queue.length; index++) {
		const current = queue[index];
		if (!current) continue;
		for (const rule of registry.groups.get(current.group)?.constraints ?? []) {
			if (rule.option !== current.option || rule.kind !== "requires") continue;
			if (forced.has(key(rule.target))) continue;
			forced.set(key(rule.target), rule.target);
			queue.push(rule.target);
		}
	}
	const all = [...forced.values()];
	for (const a of all) {
		const group = registry.groups.get(a.group);
		if (group?.strategy !== "1-of-N") continue;
		const other = all.find((b) => b.group === a.group && b.option !== a.option);
		if (other) return `it needs both ${name(a)} and ${name(other)}, and ${group.name} is 1-of-N`;
	}
	for (const a of all)
		for (const rule of registry.groups.get(a.group)?.constraints ?? []) {
			if (rule.option !== a.option || rule.kind !== "conflicts") continue;
			if (forced.has(key(rule.target)))
				return key(a) === key(rule.target)
					? `it conflicts with itself`
					: `it needs ${name(rule.target)}, which ${name(a)} conflicts with`;
		}
	return undefined;
}

function firstRule(group: Group, option: string): Location | undefined {
	return group.constraints.find((c) => c.option === option)?.location;
}
