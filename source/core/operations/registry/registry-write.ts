import { mkdirSync } from "node:fs";
import path from "node:path";
import { HpmError } from "../../base/errors.js";
import { writeFilesChecked } from "../../os/checked-write.js";
import {
	type Context,
	type LoadedRegistry,
	loadContextRegistry,
	type Locator,
	locateRoot,
	resolveContext,
} from "../../plan/context.js";
import { type LockHooks, underProjectLockIfAny, underRegistryLock } from "../../project/lock.js";
import { loadRegistryParts, refuseUnloadable } from "../../registry/load.js";
import { guardRegistryWrite, requireRegistryFolder } from "./write-guard.js";

/** A registry file edited by someone else between hpm reading it and writing it. */
export const registryChanged = (file: string): HpmError =>
	new HpmError("registry-changed", `${file} changed while hpm was working; nothing was written`, {
		hint: "run the command again",
		location: { file },
	});

/** The registry a write is planned against, read under its lock. */
export type RegistryTarget = {
	readonly context: Context;
	/** The folder written to: the first folder layer. */
	readonly root: string;
	/** That folder's files as they are now. */
	readonly loaded: ReturnType<typeof loadRegistryParts>;
	/** With more than one layer, all of them: what is written must load among them (a group may offer another layer's package). */
	readonly layered: LoadedRegistry | undefined;
};

/** One file of a planned write. */
export type PlannedFile = {
	readonly file: string;
	readonly text: string;
	/** What it held when read: it is replaced only while it still holds that; undefined for a new file. */
	readonly expected: string | undefined;
	/**
	 * What may already be at `file` (guardRegistryWrite), and what a link there would have made
	 * hpm replace, for the message; undefined when the file already says `text` and is not written.
	 */
	readonly guard:
		{ readonly existing: "must-not-exist" | "may-exist" | "may-be-linked"; readonly replacing: string } | undefined;
};

/** What a write does: its files in the order they are written, and what the command reports. */
export type RegistryEdit<T> = {
	readonly files: readonly PlannedFile[];
	readonly result: T;
	/** The hint for a planned file that would not load. */
	readonly hint?: (file: string) => string;
};

/**
 * The one way hpm writes to a registry. Under the project lock (when there is a project) and the
 * registry's own lock, it re-reads the registry and plans the write against what it holds now;
 * refuses a file the loader would then reject (read among every layer), a write through a link or
 * outside the registry; and writes every file checked against what was read (a file someone else
 * edited meanwhile is left as they made it, and nothing is written). The locks go however it ends.
 */
export async function writeRegistry<T>(
	locator: Locator,
	cwd: string,
	command: string,
	hooks: LockHooks,
	plan: (target: RegistryTarget) => RegistryEdit<T>,
): Promise<T> {
	return underProjectLockIfAny(locateRoot(locator, cwd), command, hooks, async () => {
		const context = resolveContext(locator, cwd);
		const root = requireRegistryFolder(context);
		const layered = context.layers.length > 1 ? await loadContextRegistry(context) : undefined;
		return underRegistryLock(root, command, hooks, () => {
			const edit = plan({ context, root, loaded: loadRegistryParts(root), layered });
			commit(root, layered, edit);
			return edit.result;
		});
	});
}

function commit(root: string, layered: LoadedRegistry | undefined, edit: RegistryEdit<unknown>): void {
	if (edit.files.length === 0) return;
	refuseUnloadable(layered?.roots ?? root, new Map(edit.files.map(({ file, text }) => [file, text])), edit.hint);
	const writes = edit.files.filter((planned) => planned.guard !== undefined);
	for (const { file, guard } of writes) if (guard) guardRegistryWrite(root, file, guard.existing, guard.replacing);
	for (const { file } of writes) mkdirSync(path.dirname(file), { recursive: true });
	writeFilesChecked(writes, registryChanged);
}
