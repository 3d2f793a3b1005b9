import path from "node:path";
import type { Source } from "./model.js";

/** A source as data for `--json`: the path as written and resolved, the git ref under its kind. */
export function sourceJson(source: Source): Record<string, unknown> {
	switch (source.type) {
		case "index":
			return { type: "index", requirement: source.requirement, ...(source.index ? { index: source.index } : {}) };
		case "local":
			return {
				type: "local",
				path: source.rawPath,
				resolved: source.path,
				editable: source.editable,
			};
		case "git":
			return {
				type: "git",
				url: source.url,
				...(source.ref ? { [source.ref.kind]: source.ref.value } : {}),
				...(source.subdirectory ? { subdirectory: source.subdirectory } : {}),
			};
	}
}

/** A source in one line: `local ../pkg (editable)`, `git https://… tag v1`, `index internal x>=1`. */
export function describeSource(source: Source): string {
	switch (source.type) {
		case "local":
			return `local ${source.rawPath}${source.editable ? " (editable)" : ""}`;
		case "index":
			return `index ${source.index ?? "(default)"} ${source.requirement.trim()}`;
		case "git": {
			const ref = source.ref ? ` ${source.ref.kind} ${source.ref.value}` : "";
			return `git ${source.url}${ref}${source.subdirectory ? ` subdirectory ${source.subdirectory}` : ""}`;
		}
	}
}

/** The same, with a local path relative to the project's folder (as uv records it), not the manifest's. */
export function describeSourceIn(source: Source, root: string): string {
	return describeSource(relativeTo(source, root));
}

function relativeTo(source: Source, root: string): Source {
	switch (source.type) {
		case "local":
			return { ...source, rawPath: path.relative(root, source.path).split(path.sep).join("/") || "." };
		case "git":
		case "index":
			return source;
	}
}
