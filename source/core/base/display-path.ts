import { readFileSync } from "node:fs";
import path from "node:path";
import { displaySafe, hasControlCharacter } from "./text.js";

// a commit of a registry from git, as hpm's cache holds it: registries/<id>/trees/<commit>/...
const TREE = /^(.*[\\/]registries[\\/][0-9a-f]{24})[\\/]trees[\\/]([0-9a-f]{40}(?:[0-9a-f]{24})?)[\\/]([\s\S]+)$/;

/** The file beside each clone that names its URL (credentials hidden), for messages. */
export const URL_FILE = "url";

/**
 * A file as a person should read it: a file of a registry from git is named by the registry's URL,
 * its commit and its path in the repository (`git+https://host/reg.git@1a2b3c4d5e6f:packages/x.yaml`),
 * not by where hpm's cache keeps it. Any other path is itself.
 */
export function displayPath(file: string): string {
	// a file name is text from a repository: a newline or an escape in it is shown, never obeyed
	return displaySafe(repositoryPath(file));
}

function repositoryPath(file: string): string {
	const match = TREE.exec(file);
	if (!match?.[1] || !match[2] || !match[3]) return file;
	let url: string;
	try {
		url = readFileSync(path.join(match[1], URL_FILE), "utf8").trim();
	} catch {
		return file;
	}
	if (url === "" || hasControlCharacter(url)) return file;
	return `${url}@${match[2].slice(0, 12)}:${match[3].split(path.sep).join("/")}`;
}
