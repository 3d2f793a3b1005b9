import { readRegularFile } from "../os/read-file.js";
import path from "node:path";
import { parse } from "smol-toml";
import { normalizeName } from "../names.js";

/**
 * Package key → version ("" when uv recorded none, as for a dynamic version), from the project's
 * uv.lock; empty when there is none or it is unreadable.
 */
export function lockedPackages(projectRoot: string): Map<string, string> {
	const versions = new Map<string, string>();
	let text: string;
	try {
		text = readRegularFile(path.join(projectRoot, "uv.lock"), 100_000_000).toString("utf8");
	} catch {
		return versions;
	}
	try {
		const lock = parse(text) as { package?: { name?: unknown; version?: unknown }[] };
		for (const entry of lock.package ?? []) {
			if (typeof entry.name === "string")
				versions.set(normalizeName(entry.name), typeof entry.version === "string" ? entry.version : "");
		}
	} catch {
		// A broken lock file is uv's to report; `show` just has no locked version then.
	}
	return versions;
}

/** Package key → locked version, for packages whose version uv recorded. */
export function lockedVersions(projectRoot: string): Map<string, string> {
	return new Map([...lockedPackages(projectRoot)].filter(([, version]) => version !== ""));
}
