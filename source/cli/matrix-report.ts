import { resolveContext } from "../core/plan/context.js";
import { HpmError } from "../core/base/errors.js";
import type { InputSpecs } from "../core/base/inputs.js";
import { closest } from "../core/base/names.js";
import type { CommandInput } from "./command.js";
import { problemJson, styles, table } from "./output.js";
import { operationSignal } from "./signals.js";

const FORMATS = ["table", "github", "gitlab"] as const;

/**
 * `hpm check --matrix`: plans the combinations, then either prints them as a CI matrix (github,
 * gitlab: nothing is resolved here, each runner checks one with --combination) or resolves them
 * with uv in parallel, one line per combination as it finishes, then the pairs that conflict.
 */
export async function runMatrixCommand(
	input: CommandInput<InputSpecs>,
	flags: {
		readonly all: boolean;
		readonly pairwise: boolean;
		readonly jobs: string | undefined;
		readonly format: string | undefined;
		readonly mode: string | undefined;
		readonly run?: string | undefined;
		/** Offer the conflicts proven as registry rules: print them, or write them. */
		readonly rules?: "print" | "write" | undefined;
	},
): Promise<number> {
	const { output, locator, cwd } = input;
	if (flags.all && flags.pairwise) throw new HpmError("usage", "give --all or --pairwise, not both");
	const how = flags.all ? "all" : "pairwise";
	const format = FORMATS.find((f) => f === (flags.format ?? "table"));
	if (!format) {
		const guess = closest(flags.format ?? "", FORMATS);
		throw new HpmError("usage", `--format must be table, github or gitlab, got "${flags.format}"`, {
			...(guess ? { hint: `did you mean ${guess}?` } : {}),
		});
	}
	const [{ defaultJobs, refuseMissingGroups, runMatrix }, { planMatrix }, { formatCombination }, { openSelection }] =
		await Promise.all([
			import("../core/operations/matrix-run.js"),
			import("../core/plan/matrix.js"),
			import("../core/plan/combination.js"),
			import("../core/plan/open-selection.js"),
		]);
	const jobs = flags.jobs === undefined ? defaultJobs() : Number(flags.jobs);
	if (!/^\d+$/.test(flags.jobs ?? "1") || !Number.isSafeInteger(jobs) || jobs < 1 || jobs > 64)
		throw new HpmError("usage", `--jobs must be a whole number from 1 to 64, got "${flags.jobs}"`);
	const context = resolveContext(locator, cwd);
	if (flags.run !== undefined && format !== "gitlab")
		throw new HpmError("usage", "--run goes with --format gitlab (a child pipeline that runs it per combination)", {
			hint: `a GitHub workflow carries the command itself: hpm ci init ${format === "github" ? "github" : "github|gitlab"} --run CMD`,
		});

	if (format !== "table") {
		const opened = await openSelection(context, { project: "optional" });
		refuseMissingGroups(opened);
		const { registry } = opened;
		const planned = planMatrix(registry, how);
		if (planned.uncovered > 0)
			output.err(
				`warning: ${planned.uncovered} pairs of choices are in no combination: the plan stopped at 512 combinations`,
			);
		const combinations = planned.combinations.map((s) => formatCombination(registry, s));
		if (format === "github")
			output.out(JSON.stringify({ include: combinations.map((combination) => ({ combination })) }));
		else if (flags.run !== undefined) {
			const { gitlabChild } = await import("../core/plan/ci-files.js");
			output.out(gitlabChild(combinations, flags.run).trimEnd());
		} else {
			output.out("parallel:");
			output.out("  matrix:");
			output.out("    - HPM_COMBINATION:");
			for (const combination of combinations) output.out(`        - ${JSON.stringify(combination)}`);
		}
		return 0;
	}

	const style = styles(output.color);
	const interrupt = operationSignal();
	try {
		const events = runMatrix(context, { how, jobs, mode: flags.mode, signal: interrupt.signal });
		let total = 0;
		let finished = 0;
		for (;;) {
			const next = await events.next();
			if (next.done) {
				const result = next.value;
				if (interrupt.exitCode() !== undefined)
					throw new HpmError("interrupted", "matrix interrupted; nothing was changed", {
						exitCode: interrupt.exitCode(),
					});
				const rules = flags.rules ? await keepRules(input, context, result.pairs, flags.rules) : undefined;
				if (output.json) {
					output.data({
						...result,
						results: result.results.map((r) => ({ ...r, problems: r.problems.map(problemJson) })),
						...(rules ? { rules } : {}),
					});
					return result.ok ? 0 : 1;
				}
				const failed = result.results.filter((r) => !r.ok).length;
				output.out("");
				if (result.projectFails)
					output.out(
						style.red(
							"the project's own dependencies do not resolve, whatever is chosen: every combination fails for it",
						),
					);
				if (result.pairs.length > 0) {
					output.out(style.bold("choices that do not go together"));
					const status = {
						"fails-alone": style.red("fails alone"),
						conflict: style.red("conflict"),
						set: style.red("only together"),
						declared: style.yellow("declared"),
					} as const;
					const rows = result.pairs.map((p) => [`  ${p.choices.join(" + ")}`, status[p.status], style.dim(p.reason)]);
					for (const line of table(rows)) output.out(line);
				} else output.out("no choices were found that do not go together");
				const open = result.uncovered.length;
				const proven = result.compatible.length;
				output.out(
					`${proven} pair${proven === 1 ? "" : "s"} of choices proven to go together${open > 0 ? `; ${open} not proven either way:` : ""}`,
				);
				if (open > 0)
					for (const line of table(result.uncovered.map((u) => [`  ${u.a}`, u.b, style.dim(u.reason)])))
						output.out(line);
				if (result.unplanned > 0)
					output.err(
						`warning: ${result.unplanned} pairs of choices are in no combination: the plan stopped at 512 combinations (narrow the registry with rules, or split it)`,
					);
				const fresh = result.results.filter((r) => !r.cached).length;
				const retried = result.results.filter((r) => r.retry).length;
				if (rules) for (const line of rulesText(rules, flags.rules === "write")) output.out(line);
				output.out(
					`${result.results.length} combination${result.results.length === 1 ? "" : "s"} (${how}, of ${result.space ?? "more than 512"} the rules allow${retried > 0 ? `; ${retried} added to settle open pairs` : ""}): ${result.results.length - failed} resolve, ${failed} fail; ${fresh > 0 ? `${fresh} resolved by uv in ${result.seconds.toFixed(1)} s with ${result.workers} worker${result.workers === 1 ? "" : "s"} (${result.perSecond.toFixed(2)}/s), ${result.results.length - fresh} from the cache` : "every one from the cache"}`,
				);
				return result.ok ? 0 : 1;
			}
			const event = next.value;
			if (event.type === "matrix-plan") {
				total = event.combinations.length;
				output.err(
					`checking ${total} combination${total === 1 ? "" : "s"} (${how}) with uv, ${Math.min(jobs, total)} at a time`,
				);
				continue;
			}
			if (event.type === "matrix-retry") {
				total += event.combinations.length;
				output.err(
					`checking ${event.combinations.length} more combination${event.combinations.length === 1 ? "" : "s"} to settle pairs no resolution proved either way`,
				);
				continue;
			}
			finished++;
			const r = event.result;
			const mark = r.ok ? style.green("ok  ") : style.red("fail");
			const when = r.cached ? style.dim("cached") : style.dim(`${r.seconds.toFixed(1)} s`);
			output.err(`[${finished}/${total}] ${mark} ${r.combination}  ${when}`);
			if (!r.ok) for (const p of r.problems) output.err(`        ${style.dim(p.message)}`);
		}
	} catch (error) {
		const code = interrupt.exitCode();
		if (code !== undefined)
			throw new HpmError("interrupted", "matrix interrupted; nothing was changed", { exitCode: code });
		throw error;
	} finally {
		interrupt.dispose();
	}
}

/** A rule offered to the registry, as `--json` lists it. */
type OfferedRule = {
	readonly file: string;
	readonly group: string;
	readonly option: string;
	readonly conflicts: string;
	readonly reason: string;
	readonly written: boolean;
};

/**
 * The conflicts a run proved, as registry rules (`conflicts:` lines): printed for a review, or
 * written into the group files through the registry write protocol.
 */
export async function keepRules(
	input: CommandInput<InputSpecs>,
	context: ReturnType<typeof resolveContext>,
	pairs: readonly { readonly choices: readonly string[]; readonly status: string; readonly reason: string }[],
	how: "print" | "write",
): Promise<OfferedRule[]> {
	const [{ openSelection }, { conflictRules, writeConflictRules }] = await Promise.all([
		import("../core/plan/open-selection.js"),
		import("../core/operations/registry/conflict-rules.js"),
	]);
	const { registry } = await openSelection(context, { project: "optional" });
	const rules = conflictRules(
		registry,
		pairs.filter((p) => p.status === "conflict"),
	);
	const written = how === "write" && rules.length > 0;
	if (written) await writeConflictRules(input.locator, input.cwd, input.hooks, rules);
	return rules.map((r) => ({
		file: r.file,
		group: r.group,
		option: r.option,
		conflicts: r.target,
		reason: r.reason,
		written,
	}));
}

/** What `--print-rules` / `--write-rules` say: each rule under its file and option. */
export function rulesText(rules: readonly OfferedRule[], written: boolean): string[] {
	if (rules.length === 0)
		return ["no new registry rules: every conflict found is stated already (or has no rule form)"];
	const lines = [
		written
			? `wrote ${rules.length} registry rule${rules.length === 1 ? "" : "s"} (hpm check now refuses these pairs before uv runs):`
			: `registry rules for what was proven (add them, or run again with --write-rules):`,
	];
	for (const rule of rules) {
		lines.push(`  ${rule.file}, option ${rule.option}:`);
		lines.push(`    conflicts: [${JSON.stringify(rule.conflicts)}]  # found by hpm: ${rule.reason}`);
	}
	return lines;
}
