import { MAX_FILE_BYTES } from "../project/files.js";
import { recordEdit } from "../project/history.js";
import { readRegularFile } from "../os/read-file.js";
import { type Locator, loadContextRegistry, requireProject, requireRoot, resolveContext } from "../context.js";
import { HpmError } from "../errors.js";
import { closest, MODE_PATTERN } from "../names.js";
import { type LockHooks, underProjectLock } from "../project/lock.js";
import { writeProjectEdits } from "../project/write.js";
import { resolveSelection } from "../selection.js";
import type { ProjectChange } from "./choose.js";
import { offeredModes } from "./prepare.js";

export type ModeState = {
	/** The project's mode: `[tool.hpm] mode`, else prod. */
	readonly mode: string;
	/** The modes the selected packages offer. */
	readonly offered: readonly string[];
	readonly changed: boolean;
	readonly message: string;
	/** pyproject.toml before and after, when it was written (`undoChange` reverses it). */
	readonly undo?: ProjectChange;
};

/** The project's mode and the modes its selection offers. */
export async function readMode(locator: Locator, cwd: string): Promise<ModeState> {
	const context = resolveContext(locator, cwd);
	const project = requireProject(context);
	const { registry } = await loadContextRegistry(context);
	const offered = offeredModes(registry, resolveSelection(registry, project).selection);
	return { mode: project.mode, offered, changed: false, message: `mode ${project.mode}` };
}

/**
 * Records `[tool.hpm] mode` (format-preserving, under the project lock). A mode the selected
 * packages do not offer is refused with the list of those they do. `hpm sync` then applies it.
 */
export async function setMode(locator: Locator, cwd: string, mode: string, hooks: LockHooks = {}): Promise<ModeState> {
	if (!MODE_PATTERN.test(mode))
		throw new HpmError("invalid-argument", `a mode is a lower-case name such as prod or dev, got "${mode}"`);
	return underProjectLock(requireRoot(locator, cwd), "mode", hooks, async () => {
		const context = resolveContext(locator, cwd);
		const project = requireProject(context);
		const { registry } = await loadContextRegistry(context);
		const offered = offeredModes(registry, resolveSelection(registry, project).selection);
		if (offered.length > 0 && !offered.includes(mode)) {
			const guess = closest(mode, offered);
			throw new HpmError("unknown-mode", `mode "${mode}" is not a mode of the selected packages`, {
				hint: `${guess ? `did you mean "${guess}"? ` : ""}they offer: ${offered.join(", ")}`,
			});
		}
		const changed = project.mode !== mode || !/^\s*mode\s*=/m.test(project.text);
		const before = changed ? readRegularFile(project.file, MAX_FILE_BYTES) : undefined;
		const { text: after, written } = changed
			? await writeProjectEdits(project, [{ path: ["tool", "hpm", "mode"], value: mode }])
			: { text: project.text, written: undefined };
		const summary = `mode: ${project.mode} -> ${mode}`;
		if (before) recordEdit(project.root, "mode", summary, before);
		const message =
			project.mode === mode ? `mode ${mode} (unchanged)` : `mode: switched from ${project.mode} to ${mode}`;
		return {
			mode,
			offered,
			changed: project.mode !== mode,
			message,
			...(written === undefined ? {} : { undo: { before: project.text, after, written, summary } }),
		};
	});
}
