import { readRegularFile } from "../os/read-file.js";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { normalizeName } from "../base/names.js";

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

/** The folder of the project's environment, as uv finds it: UV_PROJECT_ENVIRONMENT or `.venv`. */
export function projectEnvironment(projectRoot: string): string {
	return process.env.UV_PROJECT_ENVIRONMENT
		? path.resolve(projectRoot, process.env.UV_PROJECT_ENVIRONMENT)
		: path.join(projectRoot, ".venv");
}

/**
 * Normalized names of the distributions installed in the project's environment (`.venv`, or
 * UV_PROJECT_ENVIRONMENT), from their `.dist-info` folders; undefined when there is no environment.
 */
export function installedPackages(projectRoot: string): Set<string> | undefined {
	const venv = projectEnvironment(projectRoot);
	const sitePackages: string[] = [];
	try {
		for (const lib of ["lib", "Lib"]) {
			const base = path.join(venv, lib);
			if (!existsSync(base)) continue;
			if (lib === "Lib") sitePackages.push(path.join(base, "site-packages"));
			else for (const python of readdirSync(base)) sitePackages.push(path.join(base, python, "site-packages"));
		}
	} catch {
		return undefined;
	}
	if (sitePackages.length === 0) return undefined;
	const names = new Set<string>();
	for (const folder of sitePackages) {
		let entries: string[];
		try {
			entries = readdirSync(folder);
		} catch {
			continue;
		}
		for (const entry of entries) {
			const match = /^(.+?)-[^-]+\.dist-info$/.exec(entry);
			if (match?.[1]) names.add(normalizeName(match[1]));
		}
	}
	return names;
}
