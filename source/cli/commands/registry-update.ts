import { HpmError } from "../../core/base/errors.js";
import { defineCommand } from "../command.js";
import { operationSignal } from "../signals.js";

const MOVE_NOTE = {
	same: "",
	new: "",
	forward: "",
	backward: " (backwards)",
	rewritten: " (across a rewritten history)",
	gone: " (the pinned commit is gone from the registry)",
} as const;

export default defineCommand({
	usage: "hpm registry update [--dry-run] [options]",
	description:
		"Fetches each git registry of [tool.hpm] registry and moves [tool.hpm] registry-rev to its ref's newest commit,\n" +
		"refusing without --force a move backwards or across a rewritten history (a force-push),\n" +
		"showing first what that changes for this project's selection (packages added, removed, changed)\n" +
		"and the options added to or removed from the groups it chooses in.\n" +
		"Then run `hpm sync` to apply it. check and sync read the pinned commit, offline once hpm's cache has it.",
	writes: true,
	args: [],
	flags: {
		"dry-run": { type: "boolean", help: "show what would change; write nothing" },
		force: {
			type: "boolean",
			help: "move a pin backwards or across a rewritten history (force-push) too; without it hpm refuses",
		},
	},
	run: async ({ locator, cwd, output, flags, hooks }) => {
		const { updateRegistry } = await import("../../core/operations/registry-update.js");
		const interrupt = operationSignal();
		let result;
		try {
			result = await updateRegistry(locator, cwd, {
				dryRun: flags["dry-run"],
				force: flags.force,
				signal: interrupt.signal,
				hooks,
			});
		} catch (error) {
			const code = interrupt.exitCode();
			if (code !== undefined)
				throw new HpmError("interrupted", error instanceof HpmError ? error.message : "interrupted", {
					exitCode: code,
				});
			throw error;
		} finally {
			interrupt.dispose();
		}
		if (output.json) {
			output.data({
				pins: result.pins,
				changes: result.changes,
				written: result.written,
				fetchedOnly: result.fetchedOnly,
			});
			return 0;
		}
		if (result.fetchedOnly) {
			for (const pin of result.pins) output.out(`${pin.registry} at ${pin.to.slice(0, 12)}`);
			output.out(result.message);
			return 0;
		}
		for (const pin of result.pins)
			output.out(
				pin.from === pin.to
					? `= ${pin.registry} at ${pin.to.slice(0, 12)} (newest)`
					: `~ ${pin.registry}: ${pin.from?.slice(0, 12) ?? "unpinned"} -> ${pin.to.slice(0, 12)}${MOVE_NOTE[pin.move ?? "forward"]}`,
			);
		const sign = { added: "+", removed: "-", changed: "~", "option-added": "+", "option-removed": "-" } as const;
		for (const change of result.changes)
			output.out(`  ${sign[change.kind]} ${change.name}: ${change.details.join("; ")}`);
		if (result.changes.length === 0 && result.pins.some((pin) => pin.from !== pin.to))
			output.out("  nothing the selection uses changed");
		output.out(result.message);
		return 0;
	},
});
