/**
 * `hpm run -- CMD ARGS...`: CMD in the project's environment with this machine's options kept.
 * Measured with uv 0.13.10 (test/uv/machine-run.test.ts): `uv run --group hpm-<group>-<option>`
 * keeps the build (and puts it back after a plain `uv sync` replaced it), where a plain `uv run`
 * re-syncs the base dependencies and, when one of them also requires the family's package,
 * installs the default index's build instead. So hpm run is uv run with this machine's groups.
 */
import { problemToError } from "../base/errors.js";
import type { Locator } from "../plan/context.js";
import { openSelection } from "../plan/open-selection.js";
import { findUv } from "../uv/driver.js";
import { machineNow } from "./machine-now.js";

export type ProjectRun = {
	readonly program: string;
	readonly args: readonly string[];
	readonly cwd: string;
	/** Group key → option key this run keeps. */
	readonly chosen: ReadonlyMap<string, string>;
};

/** What to start: uv run with this machine's `--group` flags (`forced`: `--machine-choice`). */
export async function projectRun(
	where: { readonly locator: Locator; readonly cwd: string },
	command: readonly string[],
	forced?: { readonly value: string | undefined; readonly from: string },
): Promise<ProjectRun> {
	const { project, registry } = await openSelection(where);
	const { chosen, args, problems } = machineNow(registry, project, forced);
	const first = problems[0];
	if (first) throw problemToError(first);
	const uv = await findUv();
	const run = ["run", "--project", project.root, ...args, "--", ...command];
	return { program: uv.bin, args: run, cwd: where.cwd, chosen };
}
