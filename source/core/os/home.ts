import { createRequire } from "node:module";

/**
 * The home folder, as os.homedir() finds it: $HOME when set and not empty, else the user database.
 * node:os is loaded only for the second (a list or a search would load it for nothing).
 */
export function homeFolder(): string {
	const home = process.env.HOME;
	if (home) return home;
	return (createRequire(process.execPath)("node:os") as typeof import("node:os")).homedir();
}
