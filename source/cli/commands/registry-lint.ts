import { formatProblem } from "../../core/errors.js";
import { resolveContext } from "../../core/context.js";
import { lintRegistry } from "../../core/registry/lint.js";
import { defineCommand } from "../command.js";
import { problemJson } from "../output.js";

export default defineCommand({
	usage: "hpm registry lint [options]",
	description: "Every problem in the registry at once, one line each as file:line:col: message. Exit 1 if any.",
	args: [],
	flags: {},
	run: ({ locator, cwd, output }) => {
		const root = resolveContext(locator, cwd).registryRoot;
		const { registry, problems } = lintRegistry(root);
		if (output.json) {
			output.data({ ok: problems.length === 0, registry: root, problems: problems.map(problemJson) });
			return problems.length === 0 ? 0 : 1;
		}
		for (const problem of problems) output.out(formatProblem(problem));
		if (problems.length === 0) {
			output.err(`registry ${root}: ${registry.groups.size} groups, ${registry.packages.size} packages, no problems`);
			return 0;
		}
		const files = new Set(problems.map((p) => p.location?.file));
		const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
		output.err(`${plural(problems.length, "problem")} in ${plural(files.size, "file")}`);
		return 1;
	},
});
