import path from "node:path";
import { defineCommand } from "../command.js";

export default defineCommand({
	usage: "hpm init [--registry DIR] [options]",
	description:
		"Makes this folder (or --project DIR) an hpm project: `uv init --bare` when there is no pyproject.toml,\n" +
		"then a [tool.hpm] table (the rest of the file stays byte for byte). With --registry, an empty registry\n" +
		"(DIR/groups, DIR/packages) too, recorded in [tool.hpm] registry unless it is the default registry/.\n" +
		"Running it again changes nothing.",
	writes: true,
	args: [],
	flags: {
		registry: {
			type: "string",
			short: "r",
			value: "DIR",
			help: "create an empty registry in DIR and use it (recorded in [tool.hpm] registry unless it is registry/)",
		},
	},
	run: async ({ locator, cwd, output, flags, hooks }) => {
		const { init } = await import("../../core/operations/init.js");
		// this folder, not a project found upward: init makes one here
		const given = path.resolve(cwd, locator.project ?? ".");
		const dir = path.basename(given) === "pyproject.toml" ? path.dirname(given) : given;
		const result = await init(dir, { registry: flags.registry, cwd }, hooks);
		if (output.json) {
			output.data({ project: result.project, registry: result.registry, done: result.done, next: result.next });
			return 0;
		}
		for (const line of result.done) output.out(line);
		if (result.done.length === 0) output.out(`${result.project} is already an hpm project; nothing to change`);
		output.out("\nnext:");
		for (const line of result.next) output.out(`  ${line}`);
		return 0;
	},
});
