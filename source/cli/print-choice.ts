import type { ChoiceResult } from "../core/operations/choose.js";
import type { Output } from "./output.js";

/** What `group add` and `group remove` print: the change, and that a sync applies it. */
export function printChoice(output: Output, result: ChoiceResult): number {
	if (output.json) {
		const { group, selected, changed, message, project } = result;
		output.data({ group, selected, changed, message, project });
	} else {
		output.out(result.message);
		if (result.changed) output.out("run `hpm sync` to apply it to the environment");
	}
	return 0;
}
