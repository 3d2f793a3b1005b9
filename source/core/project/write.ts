import { statSync } from "node:fs";
import { writeChecked } from "../os/checked-write.js";
import { HpmError } from "../base/errors.js";
import type { FileIdentity } from "../os/fs-atomic.js";
import { readRegularFile } from "../os/read-file.js";
import { MAX_FILE_BYTES } from "./files.js";
import { forgetHistory, pruneHistory, recordEditFirst } from "./history.js";
import type { Project } from "./project.js";
import { editToml, type TomlEdit } from "./toml-edit.js";

/** The history line of an edit: the command and what it did (`group add: inference: a -> b`). */
export type EditRecord = { readonly command: string; readonly summary: string };

/**
 * Applies `edits` to the project's pyproject.toml, format-preserving and atomically. Refuses
 * when the file changed on disk since hpm read it, so a concurrent edit is never overwritten.
 * With `history`, the file as it was is recorded in the project's history first: when that
 * cannot be written, nothing is changed (an error says why).
 */
export async function writeProjectEdits(
	project: Project,
	edits: readonly TomlEdit[],
	history?: EditRecord,
): Promise<ProjectWrite> {
	const next = await editToml(project.text, edits, project.file);
	if (next === project.text) return { text: next, written: undefined };
	return { text: next, written: writeProjectText(project, next, history) };
}

/**
 * Writes `next` as the project's pyproject.toml through the checked write; with `history`, the
 * file as it was is recorded first, and nothing is changed when that cannot be written.
 */
export function writeProjectText(project: Project, next: string, history?: EditRecord): FileIdentity {
	if (history === undefined) return replaceProjectText(project, next);
	assertWritable(project.file); // refused before an entry is written for a change that cannot be made
	// the bytes the entry brings back are the ones the checked write then finds in the file
	const before = readRegularFile(project.file, MAX_FILE_BYTES);
	if (before.toString("utf8") !== project.text) throw projectChanged(project.file);
	const id = recordEditFirst(project.root, history.command, history.summary, before);
	let written: FileIdentity;
	try {
		written = replaceProjectText(project, next);
	} catch (error) {
		// nothing was written, so the entry describes no change; an edit kept aside is one
		if (!(error instanceof HpmError && error.code === "edit-kept")) forgetHistory(project.root, id);
		throw error;
	}
	pruneHistory(project.root, id);
	return written;
}

/** The file's new text, and the file hpm wrote (undefined: nothing needed writing). */
export type ProjectWrite = { readonly text: string; readonly written: FileIdentity | undefined };

/**
 * Writes `next` as the project's pyproject.toml, atomically, only while the file still holds the
 * text hpm read (`project.text`), and never over the user's chmod. An edit saved while it writes
 * is kept in a copy the error names (checked-write.ts).
 */
export function replaceProjectText(project: Project, next: string): FileIdentity {
	assertWritable(project.file);
	try {
		return writeChecked(project.file, project.text, next, () => projectChanged(project.file));
	} catch (error) {
		if (error instanceof HpmError) throw error; // a hard link, a special file: its own message and fix
		throw new HpmError("project-unwritable", `cannot write ${project.file}: ${(error as Error).message}`, {
			hint: "check the folder's permissions; the file was not changed",
			location: { file: project.file },
		});
	}
}

function projectChanged(file: string): HpmError {
	return new HpmError("project-changed", `${file} changed while hpm was working; nothing was written`, {
		hint: "run the command again",
		location: { file },
	});
}

/** An atomic rename (ours or uv's) would replace even a read-only file; respect the user's chmod instead. */
export function assertWritable(file: string): void {
	if ((statSync(file).mode & 0o222) === 0) {
		throw new HpmError("project-read-only", "the file is read-only; nothing was written", {
			hint: `make it writable (chmod u+w ${file}) and run the command again`,
			location: { file },
		});
	}
}
