import { why } from "../../core/plan/why.js";
import { defineCommand } from "../command.js";
import { styles } from "../output.js";

export default defineCommand({
	usage: "hpm why PACKAGE [options]",
	description:
		"Why a package is in the environment: each chain in uv.lock from the project to it, and the group=option that starts it (like pnpm why). A registry option not chosen says which choice would bring it; a distribution a chosen option replaces, which option replaced it.",
	args: ["PACKAGE"],
	flags: {},
	run: async ({ locator, cwd, output, args }) => {
		const found = await why(locator, cwd, args[0] ?? "");
		if (output.json) {
			output.data(found);
			return 0;
		}
		const style = styles(output.color);
		if (found.locked === undefined) {
			output.out(
				`${style.bold(found.package)} is not in uv.lock${found.lockFound ? "" : " (there is no uv.lock yet: hpm sync writes it)"}`,
			);
			for (const choice of found.replacedBy)
				output.out(`  replaced by ${choice} (its manifest's replaces:), so hpm keeps it out of uv.lock`);
			for (const choice of found.wouldCome) output.out(`  choosing ${choice} would bring it`);
			return found.wouldCome.length > 0 || found.replacedBy.length > 0 || !found.lockFound ? 0 : 1;
		}
		output.out(`${style.bold(found.package)} ${found.locked}`);
		// locked although replaced: the project's exclusions were changed by hand, or not synced yet
		for (const choice of found.replacedBy) output.out(style.dim(`  replaced by ${choice}: \`hpm sync\` keeps it out`));
		if (found.chains.length === 0)
			output.out(style.dim("  nothing in the project depends on it (uv.lock lists it alone)"));
		for (const chain of found.chains)
			output.out(
				`  ${chain.path.join(" → ")}${chain.via ? `  ${style.dim(`(chosen: ${chain.via})`)}` : style.dim("  (a dependency of the project itself)")}`,
			);
		return 0;
	},
});
