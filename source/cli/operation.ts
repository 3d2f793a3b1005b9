import { HpmError } from "../core/base/errors.js";
import type { OperationRequest, OperationResult } from "../core/operations/run.js";
import type { InputSpecs } from "../core/base/inputs.js";
import type { CommandInput } from "./command.js";
import { report } from "./reporter.js";
import { operationSignal } from "./signals.js";

/**
 * Runs check, sync or install through the core's one runner, printing its stream as it comes.
 * Ctrl-C / SIGTERM abort it (the core stops uv and restores the files); an interrupt wins over
 * any other error and exits 130 / 143.
 */
export async function runReported<K extends OperationRequest["kind"]>(
	request: Extract<OperationRequest, { kind: K }>,
	{ locator, cwd, output, hooks }: CommandInput<InputSpecs>,
	print: { readonly plan: boolean } = { plan: true },
): Promise<Extract<OperationResult, { kind: K }>> {
	const { runOperation } = await import("../core/operations/run.js");
	const interrupt = operationSignal();
	try {
		const events = runOperation(request, { locator, cwd, signal: interrupt.signal, hooks });
		const result = await report(events, output, print);
		// the runner answers a request of kind K with a result of kind K
		return result as Extract<OperationResult, { kind: K }>;
	} catch (error) {
		const code = interrupt.exitCode();
		if (code !== undefined) {
			throw new HpmError("interrupted", error instanceof HpmError ? error.message : "interrupted", { exitCode: code });
		}
		throw error;
	} finally {
		interrupt.dispose();
	}
}
