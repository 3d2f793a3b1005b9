import type { Problem } from "../base/errors.js";
import type { Constraint, Group } from "./model.js";

/**
 * The rules whose `group=option` names a group or an option that does not exist. A `requires` that
 * can never be met makes its option unusable: a problem at its line, and the group does not load
 * (as any group with a problem). A `conflicts` with nothing can never apply: it is dropped, and
 * `registry lint` warns about it.
 */
export function checkReferences(
	groups: Map<string, Group>,
	rules: readonly { readonly group: string; readonly constraint: Constraint }[],
	/** Every group that has a file, loaded or not, and every package whose manifest is broken. */
	read: ReadonlySet<string>,
	broken: ReadonlySet<string>,
	problems: Problem[],
	lintOnly: Problem[],
): void {
	const bad = new Set<string>();
	const dropped = new Set<Constraint>();
	for (const { group: key, constraint } of rules) {
		const target = groups.get(constraint.target.group);
		if (target && target.options.includes(constraint.target.option)) continue;
		// a broken group or package file is reported in that file; the rule waits for its fix
		if (!target && read.has(constraint.target.group)) continue;
		if (target && broken.has(constraint.target.option)) continue;
		const problem: Problem = {
			code: "unknown-reference",
			message: target
				? `${constraint.kind} "${constraint.text}": group "${target.name}" has no option "${constraint.target.option}"`
				: `${constraint.kind} "${constraint.text}": there is no group "${constraint.target.group}"`,
			location: constraint.location,
		};
		if (constraint.kind === "requires") {
			bad.add(key);
			problems.push(problem);
		} else lintOnly.push({ ...problem, message: `${problem.message}; the rule never applies` });
		dropped.add(constraint);
	}
	for (const [key, group] of groups) {
		if (bad.has(key)) groups.delete(key);
		else if (group.constraints.some((c) => dropped.has(c)))
			groups.set(key, { ...group, constraints: group.constraints.filter((c) => !dropped.has(c)) });
	}
}
