import { type Locator, resolveContext } from "../plan/context.js";
import { resolvedLayersNow } from "../registry/layers.js";
import { loadRegistryParts } from "../registry/load.js";
import { type Prepared, prepare } from "./prepare.js";

/**
 * What check or sync would do, read without the lock and without uv: the plan and every static
 * problem. The UI shows it before asking to run; the stream's own plan is the one that counts.
 */
export function previewOperation(locator: Locator, cwd: string, mode?: string): Prepared {
	const context = resolveContext(locator, cwd);
	return prepare(context, mode, loadRegistryParts(resolvedLayersNow(context)));
}
