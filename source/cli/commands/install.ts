import { HpmError } from "../../core/base/errors.js";
import { defineCommand, MODE_FLAG } from "../command.js";
import { runReported } from "../operation.js";

export default defineCommand({
	usage: "hpm install --manifest FILE [--mode MODE] [options]",
	description: "Installs the package one manifest describes (no registry needed), as your own dependency.",
	writes: true,
	args: [],
	flags: {
		manifest: { type: "string", value: "FILE", help: "the package manifest (registry/packages/NAME.yaml)" },
		mode: MODE_FLAG,
	},
	run: async (input) => {
		const { output, flags } = input;
		const manifest = flags.manifest;
		if (manifest === undefined)
			throw new HpmError("usage", "hpm install needs --manifest FILE", {
				hint: "hpm install --manifest registry/packages/NAME.yaml [--mode dev]",
			});
		// one package, no selection: the summary line says all the plan would
		const result = await runReported({ kind: "install", manifest, mode: flags.mode }, input, { plan: false });
		if (output.json) output.data({ installed: result.name, mode: result.mode, requirement: result.requirement });
		else output.out(result.summary);
		return 0;
	},
});
