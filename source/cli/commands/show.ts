import { describeSource, sourceJson } from "../../core/registry/describe.js";
import { show } from "../../core/show.js";
import { defineCommand } from "../command.js";
import { styles, table } from "../output.js";

export default defineCommand({
	usage: "hpm show NAME [options]",
	description: "One group or package: manifest, sources per mode, groups offering it, selected?, locked version.",
	args: ["NAME"],
	flags: {},
	run: async ({ locator, cwd, output, args }) => {
		const shown = await show(locator, cwd, args[0] ?? "");
		const style = styles(output.color);
		if (shown.kind === "group") {
			if (output.json) {
				output.data(shown);
				return 0;
			}
			output.out(`${style.bold(shown.name)}  ${style.cyan(shown.strategy)}  ${style.dim("group")}`);
			if (shown.description) output.out(shown.description);
			output.out(`${style.dim("file")}     ${shown.file}`);
			output.out(style.dim("options"));
			const rows = shown.options.map((o) => [o.selected ? style.green("  *") : "   ", o.name, style.dim(o.version)]);
			for (const line of table(rows, " ")) output.out(line);
			return 0;
		}
		if (output.json) {
			output.data({
				kind: "package",
				name: shown.name,
				version: shown.version,
				description: shown.description,
				sources: Object.fromEntries(shown.sources.map(([mode, source]) => [mode, sourceJson(source)])),
				groups: shown.groups,
				file: shown.file,
				selected: shown.selectedIn.length > 0,
				selectedIn: shown.selectedIn,
				locked: shown.locked,
			});
			return 0;
		}
		output.out(`${style.bold(shown.name)} ${shown.version}  ${style.dim("package")}`);
		if (shown.description) output.out(shown.description);
		const rows: string[][] = [["file", shown.file]];
		for (const [mode, source] of shown.sources) {
			const current = shown.projectMode === mode ? style.green(" (project mode)") : "";
			rows.push([`source ${mode}`, `${describeSource(source)}${current}`]);
		}
		rows.push(["groups", shown.groups.join(", ") || style.dim("none")]);
		rows.push(["selected", shown.selectedIn.length ? `yes, in ${shown.selectedIn.join(", ")}` : "no"]);
		rows.push(["locked", shown.locked ?? style.dim("not in uv.lock")]);
		for (const line of table(rows.map(([label, value]) => [style.dim(label ?? ""), value ?? ""]))) output.out(line);
		return 0;
	},
});
