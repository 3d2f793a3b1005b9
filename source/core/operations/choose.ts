import { type Locator, requireProject, requireRoot, resolveContext } from "../plan/context.js";
import { openSelection } from "../plan/open-selection.js";
import { HpmError, type Problem, problemToError } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import { findWorkspace, virtualRootProblem } from "../project/workspace.js";
import { componentFolders } from "../registry/local-paths.js";
import { type LockHooks, underProjectLock } from "../project/lock.js";
import type { Project } from "../project/project.js";
import { writeProjectEdits, writeProjectText } from "../project/write.js";
import { type FileIdentity, isSameFile } from "../os/fs-atomic.js";
import type { Group, Registry } from "../registry/model.js";
import { choiceKind } from "../registry/choice-kind.js";
import { chooseOnMachine } from "./choose-machine.js";
import { constraintProblems } from "../registry/constraints.js";
import type { OptionsQuestion } from "../plan/ports.js";
import {
	addToGroup,
	entryValues,
	findGroup,
	optionsHint,
	removeFromGroup,
	replaceGroup,
	type Selection,
	type GroupEdit,
} from "../plan/selection.js";

/**
 * A change to one group's choice in `[tool.hpm.groups]`: `add` selects (1-of-N replaces the old
 * choice), `replace` makes an M-of-N choice exactly these options, `remove` drops one option or the
 * whole choice, `toggle` flips one M-of-N option. A `replace` that a person made while looking at
 * the choice `seen` applies only their own changes to it (what they ticked and unticked), so an
 * option someone else added meanwhile is kept.
 */
export type ChoiceChange =
	| { readonly kind: "add"; readonly group: string; readonly options: readonly string[] }
	| {
			readonly kind: "replace";
			readonly group: string;
			readonly options: readonly string[];
			readonly seen?: readonly string[] | undefined;
	  }
	| { readonly kind: "remove"; readonly group: string; readonly option?: string | undefined }
	| { readonly kind: "toggle"; readonly group: string; readonly option: string };

export type ChoiceResult = {
	readonly group: string;
	/** The group's choice after the change, as written. */
	readonly selected: readonly string[];
	readonly changed: boolean;
	/** What a person is told, e.g. `inference: switched from a to b`. */
	readonly message: string;
	readonly project: string;
	/** The file's text before and after the change, to undo it exactly (`undoChange`). */
	readonly undo?: ProjectChange;
	/** Rules of the registry the new choice breaks (hpm check fails on them until they are fixed). */
	readonly breaks: readonly string[];
};

/**
 * A change hpm made to pyproject.toml: its text before and after, the file it wrote, and the line
 * its history entry says (an undo is recorded as `undo: ` and that line).
 */
export type ProjectChange = {
	readonly before: string;
	readonly after: string;
	readonly written: FileIdentity;
	readonly summary: string;
};

/**
 * Undoes a change `choose` or `setMode` made, byte for byte, under the project lock; only when
 * pyproject.toml still holds exactly what that change wrote (an edit made since is never
 * overwritten). The undo is a change like any other: it is an entry of the history.
 */
export async function undoChange(
	locator: Locator,
	cwd: string,
	change: ProjectChange,
	hooks: LockHooks = {},
): Promise<FileIdentity> {
	const root = requireRoot(locator, cwd);
	return underProjectLock(root, "undo", hooks, async () => {
		const project = requireProject(resolveContext(locator, cwd));
		// the same bytes in another file (a link put in its place) are not the change hpm made
		if (project.text !== change.after || !isSameFile(project.file, change.written)) {
			throw new HpmError("changed-since", "changed since (by a sync or an edit); nothing was undone", {
				hint: "edit it yourself, or make the choice again",
				location: { file: project.file },
			});
		}
		return writeProjectText(project, change.before, { command: "undo", summary: `undo: ${change.summary}` });
	});
}

/**
 * Records one choice, the one way both the CLI and the UI do it: under the project lock, reading
 * pyproject.toml and the registry inside it, so a concurrent edit is never lost.
 */
export async function choose(
	locator: Locator,
	cwd: string,
	choice: ChoiceChange,
	hooks: LockHooks = {},
): Promise<ChoiceResult> {
	const root = requireRoot(locator, cwd);
	const command = choice.kind === "remove" ? "group remove" : "group add";
	return underProjectLock(root, command, hooks, async () => {
		const opened = await openSelection({ locator, cwd });
		const { project, registry, registryProblems: problems } = opened;
		const found = findGroup(registry, choice.group, problems); // a group whose file is broken says why
		if (found.machine)
			return chooseOnMachine(
				project,
				registry,
				found,
				choice.kind === "remove" ? undefined : choice.kind === "toggle" ? [choice.option] : choice.options,
			);
		// a virtual workspace root has no dependencies: a choice made there could never be synced
		// (dropping one is always allowed)
		if (choice.kind !== "remove") {
			const virtual = virtualRootProblem(
				project.root,
				project.file,
				findWorkspace(project.root),
				componentFolders(registry),
			);
			if (virtual) throw problemToError(virtual);
		}
		const edit = groupEdit(choice, registry, project, problems);
		// the history entry first: a choice that `hpm rollback` could not undo is not made
		const { text: after, written } = edit.changed
			? await writeProjectEdits(project, [edit.edit], { command, summary: `${command}: ${edit.message}` })
			: { text: project.text, written: undefined };
		const summary = `${command}: ${edit.message}`;
		const value = edit.edit.value;
		// a choice the registry's rules forbid is written (the file is the person's), and said
		const selected = typeof value === "string" ? [value] : Array.isArray(value) ? value.map(String) : [];
		const current = opened.selection;
		const next = new Map<string, readonly string[]>(current);
		const groupKey = findGroup(registry, choice.group, problems).key;
		if (selected.length > 0) next.set(groupKey, selected.map(normalizeName));
		else next.delete(groupKey);
		const before = new Set(constraintProblems(registry, current).map((p) => p.message));
		const breaks = edit.changed
			? constraintProblems(registry, next)
					.map((p) => p.message)
					.filter((m) => !before.has(m))
			: [];
		return {
			group: choice.group,
			selected,
			changed: edit.changed,
			message: edit.message,
			breaks,
			project: project.file,
			...(written === undefined ? {} : { undo: { before: project.text, after, written, summary } }),
		};
	});
}

function groupEdit(
	choice: ChoiceChange,
	registry: Registry,
	project: Project,
	problems: readonly Problem[],
): GroupEdit {
	switch (choice.kind) {
		case "add":
			return addToGroup(registry, project, choice.group, choice.options, problems);
		case "replace": {
			if (choice.seen === undefined) return replaceGroup(registry, project, choice.group, choice.options, problems);
			const key = (names: readonly string[]) => new Set(names.map(normalizeName));
			const seen = key(choice.seen);
			const picked = key(choice.options);
			const current = entryValues(project.selection.get(findGroup(registry, choice.group).key));
			const kept = current.filter((name) => !seen.has(normalizeName(name)) || picked.has(normalizeName(name)));
			const added = choice.options.filter(
				(name) => !seen.has(normalizeName(name)) && !key(kept).has(normalizeName(name)),
			);
			return replaceGroup(registry, project, choice.group, [...kept, ...added], problems);
		}
		case "remove":
			return removeFromGroup(registry, project, choice.group, choice.option, problems);
		case "toggle": {
			const key = normalizeName(choice.option);
			const current = entryValues(project.selection.get(findGroup(registry, choice.group).key));
			return current.some((value) => normalizeName(value) === key)
				? removeFromGroup(registry, project, choice.group, choice.option, problems)
				: addToGroup(registry, project, choice.group, [choice.option], problems);
		}
	}
	const exhaustive: never = choice;
	return exhaustive;
}

/** What a person needs to choose in one group: its options, described, and the current choice. */
export async function optionsQuestion(locator: Locator, cwd: string, groupName: string): Promise<OptionsQuestion> {
	const { project, registry, registryProblems: problems, selection } = await openSelection({ locator, cwd });
	const group = findGroup(registry, groupName, problems);
	return {
		group: group.name,
		strategy: group.strategy,
		options: group.options.map((key) => ({
			name: registry.packages.get(key)?.name ?? key,
			description: registry.packages.get(key)?.description ?? "",
		})),
		selected: entryValues(project.selection.get(group.key)),
		defaults: group.defaults.map((key) => registry.packages.get(key)?.name ?? key),
		defaultsBreak: defaultsBreak(registry, selection, group),
		optionsHint: optionsHint(registry, group, problems, "options"),
		...(group.machine && group.auto ? { auto: true } : {}),
	};
}

/** The first rule choosing the group's default would break with the rest of the choice, if any. */
function defaultsBreak(registry: Registry, selection: Selection, group: Group): string | undefined {
	if (group.defaults.length === 0) return undefined;
	const current = selection.get(group.key) ?? [];
	const next = new Map<string, readonly string[]>(selection);
	next.set(group.key, choiceKind(group) === "replace" ? group.defaults : [...new Set([...current, ...group.defaults])]);
	const before = new Set(constraintProblems(registry, selection).map((p) => p.message));
	return constraintProblems(registry, next).find((p) => !before.has(p.message))?.message;
}
