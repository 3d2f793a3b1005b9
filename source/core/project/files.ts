import { readFileSync, type Stats } from "node:fs";
import path from "node:path";
import { isCode } from "../errors.js";
import { sha256, writeTarget } from "../fs-atomic.js";

/** pyproject.toml and uv.lock as hpm and uv write them: through symlinks, to their real files. */
export type ProjectFiles = {
	readonly pyproject: { readonly target: string; readonly stats: Stats | undefined };
	readonly lock: { readonly target: string; readonly stats: Stats | undefined };
};

export function projectFiles(root: string): ProjectFiles {
	const target = (file: string) => {
		const found = writeTarget(path.join(root, file));
		return { target: found.path, stats: found.stats };
	};
	return { pyproject: target("pyproject.toml"), lock: target("uv.lock") };
}

/** sha256 of a file's bytes, or null when it does not exist. */
export function hashOf(file: string): string | null {
	try {
		return sha256(readFileSync(file));
	} catch (error) {
		if (isCode(error, "ENOENT")) return null;
		throw error;
	}
}
