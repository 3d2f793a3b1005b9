import { mkdirSync } from "node:fs";
import path from "node:path";
import { HpmError } from "../base/errors.js";
import { writeFilesChecked } from "./checked-write.js";
import { pathKind } from "./path-kind.js";
import { readRegularFile, UnreadableFile } from "./read-file.js";

/**
 * Writes a file hpm generates for a person (`export -o`, `ci init`) through the checked write:
 * a new file only where nothing appeared meanwhile, an existing one (only with `replace`) only
 * while it holds what was read. Anything but a regular file is never replaced. Its folder is made.
 */
export function writeOutputFile(
	file: string,
	text: string,
	options: { readonly replace: boolean; readonly flag?: string },
): void {
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
