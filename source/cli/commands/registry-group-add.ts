import { addGroup } from "../../core/registry/add-group.js";
import { defineCommand } from "../command.js";

export default defineCommand({
	usage: "hpm registry group add NAME --strategy 1-of-N|M-of-N [--description TEXT] [--option NAME]... [options]",
	description:
		"Writes registry/groups/<name>.yaml. 1-of-N: a project picks exactly one option; M-of-N: any subset.\nOptions can be listed now or added later with `hpm registry add --group NAME`.",
	writes: true,
	args: ["NAME"],
	flags: {
		strategy: { type: "string", value: "1-of-N|M-of-N", help: "how many options a project picks" },
		description: { type: "string", value: "TEXT", help: "one line for list and search" },
		option: { type: "string", short: "o", multiple: true, value: "NAME", help: "a package to offer (repeatable)" },
	},
	run: async ({ locator, cwd, output, args, flags, hooks }) => {
		const added = await addGroup(
			locator,
			cwd,
			{ name: args[0] ?? "", strategy: flags.strategy, description: flags.description, options: flags.option },
			hooks,
		);
		if (output.json) {
			const { name, strategy, file, options, action } = added;
			output.data({ name, strategy, file, options, action });
			return 0;
		}
		output.out(added.message);
		return 0;
	},
});
