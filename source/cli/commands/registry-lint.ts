import type { Context } from "../../core/context.js";
import type { Output } from "../output.js";
import { formatProblem, type Problem } from "../../core/errors.js";
import { loadRegistry } from "../../core/registry/load.js";
import { localPathProblems } from "../../core/registry/local-paths.js";
import type { Registry } from "../../core/registry/model.js";

/** Every problem in the registry: file syntax and schema, references, and local source folders. */
export function lintRegistry(root: string): { registry: Registry; problems: Problem[] } {
	const { registry, problems } = loadRegistry(root);
	return { registry, problems: [...problems, ...localPathProblems(registry)] };
}

export function runRegistryLint(context: Context, output: Output): number {
	const { registry, problems } = lintRegistry(context.registryRoot);
	if (output.json) {
		output.data({
			ok: problems.length === 0,
			registry: context.registryRoot,
			problems: problems.map((p) => ({
				code: p.code,
				message: p.message,
				...(p.location ? { file: p.location.file } : {}),
				...(p.location?.line === undefined ? {} : { line: p.location.line }),
				...(p.location?.column === undefined ? {} : { column: p.location.column }),
			})),
		});
		return problems.length === 0 ? 0 : 1;
	}
	for (const problem of problems) output.out(formatProblem(problem));
	const files = new Set(problems.map((p) => p.location?.file));
	if (problems.length === 0) {
		output.err(
			`registry ${context.registryRoot}: ${registry.groups.size} groups, ${registry.packages.size} packages, no problems`,
		);
		return 0;
	}
	output.err(
		`${problems.length} problem${problems.length === 1 ? "" : "s"} in ${files.size} file${files.size === 1 ? "" : "s"}`,
	);
	return 1;
}
