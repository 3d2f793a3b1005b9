import { addGroup, GROUP_INPUTS } from "../../core/operations/registry/add-group.js";
import { defineCommand } from "../command.js";

export default defineCommand({
	usage: "hpm registry group add NAME --strategy 1-of-N|M-of-N [--option NAME]... [--default NAME] [options]",
	description:
		"Writes registry/groups/<name>.yaml. 1-of-N: a project picks exactly one option; M-of-N: any subset.\nOptions can be listed now or added later with `hpm registry add --group NAME`.",
	writes: true,
	args: ["NAME"],
	flags: GROUP_INPUTS,
	run: async ({ locator, cwd, output, args, flags, hooks }) => {
		const added = await addGroup(locator, cwd, { ...flags, name: args[0] ?? "", options: flags.option }, hooks);
		if (output.json) {
			const { name, strategy, file, options, action } = added;
			output.data({ name, strategy, file, options, action });
			return 0;
		}
		output.out(added.message);
		return 0;
	},
});
