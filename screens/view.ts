import { displayPath } from "../source/core/base/display-path.js";
import type { Locator } from "../source/core/plan/context.js";
import { HpmError } from "../source/core/base/errors.js";
import { displaySafe } from "../source/core/base/text.js";
import { type LoadedOverview, loadOverview } from "../source/core/plan/overview.js";

/** Everything the browser shows, read fresh from disk through the core. */
export type View = LoadedOverview;

/**
 * The view, with the registry read through the index cache (a 2,000-package registry opens at
 * once), and the machine probed when the project has per-machine groups (the hardware is shown).
 */
export function loadView(locator: Locator, cwd: string): Promise<View> {
	return loadOverview(locator, cwd, { probe: true });
}

/** An error as one line for the screen: `file:line: message (hint)`. */
export function errorText(error: unknown): string {
	if (error instanceof HpmError) {
		const where = error.location
			? `${displayPath(error.location.file)}${error.location.line ? `:${error.location.line}` : ""}: `
			: "";
		return displaySafe(`${where}${error.message}${error.hint ? ` (${error.hint})` : ""}`);
	}
	return displaySafe(error instanceof Error ? error.message : String(error));
}
