import { formatProblem, HpmError } from "../../core/base/errors.js";
import { problemJson } from "../output.js";
import { GRAPH_FORMATS, type GraphFormat, loadGraph, renderGraph } from "../../core/plan/graph.js";
import { closest } from "../../core/base/names.js";
import { defineCommand } from "../command.js";

export default defineCommand({
	usage: "hpm graph [--format text|json|dot|mermaid] [options]",
	description:
		"The component graph: each interface and the packages that implement it, each group with its options, rules and the project's choice. dot and mermaid draw it for docs and tools.",
	args: [],
	flags: {
		format: { type: "string", value: "FORMAT", help: "text (default), json, dot (Graphviz) or mermaid" },
	},
	run: async ({ locator, cwd, output, flags }) => {
		const format = parseFormat(flags.format, output.json);
		const graph = await loadGraph(locator, cwd);
		if (format === "json") {
			output.data({ ...graph, problems: graph.problems.map(problemJson) });
			return 0;
		}
		// --json is one JSON document whatever the format: a drawing goes in it as text
		if (output.json) {
			output.data({
				format,
				text: `${renderGraph(graph, format).join("\n")}\n`,
				problems: graph.problems.map(problemJson),
			});
			return 0;
		}
		// what did not load is left out of the graph, and said so
		for (const problem of graph.problems) output.err(`warning: ${formatProblem(problem)} (left out of the graph)`);
		for (const line of renderGraph(graph, format)) output.out(line);
		return 0;
	},
});

function parseFormat(value: string | undefined, json: boolean): GraphFormat {
	if (value === undefined) return json ? "json" : "text";
	const format = GRAPH_FORMATS.find((f) => f === value);
	if (!format) {
		const guess = closest(value, GRAPH_FORMATS);
		throw new HpmError("usage", `--format must be one of ${GRAPH_FORMATS.join(", ")}, got "${value}"`, {
			...(guess ? { hint: `did you mean ${guess}?` } : {}),
		});
	}
	return format;
}
