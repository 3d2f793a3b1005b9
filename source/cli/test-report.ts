import { HpmError } from "../core/base/errors.js";
import type { InputSpecs } from "../core/base/inputs.js";
import { displaySafe } from "../core/base/text.js";
import { resolveContext } from "../core/plan/context.js";
import type { CommandInput } from "./command.js";
import { styles, table } from "./output.js";
import { operationSignal } from "./signals.js";

/**
 * `hpm test`: one line per combination as it finishes (stderr), then the summary table of
 * combination → passed / failed / unresolved with the first failing line, what the run proved
 * pair by pair, and where the logs are (stdout); with --json one document (README "JSON output").
 */
export async function runTestCommand(
	input: CommandInput<InputSpecs>,
	flags: {
		readonly how: "all" | "pairwise";
		readonly only: readonly string[] | undefined;
		readonly jobs: string | undefined;
		readonly mode: string | undefined;
		readonly command: readonly string[];
		readonly rules?: "print" | "write" | undefined;
		readonly rerun?: boolean;
	},
): Promise<number> {
	const { output, locator, cwd } = input;
	const [{ runTests }, { defaultJobs }] = await Promise.all([
		import("../core/operations/test-run.js"),
		import("../core/operations/matrix-run.js"),
	]);
	const jobs = flags.jobs === undefined ? defaultJobs() : Number(flags.jobs);
	if (!/^\d+$/.test(flags.jobs ?? "1") || !Number.isSafeInteger(jobs) || jobs < 1 || jobs > 64)
		throw new HpmError("usage", `--jobs must be a whole number from 1 to 64, got "${flags.jobs}"`);
	const style = styles(output.color);
	const interrupt = operationSignal();
	const stopped = () =>
		new HpmError("interrupted", "test interrupted: every command stopped; nothing was changed", {
			exitCode: interrupt.exitCode(),
		});
	try {
		const context = resolveContext(locator, cwd);
		const events = runTests(context, {
			how: flags.how,
			only: flags.only,
			command: flags.command,
			jobs,
			mode: flags.mode,
			signal: interrupt.signal,
			rerun: flags.rerun,
		});
		let total = 0;
		let finished = 0;
		for (;;) {
			const next = await events.next();
			if (!next.done) {
				const event = next.value;
				if (event.type === "test-plan") {
					total = event.combinations.length;
					output.err(
						`testing ${total} combination${total === 1 ? "" : "s"} (${flags.only ? "given" : flags.how}), ${Math.min(jobs, total)} at a time; logs in ${event.logs}`,
					);
					continue;
				}
				finished++;
				const r = event.result;
				const mark = { passed: style.green("pass"), failed: style.red("FAIL"), unresolved: style.red("unresolved") };
				const env =
					r.environment === "none"
						? ""
						: style.dim(`  (environment ${r.environment}${r.reused ? "; result reused, nothing changed" : ""})`);
				output.err(
					`[${finished}/${total}] ${mark[r.status]} ${r.combination}  ${style.dim(`${r.seconds.toFixed(1)} s`)}${env}`,
				);
				continue;
			}
			const result = next.value;
			if (interrupt.exitCode() !== undefined) throw stopped();
			const { keepRules, rulesText } = await import("./matrix-report.js");
			const rules = flags.rules ? await keepRules(input, context, result.pairs, flags.rules) : undefined;
			if (output.json) {
				output.data({
					command: result.command,
					combinations: result.combinations,
					pairs: result.pairs,
					compatible: result.compatible,
					uncovered: result.uncovered,
					logs: result.logs,
					...(rules ? { rules } : {}),
					ok: result.ok,
				});
				return result.ok ? 0 : 1;
			}
			const status = {
				passed: style.green("passed"),
				failed: style.red("failed"),
				unresolved: style.red("unresolved"),
			};
			const rows = result.combinations.map((r) => [
				`  ${r.combination || "(no choice)"}`,
				status[r.status],
				style.dim(displaySafe(r.firstFailingLine ?? "")) + (r.reused ? style.dim(" (reused)") : ""),
			]);
			for (const line of table(rows)) output.out(line);
			output.out("");
			const conflicts = result.pairs.filter((p) => p.status !== "declared");
			if (conflicts.length > 0) {
				output.out(style.bold("choices that do not go together (uv)"));
				for (const line of table(conflicts.map((p) => [`  ${p.choices.join(" + ")}`, style.dim(p.reason)])))
					output.out(line);
			}
			const open = result.uncovered.length;
			output.out(
				`${result.compatible.length} pair${result.compatible.length === 1 ? "" : "s"} of choices covered (a combination holding both resolved and passed)${open > 0 ? `; ${open} not:` : ""}`,
			);
			if (open > 0)
				for (const line of table(result.uncovered.map((u) => [`  ${u.a}`, u.b, style.dim(u.reason)]))) output.out(line);
			if (rules) for (const line of rulesText(rules, flags.rules === "write")) output.out(line);
			const count = (s: string) => result.combinations.filter((r) => r.status === s).length;
			const built = result.combinations.filter((r) => r.environment === "built").length;
			const reused = result.combinations.filter((r) => r.environment === "reused").length;
			output.out(
				`${result.combinations.length} combination${result.combinations.length === 1 ? "" : "s"}: ${count("passed")} passed, ${count("failed")} failed, ${count("unresolved")} unresolved; environments: ${built} built, ${reused} reused; ${result.seconds.toFixed(1)} s with ${result.workers} at a time`,
			);
			const { reused: kept, since, off } = result.reuse;
			const when = `${new Date(since ?? 0).toISOString().slice(0, 19).replace("T", " ")} UTC`;
			if (kept > 0)
				output.out(
					`${kept} result${kept === 1 ? "" : "s"} reused (nothing changed since ${when}); --rerun runs ${kept === 1 ? "it" : "them"} again`,
				);
			if (off && off !== "--rerun") output.out(style.dim(`results not reused: ${off}`));
			output.out(`logs: ${result.logs}`);
			return result.ok ? 0 : 1;
		}
	} catch (error) {
		if (interrupt.exitCode() !== undefined) throw stopped();
		throw error;
	} finally {
		interrupt.dispose();
	}
}
