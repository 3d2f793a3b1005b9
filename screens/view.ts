import { type CommonFlags, type Context, resolveContext } from "../source/cli/context.js";
import { listData, type ListJson } from "../source/commands/list.js";
import { HpmError, problemToError } from "../source/errors.js";
import { loadRegistryStrict } from "../source/registry/load.js";
import type { Registry } from "../source/registry/model.js";
import { resolveSelection } from "../source/selection.js";

/** Everything the browser shows, read fresh from disk through the core. */
export type View = { readonly context: Context; readonly registry: Registry; readonly list: ListJson };

export function loadView(flags: CommonFlags, cwd: string): View {
	const context = resolveContext(flags, cwd);
	const registry = loadRegistryStrict(context.registryRoot);
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
