import { verifyChoices } from "../../core/operations/verify-checks.js";
import { defineCommand } from "../command.js";
import { styles } from "../output.js";

export default defineCommand({
	usage: "hpm verify [options]",
	description:
		"Runs the chosen options' checks (`checks:` in their manifests: a module imports, an installed version or its local tag, an attribute's value, a package glob uv.lock must not have) in the project's environment, as every sync does. Exit 1 when one fails. Changes nothing.",
	args: [],
	flags: {
		"machine-choice": {
			type: "string",
			value: "GROUP=OPTION[,...]",
			help: "check this option of a per-machine group, whatever .hpm/machine.toml says; also HPM_MACHINE_CHOICE",
		},
	},
	run: async ({ locator, cwd, output, flags }) => {
		const forced = flags["machine-choice"];
		const result = await verifyChoices(
			{ locator, cwd },
			undefined,
			forced !== undefined
				? { value: forced, from: "--machine-choice" }
				: { value: process.env.HPM_MACHINE_CHOICE, from: "HPM_MACHINE_CHOICE" },
		);
		if (output.json) {
			const drift = result.drift.length > 0 ? { drift: result.drift } : {};
			output.data({ ok: result.ok, checks: result.checks.map(({ location: _, ...rest }) => rest), ...drift });
			return result.ok ? 0 : 1;
		}
		const style = styles(output.color);
		for (const check of result.checks)
			output.out(
				`${check.ok ? style.green("ok  ") : style.red("FAIL")} ${check.choice}  ${check.check}${check.ok ? "" : `: found ${check.found}`}`,
			);
		for (const d of result.drift)
			output.out(
				`${style.red("DRIFT")} ${d.choice}  ${d.package} ${d.installed ?? "(not installed)"}, this machine's option installs ${d.wanted}: run \`hpm sync\``,
			);
		output.out(result.summary);
		return result.ok ? 0 : 1;
	},
});
