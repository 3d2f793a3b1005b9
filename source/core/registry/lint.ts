import type { Problem } from "../errors.js";
import { loadRegistry } from "./load.js";
import { localPathProblems } from "./local-paths.js";
import type { Registry } from "./model.js";

/** Every problem in the registry: file syntax and schema, references, and local source folders. */
export function lintRegistry(root: string): { registry: Registry; problems: Problem[] } {
	const { registry, problems } = loadRegistry(root);
	return { registry, problems: [...problems, ...localPathProblems(registry)] };
}
