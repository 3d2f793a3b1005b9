import { lstatSync, statSync } from "node:fs";

/**
 * What is at `target`, links followed: a folder, nothing, a link to nothing (`dangling`: anything
 * created at that path would land where the link points), or something else (a file, a device).
 */
export function pathKind(target: string): "directory" | "missing" | "dangling" | "other" {
	try {
		return statSync(target).isDirectory() ? "directory" : "other";
	} catch {
		try {
			return lstatSync(target).isSymbolicLink() ? "dangling" : "missing";
		} catch {
			return "missing";
		}
	}
}
