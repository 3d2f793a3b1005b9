import { machineChoiceWords } from "../../core/plan/machine-overview.js";
import { loadOverview } from "../../core/plan/overview.js";
import { normalizeName } from "../../core/base/names.js";
import { defineCommand } from "../command.js";
import { driftHere } from "../../core/operations/machine-now.js";
import { problemJson, styles, table } from "../output.js";
import { leftOutWarning } from "../../core/plan/context.js";

export default defineCommand({
	usage: "hpm list [options]",
	description: "Groups (strategy, options, selection, sync state) and packages in no group.",
	args: [],
	flags: {},
	run: async ({ locator, cwd, output }) => {
		const { registry, overview, problems } = await loadOverview(locator, cwd);
		if (output.json) {
			output.data(problems.length > 0 ? { ...overview, problems: problems.map(problemJson) } : overview);
			return 0;
		}
		// a build in .venv that is not this machine's option of a per-machine group (after a plain uv
		// sync); `hpm verify --json` carries it as data
		const drift = overview.project === null ? [] : await driftHere({ locator, cwd });
		const warning = leftOutWarning(problems);
		if (warning) output.err(`warning: ${warning}`);
		const style = styles(output.color);
		output.out(
			`${style.bold("registry")} ${overview.registry}\n${style.bold("project")}  ${overview.project ?? style.dim("(none: no pyproject.toml found)")}${overview.project ? `  ${style.dim(`mode ${overview.mode}`)}` : ""}`,
		);
		if (overview.groups.length === 0) output.out(style.dim("\n(no groups)"));
		for (const group of overview.groups) {
			const state =
				overview.project === null ? "" : group.synced ? style.green("synced") : style.yellow("pending sync");
			output.out(
				`\n${table([[style.bold(group.name), style.cyan(group.strategy), group.description, state]]).join("")}`,
			);
			const marks = (selected: boolean) =>
				group.strategy === "1-of-N" ? (selected ? style.green("(*)") : "( )") : selected ? style.green("[x]") : "[ ]";
			const rows = group.options.map((option) => {
				const description = registry.packages.get(normalizeName(option.name))?.description ?? "";
				const mine =
					group.machine?.option === option.name
						? `  ${style.cyan(`this machine's (${machineChoiceWords(group.machine.from)})`)}`
						: "";
				return [`  ${marks(option.selected)}`, option.name, style.dim(option.version), style.dim(description) + mine];
			});
			if (group.machine?.option === null)
				output.out(style.dim(`  per machine: no choice on this machine (hpm group add ${group.name} --option OPTION)`));
			for (const line of table(rows, " ")) output.out(line);
		}
		for (const d of drift)
			output.out(
				`${style.yellow("drift")} ${d.choice}: ${d.package} ${d.installed ?? "(not installed)"} in .venv, this machine's option installs ${d.wanted}; \`hpm sync\` puts it back`,
			);
		if (overview.ungrouped.length > 0) {
			output.out(`\n${style.bold("packages in no group")}`);
			for (const line of table(overview.ungrouped.map((pkg) => [`  ${pkg.name}`, style.dim(pkg.version)])))
				output.out(line);
		}
		return 0;
	},
});
