import type { ChoiceResult } from "../core/operations/choose.js";
import type { Output } from "./output.js";

/** What `group add` and `group remove` print: the change, and that a sync applies it. */
export function printChoice(output: Output, result: ChoiceResult): number {
	if (output.json) {
		const { group, selected, changed, project, breaks } = result;
		output.data({ group, selected, changed, message: result.message, project, breaks });
	} else {
		output.out(result.message);
		// written (the file is the person's), but a check will fail until the rule is kept
		for (const rule of result.breaks) output.err(`warning: this breaks a rule of the registry: ${rule}`);
		if (result.changed) output.out("run `hpm sync` to apply it to the environment");
	}
	return 0;
}
