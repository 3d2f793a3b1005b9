import { redactSecrets } from "../../core/base/secrets.js";
import { formatProblem, type Problem } from "../../core/base/errors.js";
import { resolveContext } from "../../core/plan/context.js";
import { resolveLayers } from "../../core/registry/layers.js";
import { lintRegistry } from "../../core/registry/lint.js";
import { defineCommand } from "../command.js";
import { problemJson } from "../output.js";

export default defineCommand({
	usage: "hpm registry lint [--strict] [options]",
	description:
		"Every problem in the registry at once, one line each as file:line:col: message. Exit 1 if any.\n" +
		"Warnings (a group with no options yet) are printed too and fail only with --strict.",
	args: [],
	flags: { strict: { type: "boolean", help: "every warning is a problem (exit 1)" } },
	run: async ({ locator, cwd, output, flags }) => {
		const context = resolveContext(locator, cwd);
		const { roots } = await resolveLayers(context, "if-missing");
		const root = context.layers
			.map((layer) => (layer.kind === "folder" ? layer.path : redactSecrets(layer.written)))
			.join(", ");
		const linted = lintRegistry(roots);
		const { registry } = linted;
		const problems: Problem[] = flags.strict ? [...linted.problems, ...linted.warnings] : linted.problems;
		const warnings: Problem[] = flags.strict ? [] : linted.warnings;
		if (output.json) {
			output.data({
				ok: problems.length === 0,
				registry: root,
				problems: problems.map(problemJson),
				warnings: warnings.map(problemJson),
			});
			return problems.length === 0 ? 0 : 1;
		}
		for (const problem of problems) output.out(formatProblem(problem));
		for (const warning of warnings) output.out(formatProblem({ ...warning, message: `warning: ${warning.message}` }));
		const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
		const warned = warnings.length > 0 ? `, ${plural(warnings.length, "warning")}` : "";
		if (problems.length === 0) {
			output.err(
				`registry ${root}: ${registry.groups.size} group${registry.groups.size === 1 ? "" : "s"}, ${registry.packages.size} package${registry.packages.size === 1 ? "" : "s"}, no problems${warned}`,
			);
			return 0;
		}
		const files = new Set(problems.map((p) => p.location?.file));
		output.err(`${plural(problems.length, "problem")} in ${plural(files.size, "file")}${warned}`);
		return 1;
	},
});
