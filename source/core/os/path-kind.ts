import { statSync } from "node:fs";

/** What is at `target`, links followed: a folder, nothing, or something else (a file, a device). */
export function pathKind(target: string): "directory" | "missing" | "other" {
	try {
		return statSync(target).isDirectory() ? "directory" : "other";
	} catch {
		return "missing";
	}
}
