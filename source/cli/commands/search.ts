import { type Context, loadContextRegistry } from "../../core/context.js";
import { type Output, styles, table } from "../output.js";
import { search } from "../../core/search.js";

export async function runSearch(context: Context, output: Output, query: string): Promise<number> {
	const registry = await loadContextRegistry(context);
	const results = search(registry, query);
	if (output.json) {
		output.data({
			results: results.map(({ kind, name, description }) => ({ kind, name, description })),
		});
		return 0;
	}
	const style = styles(output.color);
	if (results.length === 0) {
		output.err(`no group or package matches "${query}"`);
		return 0;
	}
	for (const line of table(results.map((r) => [r.name, style.dim(r.kind), r.description]))) output.out(line);
	return 0;
}
