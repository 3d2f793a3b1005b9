import { readdirSync, unlinkSync } from "node:fs";
import path from "node:path";
import { HpmError } from "../base/errors.js";
import { identify } from "../os/process.js";
import { hashOf, projectFiles } from "./files.js";
import { keepAsBefore } from "./journal.js";

/*
 * What a killed hpm leaves beside the files it changes: its staged temporaries and backups,
 * cleared (or kept, when they may be the only copy) once the project lock is held.
 */

// what stageFile names its files: `.pyproject.toml.hpm-<pid>-<id>.before` (or `.tmp`)
const STAGED = /^\.[^/]+\.hpm-(\d+)-[0-9a-f]{8}\.(before|tmp)$/;

/**
 * Staged files of an hpm that died before its journal named them (or before its rename): once the
 * lock is held and any journal finished, no live change owns them, and that hpm changed nothing.
 * With `keepBackups` (a journal was found but could not be used, so its change may have happened),
 * a backup is removed only when the file holds the same bytes again, and otherwise kept as a
 * visible `<file>.hpm-before` (returned): it may be the only copy of what a person had.
 */
export function removeLeftovers(root: string, keepBackups = false): { copy: string; target: string }[] {
	let folders: string[];
	try {
		const files = projectFiles(root);
		folders = [...new Set([root, path.dirname(files.pyproject.target), path.dirname(files.lock.target)])];
	} catch {
		return []; // an odd pyproject.toml is reported by whatever reads it next
	}
	return removeStaged(folders, keepBackups);
}

/** The staged files in `folders` whose hpm is no longer running: removed, or kept when they hold what nothing else does. */
export function removeStaged(folders: readonly string[], keepBackups = false): { copy: string; target: string }[] {
	const kept: { copy: string; target: string }[] = [];
	for (const folder of folders) {
		let names: string[];
		try {
			names = readdirSync(folder);
		} catch {
			continue;
		}
		for (const name of names) {
			const match = STAGED.exec(name);
			if (!match || Number(match[1]) === process.pid) continue;
			if (identify(Number(match[1])) !== undefined) continue; // a live hpm (writing a cache, say)
			const file = path.join(folder, name);
			try {
				if (keepBackups && match[2] === "before") {
					const target = path.join(folder, name.slice(1, name.indexOf(".hpm-")));
					if (hashOf(file) !== hashOf(target)) {
						kept.push({ copy: keepAsBefore(file, target), target });
						continue;
					}
				}
				unlinkSync(file);
			} catch {
				// gone already
			}
		}
	}
	return kept;
}

/** The error for backups a dead hpm left that no journal accounts for: kept, named, nothing changed. */
export function leftoverBackups(kept: readonly { copy: string; target: string }[]): HpmError {
	return new HpmError(
		"recovery-conflict",
		"an earlier hpm was stopped before it finished a change, and no journal of it could be used; hpm restored nothing, so no edit is lost",
		{
			exitCode: 1,
			hint: `${kept.map((k) => `${path.basename(k.copy)} holds ${path.basename(k.target)} from before that change`).join("; ")}. Compare and keep what you want, delete the copies, then run the command again`,
		},
	);
}
