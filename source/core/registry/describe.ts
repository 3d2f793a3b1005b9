import path from "node:path";
import type { Source } from "./model.js";

/** A source as data for `--json`: the path as written and resolved, the git ref under its kind. */
export function sourceJson(source: Source): Record<string, unknown> {
	if (source.type === "index")
		return { type: "index", requirement: source.requirement, ...(source.index ? { index: source.index } : {}) };
	if (source.type === "local")
		return {
			type: "local",
			path: source.rawPath,
			resolved: source.path,
			editable: source.editable,
		};
	return {
		type: "git",
		url: source.url,
		...(source.ref ? { [source.ref.kind]: source.ref.value } : {}),
		...(source.subdirectory ? { subdirectory: source.subdirectory } : {}),
	};
}

/** A source in one line: `local ../pkg (editable)`, `git https://… tag v1`, `index internal x>=1`. */
export function describeSource(source: Source): string {
	if (source.type === "local") return `local ${source.rawPath}${source.editable ? " (editable)" : ""}`;
	if (source.type === "index") return `index ${source.index ?? "(default)"} ${source.requirement.trim()}`;
	const ref = source.ref ? ` ${source.ref.kind} ${source.ref.value}` : "";
	return `git ${source.url}${ref}${source.subdirectory ? ` subdirectory ${source.subdirectory}` : ""}`;
}

/** The same, with a local path relative to the project's folder (as uv records it), not the manifest's. */
export function describeSourceIn(source: Source, root: string): string {
	return describeSource(
		source.type === "local"
			? { ...source, rawPath: path.relative(root, source.path).split(path.sep).join("/") || "." }
			: source,
	);
}
