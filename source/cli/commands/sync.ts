import { defineCommand, MODE_FLAG } from "../command.js";
import { lockChangeLine } from "../../core/project/lock-diff.js";
import { runReported } from "../operation.js";

export default defineCommand({
	usage:
		"hpm sync [--mode MODE] [--dry-run] [--combination C] [--upgrade | --upgrade-package NAME[,NAME]...] [options]",
	description:
		"Prints the plan (+ add, - remove, ~ switch source), then applies it with one uv add and at most one uv remove.\nIf uv fails or you press Ctrl-C, pyproject.toml and uv.lock are restored byte for byte.",
	writes: true,
	args: [],
	flags: {
		mode: MODE_FLAG,
		combination: {
			type: "string",
			value: "C",
			help: 'record exactly this choice in pyproject.toml (every group not named unchosen) and sync it: "inference=a,metrics=b+c"',
		},
		"dry-run": { type: "boolean", help: "print the plan and change nothing (with --upgrade: what would move)" },
		upgrade: {
			type: "boolean",
			help: "move git branches and unpinned requirements to their newest commits and versions (uv lock --upgrade)",
		},
		"upgrade-package": {
			type: "string",
			multiple: true,
			value: "NAME",
			help: "upgrade only this package (repeatable); implies --upgrade",
		},
		"machine-choice": {
			type: "string",
			value: "GROUP=OPTION[,...]",
			help: "install this option of a per-machine group, whatever .hpm/machine.toml says (for CI, Dockerfiles); also HPM_MACHINE_CHOICE",
		},
	},
	run: async (input) => {
		const { output, flags } = input;
		const only = flags["upgrade-package"].flatMap((value) => value.split(",")).map((value) => value.trim());
		const upgrade = flags.upgrade || only.length > 0 ? { packages: only.filter((name) => name !== "") } : undefined;
		const forced = flags["machine-choice"];
		const machineChoice =
			forced !== undefined
				? { value: forced, from: "--machine-choice" }
				: { value: process.env.HPM_MACHINE_CHOICE, from: "HPM_MACHINE_CHOICE" };
		const result = await runReported(
			{
				kind: "sync",
				mode: flags.mode,
				dryRun: flags["dry-run"],
				upgrade,
				machineChoice,
				combination: flags.combination,
			},
			input,
		);
		const moved = result.upgraded.map((change) => lockChangeLine(change));
		const { plan } = result;
		if (output.json) {
			const names = (entries: readonly { readonly name: string }[]) => entries.map((e) => e.name);
			output.data({
				plan: {
					add: names(plan.add),
					remove: names(plan.remove),
					switch: names(plan.switch),
					unchanged: names(plan.unchanged),
				},
				changed: result.changed,
				dryRun: result.dryRun,
				...(upgrade ? { upgraded: result.upgraded } : {}),
				...(result.machine && result.machine.length > 0 ? { machine: result.machine } : {}),
				mode: plan.mode,
			});
		} else {
			if (upgrade) {
				output.out(result.dryRun ? "an upgrade would move:" : "upgraded:");
				for (const line of moved.length > 0 ? moved : ["nothing: every package is at its newest already"])
					output.out(`  ${line}`);
			}
			output.out(result.summary);
		}
		return 0;
	},
});
