import { formatProblem, HpmError, type Problem } from "../base/errors.js";
import { brokenFile } from "../registry/broken.js";
import { choiceKind } from "../registry/choice-kind.js";
import { closest, normalizeName } from "../base/names.js";
import type { Project, SelectionEntry } from "../project/project.js";
import type { TomlEdit } from "../project/toml-edit.js";

import type { Group, Registry, Selection } from "../registry/model.js";

/** The project's choice, validated against the registry: group key → selected package keys. */
export type { Selection };

/** Checks `[tool.hpm.groups]` against the registry; returns what is valid plus every problem. */
export function resolveSelection(
	registry: Registry,
	project: Project,
	/** The registry's own problems: a name the selection uses whose file is broken says why. */
	registryProblems: readonly Problem[] = [],
): { selection: Selection; problems: Problem[] } {
	const selection = new Map<string, string[]>();
	const problems: Problem[] = [];
	for (const [groupKey, entry] of project.selection) {
		const group = registry.groups.get(groupKey);
		const brokenGroup = group ? undefined : brokenFile(registry, registryProblems, "groups", entry.rawKey);
		if (brokenGroup) {
			// pointed at the broken line itself: that is what to fix
			problems.push({
				code: brokenGroup.code,
				message: `${brokenGroup.message} (so group "${entry.rawKey}", selected in pyproject.toml, cannot be loaded)`,
				...(brokenGroup.location ? { location: brokenGroup.location } : {}),
			});
			continue;
		}
		if (!group) {
			problems.push({
				code: "unknown-group",
				message: `[tool.hpm.groups] names group "${entry.rawKey}", which the registry does not have${suggest(
					entry.rawKey,
					[...registry.groups.values()].map((g) => g.name),
				)}`,
				location: entry.location,
			});
			continue;
		}
		const values = entryValues(entry);
		if (choiceKind(group) === "replace" && typeof entry.value !== "string") {
			problems.push({
				code: "cardinality",
				groups: [group.name],
				message: `group "${group.name}" is 1-of-N: write one option as a string (${entry.rawKey} = "${values[0] ?? group.options[0] ?? ""}"), not a list`,
				location: entry.location,
			});
			continue;
		}
		const keys: string[] = [];
		for (const value of values) {
			const key = normalizeName(value);
			const brokenOption = group.options.includes(key)
				? undefined
				: brokenFile(registry, registryProblems, "packages", value);
			if (brokenOption) {
				problems.push({
					code: brokenOption.code,
					choices: [`${group.name}=${value}`],
					message: `${brokenOption.message} (so ${group.name}=${value}, selected in pyproject.toml, cannot be loaded)`,
					...(brokenOption.location ? { location: brokenOption.location } : {}),
				});
				continue;
			}
			if (!group.options.includes(key)) {
				problems.push({
					code: "unknown-option",
					groups: [group.name],
					message: `"${value}" is not an option of group "${group.name}"; ${optionsHint(registry, group, registryProblems)}`,
					location: entry.location,
				});
				continue;
			}
			if (!keys.includes(key)) keys.push(key);
		}
		selection.set(groupKey, keys);
	}
	return { selection, problems };
}

/** The option names a `[tool.hpm.groups]` entry holds, whether written as a string or a list. */
export function entryValues(entry: SelectionEntry | undefined): string[] {
	if (entry === undefined) return [];
	return typeof entry.value === "string" ? [entry.value] : [...entry.value];
}

/** The edit of one group's entry in `[tool.hpm.groups]` a choice makes, and what a person is told. */
export type GroupEdit = {
	readonly edit: TomlEdit;
	/** What a person is told, e.g. `inference: switched from a to b`. */
	readonly message: string;
	readonly changed: boolean;
};

/** The group, its current entry in pyproject.toml, the key to write, and the names selected now. */
function target(registry: Registry, project: Project, groupName: string) {
	const group = findGroup(registry, groupName);
	const entry = project.selection.get(group.key);
	const path = ["tool", "hpm", "groups", entry?.rawKey ?? group.name];
	return { group, entry, path, current: entryValues(entry) };
}

/** The edit that records `options` for `groupName`. 1-of-N replaces; M-of-N adds. */
export function addToGroup(
	registry: Registry,
	project: Project,
	groupName: string,
	options: readonly string[],
	/** The registry's problems: an option whose manifest is broken is named with its reason. */
	registryProblems: readonly Problem[] = [],
): GroupEdit {
	const { group, entry, path, current } = target(registry, project, groupName);
	const wanted = options.map((option) => findOption(registry, group, option, registryProblems));
	const currentKeys = current.map(normalizeName);

	if (choiceKind(group) === "replace") {
		if (wanted.length !== 1) {
			throw new HpmError(
				"cardinality",
				`group "${group.name}" is 1-of-N: give exactly one --option (got ${wanted.length})`,
				{
					hint: optionsHint(registry, group, registryProblems, "choose one of"),
				},
			);
		}
		const choice = wanted[0] ?? "";
		const previous = current[0];
		if (
			typeof entry?.value === "string" &&
			previous !== undefined &&
			normalizeName(previous) === normalizeName(choice)
		) {
			return {
				edit: { path, value: previous },
				message: `${group.name}: ${choice} is already selected`,
				changed: false,
			};
		}
		const message =
			previous === undefined
				? `${group.name}: selected ${choice}`
				: `${group.name}: switched from ${previous} to ${choice}`;
		return { edit: { path, value: choice }, message, changed: true };
	}

	const added = wanted.filter(
		(name, index) =>
			!currentKeys.includes(normalizeName(name)) &&
			wanted.findIndex((n) => normalizeName(n) === normalizeName(name)) === index,
	);
	const value = [...current, ...added];
	const changed = added.length > 0 || typeof entry?.value === "string";
	const message =
		added.length > 0
			? `${group.name}: added ${added.join(", ")} (now ${value.join(", ")})`
			: `${group.name}: ${wanted.join(", ")} already selected`;
	return { edit: { path, value }, message, changed };
}

/** The edit that makes an M-of-N group's choice exactly `options` (what the picker confirms). */
export function replaceGroup(
	registry: Registry,
	project: Project,
	groupName: string,
	options: readonly string[],
	/** The registry's problems: an option whose manifest is broken is named with its reason. */
	registryProblems: readonly Problem[] = [],
): GroupEdit {
	const { group, path, current } = target(registry, project, groupName);
	const names = options.map((option) => findOption(registry, group, option, registryProblems));
	const changed = JSON.stringify(current.map(normalizeName)) !== JSON.stringify(names.map(normalizeName));
	const message = names.length
		? `${group.name}: now ${names.join(", ")}`
		: `${group.name}: removed ${current.join(", ")}`;
	return {
		edit: { path, value: names.length ? names : undefined },
		message: changed ? message : `${group.name}: unchanged`,
		changed,
	};
}

/** The edit that drops `option` (or the whole choice, without one) from `groupName`. */
export function removeFromGroup(
	registry: Registry,
	project: Project,
	groupName: string,
	option: string | undefined,
	/** The registry's problems: an option whose manifest is broken is named with its reason. */
	registryProblems: readonly Problem[] = [],
): GroupEdit {
	const { group, entry, path, current } = target(registry, project, groupName);
	if (!entry) {
		if (option !== undefined) findOption(registry, group, option, registryProblems);
		return {
			edit: { path, value: undefined },
			message: `${group.name}: nothing was selected`,
			changed: false,
		};
	}
	if (option === undefined) {
		return {
			edit: { path, value: undefined },
			message: `${group.name}: removed ${current.join(", ") || "the empty choice"}`,
			changed: true,
		};
	}
	const key = normalizeName(findOption(registry, group, option, registryProblems));
	const remaining = current.filter((name) => normalizeName(name) !== key);
	if (remaining.length === current.length) {
		return {
			edit: { path, value: entry.value },
			message: `${group.name}: ${option} was not selected`,
			changed: false,
		};
	}
	const value = choiceKind(group) === "replace" || remaining.length === 0 ? undefined : remaining;
	return { edit: { path, value }, message: `${group.name}: removed ${option}`, changed: true };
}

export function findGroup(registry: Registry, name: string, registryProblems: readonly Problem[] = []): Group {
	const group = registry.groups.get(normalizeName(name));
	if (group) return group;
	const broken = brokenFile(registry, registryProblems, "groups", name);
	if (broken) {
		throw new HpmError(broken.code, `group "${name}" cannot be used: ${broken.message}`, {
			hint: "fix the group's file (`hpm registry lint` lists every problem)",
			...(broken.location ? { location: broken.location } : {}),
		});
	}
	const names = [...registry.groups.values()].map((g) => g.name);
	throw new HpmError("unknown-group", `unknown group "${name}"${suggest(name, names)}`, {
		hint: names.length ? `groups: ${names.join(", ")}` : "the registry has no groups yet",
	});
}

/** The option's name as the registry writes it, or an error listing the valid options. */
function findOption(registry: Registry, group: Group, option: string, problems: readonly Problem[]): string {
	const key = normalizeName(option);
	if (group.options.includes(key)) return registry.packages.get(key)?.name ?? option;
	const names = optionNames(registry, group);
	throw new HpmError(
		"unknown-option",
		`"${option}" is not an option of group "${group.name}"${suggest(option, names)}`,
		{ hint: optionsHint(registry, group, problems) },
	);
}

/**
 * The options to choose from, as a hint: `choose from: a, b`; for a group with none that loads, why
 * (its options' manifests did not load, each with the reason when the problems are at hand; or it
 * has none yet) and how to add one. Never a list with nothing in it.
 */
export function optionsHint(
	registry: Registry,
	group: Group,
	problems: readonly Problem[] = [],
	lead = "choose from",
): string {
	const names = optionNames(registry, group);
	if (names.length > 0) return `${lead}: ${names.join(", ")}`;
	const add = `\`hpm registry add --group ${group.name} ...\` adds one`;
	const unloaded = group.unloaded ?? [];
	if (unloaded.length === 0) return `group "${group.name}" has no options yet: ${add}`;
	const reasons = unloaded.map((name) => {
		const problem = brokenFile(registry, problems, "packages", name);
		return problem ? `${name} (${formatProblem(problem)})` : name;
	});
	const which = unloaded.length === 1 ? "the manifest of its option" : "the manifests of its options";
	return `group "${group.name}" has no option that loads: ${which} ${reasons.join(", ")} could not be loaded; fix it (\`hpm registry lint\` lists every problem), or ${add}`;
}

export function optionNames(registry: Registry, group: Group): string[] {
	return group.options.map((key) => registry.packages.get(key)?.name ?? key);
}

function suggest(name: string, candidates: readonly string[]): string {
	const match = closest(name, candidates);
	return match ? ` (did you mean "${match}"?)` : "";
}
