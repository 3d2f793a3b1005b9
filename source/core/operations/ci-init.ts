import path from "node:path";
import { writeOutputFile } from "../os/output-file.js";
import { CI_FILES, type CiService, githubWorkflow, gitlabPipeline } from "../plan/ci-files.js";

const PIPELINES: Record<CiService, (run: string) => string> = { github: githubWorkflow, gitlab: gitlabPipeline };

/**
 * Writes the CI pipeline of `service` beside the project's pyproject.toml (through the checked
 * write; an existing file only with `force`): lint the registry, check the combinations, then
 * test each in a job of its own. Returns the file written.
 */
export function initCi(root: string, service: CiService, run: string, force: boolean): string {
	const file = path.join(root, CI_FILES[service]);
	writeOutputFile(file, PIPELINES[service](run), {
		replace: force,
		flag: "--force",
		within: root,
		instead: `remove what is in the way (a link, or a file where a folder of ${CI_FILES[service]} should be), then run hpm ci init again`,
	});
	return file;
}
