import { formatProblem } from "../core/base/errors.js";
import { drain, type HpmEvent } from "../core/plan/events.js";
import type { Plan, PlanEntry } from "../core/plan/plan.js";
import { describeSourceIn } from "../core/registry/describe.js";
import { shownLines } from "../core/uv/shown-lines.js";
import { type Output, styles, unicodeTerminal } from "./output.js";

/**
 * Prints an operation's events for people: the plan on stdout, uv's lines and progress on
 * stderr as they arrive. With --json it prints nothing; the command prints one document at the end.
 */
export async function report<T>(
	events: AsyncGenerator<HpmEvent, T>,
	output: Output,
	options: { readonly plan: boolean } = { plan: true },
): Promise<T> {
	const style = styles(output.color);
	// one uv runs at a time; its hints about flags hpm does not have are left out
	let uvLines = shownLines();
	return drain(events, (event) => {
		if (output.json) return;
		switch (event.type) {
			case "phase":
				output.err(style.dim(`${unicodeTerminal() ? "·" : "-"} ${event.message}`));
				return;
			case "plan":
				if (options.plan) for (const line of planLines(event.plan, style)) output.out(line);
				return;
			case "problem":
				output.out(`${style.red("problem:")} ${formatProblem(event.problem)}`);
				return;
			case "warning":
				output.err(`${style.yellow("warning:")} ${formatProblem(event.problem)}`);
				return;
			case "uv-start":
				uvLines = shownLines();
				output.err(style.dim(`$ uv ${event.args.join(" ")}`));
				return;
			case "uv-line":
				for (const line of uvLines.push(event.line)) output.err(`  ${line}`);
				return;
			case "uv-exit":
				for (const line of uvLines.end()) output.err(`  ${line}`);
				return;
			case "restored":
				output.err(event.message);
				return;
		}
		const exhaustive: never = event;
		throw new Error(`unhandled event ${String(exhaustive)}`);
	});
}

export function planLines(plan: Plan, style = styles(false)): string[] {
	const where = (entry: PlanEntry) =>
		style.dim(`${describeSourceIn(entry.source, plan.root)}  (${entry.groups.join(", ")})`);
	const lines = [`plan (mode ${plan.mode}):`];
	for (const entry of plan.add) lines.push(`  ${style.green("+")} ${entry.name}  ${where(entry)}`);
	for (const entry of plan.switch)
		lines.push(
			`  ${style.yellow("~")} ${entry.name}  ${where(entry)}  ${style.dim(`switch source, was ${entry.was ?? "another"}`)}`,
		);
	for (const entry of plan.remove) lines.push(`  ${style.red("-")} ${entry.name}`);
	// what the chosen options replace, kept out of uv.lock (hpm's [tool.uv] exclude-dependencies entries)
	const owned = { was: plan.exclusions?.now.owned ?? [], now: plan.exclusions?.final.owned ?? [] };
	for (const { key, by } of plan.replacements ?? [])
		if (owned.now.includes(key) && !owned.was.includes(key))
			lines.push(`  ${style.red("!")} ${key}  ${style.dim(`kept out of uv.lock: replaced by ${by.join(", ")}`)}`);
	for (const key of owned.was.filter((k) => !owned.now.includes(k)))
		lines.push(`  ${style.green("^")} ${key}  ${style.dim("no longer kept out of uv.lock")}`);
	if (plan.add.length + plan.switch.length + plan.remove.length === 0 && owned.was.join() === owned.now.join())
		lines.push("  nothing to change");
	if (plan.unchanged.length > 0) lines.push(style.dim(`  = ${plan.unchanged.map((u) => u.name).join(", ")}`));
	return lines;
}
