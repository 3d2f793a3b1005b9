import { HpmError, type Problem } from "../base/errors.js";
import type { Context } from "../plan/context.js";
import type { HpmEvent } from "../plan/events.js";
import type { Selection } from "../plan/selection.js";
import { UvRunFailed } from "./transaction.js";

/**
 * The sync's resolution failure with check's proven verdict in place of uv's words (the files are
 * already restored: check only resolves in a scratch copy). When the check cannot say more, the
 * sync's own error stands.
 */
export async function* provenConflict(
	context: Context,
	options: {
		readonly mode?: string | undefined;
		readonly signal?: AbortSignal | undefined;
		readonly selection?: Selection | undefined;
	},
	failed: HpmError,
): AsyncGenerator<HpmEvent, HpmError> {
	yield { type: "phase", phase: "resolve", message: "finding the choices at fault (a check in a scratch copy)" };
	const { check } = await import("./check.js");
	let problems: readonly Problem[];
	try {
		// the files hold again what the context read: the sync restored them. The check's own plan
		// and problems are not streamed: the error says what it proved
		const run = check(context, { mode: options.mode, signal: options.signal, selection: options.selection });
		let step = await run.next();
		while (!step.done) {
			if (step.value.type === "phase") yield step.value;
			step = await run.next();
		}
		const result = step.value;
		// the verdicts (a conflict, a source's own failure, the project itself): a static problem or
		// an unexplained failure names choices too, but proves nothing about them
		problems = result.problems.filter((problem) => problem.choices !== undefined && problem.proven !== undefined);
	} catch {
		return failed;
	}
	if (problems.length === 0) return failed;
	const what = failed instanceof UvRunFailed ? failed.command : "uv";
	return new HpmError(
		"resolution",
		`${what} failed: ${problems.map((problem) => problem.message).join("; ")}; pyproject.toml and uv.lock were restored`,
		{ exitCode: 1, hint: "`hpm check` shows the same without changing anything", problems },
	);
}
