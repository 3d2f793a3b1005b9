import { readFileSync, statSync } from "node:fs";
import { HpmError } from "../errors.js";
import { type FileIdentity, writeFileAtomic } from "../fs-atomic.js";
import type { Project } from "./project.js";
import { editToml, type TomlEdit } from "./toml-edit.js";

/**
 * Applies `edits` to the project's pyproject.toml, format-preserving and atomically. Refuses
 * when the file changed on disk since hpm read it, so a concurrent edit is never overwritten.
 */
export async function writeProjectEdits(project: Project, edits: readonly TomlEdit[]): Promise<ProjectWrite> {
	const next = await editToml(project.text, edits, project.file);
	if (next === project.text) return { text: next, written: undefined };
	return { text: next, written: replaceProjectText(project, next) };
}

/** The file's new text, and the file hpm wrote (undefined: nothing needed writing). */
export type ProjectWrite = { readonly text: string; readonly written: FileIdentity | undefined };

/**
 * Writes `next` as the project's pyproject.toml, atomically, only while the file still holds the
 * text hpm read (`project.text`), and never over the user's chmod.
 */
export function replaceProjectText(project: Project, next: string): FileIdentity {
	assertWritable(project.file);
	const current = readFileSync(project.file, "utf8");
	if (current !== project.text) {
		throw new HpmError("project-changed", `${project.file} changed while hpm was working; nothing was written`, {
			hint: "run the command again",
			location: { file: project.file },
		});
	}
	try {
		return writeFileAtomic(project.file, next);
	} catch (error) {
		if (error instanceof HpmError) throw error; // a hard link, a special file: its own message and fix
		throw new HpmError("project-unwritable", `cannot write ${project.file}: ${(error as Error).message}`, {
			hint: "check the folder's permissions; the file was not changed",
			location: { file: project.file },
		});
	}
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
