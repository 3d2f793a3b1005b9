import { type CommonFlags, type Context, loadContextRegistry, resolveContext } from "../source/core/context.js";
import { listData, type ListJson } from "../source/cli/commands/list.js";
import { HpmError, problemToError } from "../source/core/errors.js";
import type { Registry } from "../source/core/registry/model.js";
import { resolveSelection } from "../source/core/selection.js";

/** Everything the browser shows, read fresh from disk through the core. */
export type View = { readonly context: Context; readonly registry: Registry; readonly list: ListJson };

/** The view, with the registry read through the index cache (a 2,000-package registry opens at once). */
export async function loadView(flags: CommonFlags, cwd: string): Promise<View> {
	const context = resolveContext(flags, cwd);
	const registry = await loadContextRegistry(context);
	if (context.project) {
		const { problems } = resolveSelection(registry, context.project);
		const first = problems[0];
		if (first) throw problemToError(first, "fix [tool.hpm.groups] in pyproject.toml");
	}
	const { selection } = context.project ? resolveSelection(registry, context.project) : { selection: new Map() };
	return { context, registry, list: listData(context, registry, selection) };
}

export function errorText(error: unknown): string {
	if (error instanceof HpmError) {
		const where = error.location
			? `${error.location.file}${error.location.line ? `:${error.location.line}` : ""}: `
			: "";
		return `${where}${error.message}${error.hint ? ` (${error.hint})` : ""}`;
	}
	return error instanceof Error ? error.message : String(error);
}
