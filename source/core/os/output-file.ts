import { lstatSync, mkdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { HpmError } from "../base/errors.js";
import { writeFilesChecked } from "./checked-write.js";
import { pathKind } from "./path-kind.js";
import { readRegularFile, UnreadableFile } from "./read-file.js";

/**
 * Writes a file hpm generates for a person (`export -o`, `ci init`) through the checked write:
 * a new file only where nothing appeared meanwhile, an existing one (only with `replace`) only
 * while it holds what was read. Anything but a regular file is never replaced, a symbolic link is
 * never written through (it would replace what it points to: a venv's python, a file elsewhere),
 * and the files in `protect` (the project's own) are never written. Its folder is made.
 */
export type OutputOptions = {
	/** Whether an existing file may be replaced (else `output-exists`, naming `flag`). */
	readonly replace: boolean;
	readonly flag?: string;
	/** Files never written (the project's own). */
	readonly protect?: readonly string[];
	/** An existing file is replaced only when this says it is one hpm wrote (a report): else its error. */
	readonly ours?: { readonly test: (bytes: Buffer) => boolean; readonly refused: () => HpmError };
	/** Folders above the file, from this one down, that must not be links (a fixed path in the project). */
	readonly within?: string;
	/** What the person can do instead, for a hint (default: give -o another path). */
	readonly instead?: string;
};

export function writeOutputFile(file: string, text: string, options: OutputOptions): void {
	try {
		writeOutput(file, text, options);
	} catch (error) {
		if (error instanceof HpmError) throw error;
		// a read-only folder, a name too long, a path through a file, /proc: said, never a stack trace
		const code = (error as NodeJS.ErrnoException).code ?? "an error";
		throw new HpmError("io", `${file} cannot be written (${code}); nothing was written`, {
			hint: options.instead ?? "give -o a file in a folder you can write",
			location: { file },
		});
	}
}

function writeOutput(file: string, text: string, options: OutputOptions): void {
	// a folder of a fixed path (`.github/workflows`) that is a link would take the file elsewhere
	if (options.within !== undefined) {
		const parts = path.relative(options.within, path.dirname(file)).split(path.sep).filter(Boolean);
		for (let at = 1; at <= parts.length; at++) {
			const folder = path.join(options.within, ...parts.slice(0, at));
			if (lstatKind(folder) === "link")
				throw new HpmError("link", `${folder} is a symbolic link; hpm will not write through it; nothing was written`, {
					hint: options.instead ?? "remove the link, then run this again",
					location: { file: folder },
				});
		}
	}
	if (lstatKind(file) === "link")
		throw new HpmError("link", `${file} is a symbolic link; hpm will not write through it; nothing was written`, {
			hint: options.instead ?? "give -o a path that is not a link (or remove the link), then run this again",
			location: { file },
		});
	const real = realOrSelf(file);
	const taken = (options.protect ?? []).find((own) => realOrSelf(own) === real);
	if (taken)
		throw new HpmError("not-a-file", `${file} is the project's own ${path.basename(taken)}; nothing was written`, {
			hint: "write the export to another file (-o requirements.txt)",
			location: { file },
		});
	let before: Buffer | undefined;
	switch (pathKind(file)) {
		case "missing":
			break;
		case "other":
			if (!options.replace)
				throw new HpmError("output-exists", `${file} exists; nothing was written`, {
					hint: `${options.flag ?? "--force"} replaces it`,
					location: { file },
				});
			try {
				before = readRegularFile(file, 16_000_000);
			} catch (error) {
				if (!(error instanceof UnreadableFile)) throw error;
				throw new HpmError("not-a-file", `${file} ${error.message}; nothing was written`, { location: { file } });
			}
			if (options.ours && !options.ours.test(before)) throw options.ours.refused();
			break;
		case "directory":
		case "dangling":
			throw new HpmError("not-a-file", `${file} is not a regular file; hpm will not replace it`, {
				location: { file },
			});
	}
	mkdirSync(path.dirname(file), { recursive: true });
	writeFilesChecked(
		[{ file, expected: before, text }],
		() =>
			new HpmError("output-exists", `${file} changed while hpm wrote it; nothing was written`, { location: { file } }),
	);
}

function lstatKind(file: string): "link" | "other" {
	try {
		return lstatSync(file).isSymbolicLink() ? "link" : "other";
	} catch {
		return "other";
	}
}

/** The path with every link of its folders resolved (a file not there yet: its folder's). */
function realOrSelf(file: string): string {
	try {
		return realpathSync(file);
	} catch {
		try {
			return path.join(realpathSync(path.dirname(file)), path.basename(file));
		} catch {
			return path.resolve(file);
		}
	}
}
