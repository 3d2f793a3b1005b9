import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { normalizeName } from "../names.js";
import type { Project } from "./project.js";

/** Normalized names in `[project.dependencies]`. */
export function dependencyNames(project: Project): Set<string> {
	const table = project.data.project;
	const list =
		typeof table === "object" && table !== null ? (table as Record<string, unknown>).dependencies : undefined;
	const names = new Set<string>();
	if (!Array.isArray(list)) return names;
	for (const requirement of list) {
		if (typeof requirement !== "string") continue;
		const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement);
		if (match?.[1]) names.add(normalizeName(match[1]));
	}
	return names;
}

/** Package key → version, from the project's uv.lock (empty when there is none or it is unreadable). */
export function lockedVersions(projectRoot: string): Map<string, string> {
	const versions = new Map<string, string>();
	let text: string;
	try {
		text = readFileSync(path.join(projectRoot, "uv.lock"), "utf8");
	} catch {
		return versions;
	}
	try {
		const lock = parse(text) as { package?: { name?: unknown; version?: unknown }[] };
		for (const entry of lock.package ?? []) {
			if (typeof entry.name === "string" && typeof entry.version === "string")
				versions.set(normalizeName(entry.name), entry.version);
		}
	} catch {
		// A broken lock file is uv's to report; `show` just has no locked version then.
	}
	return versions;
}
