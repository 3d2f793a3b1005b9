import { displayPath } from "../../core/base/display-path.js";
import { describeSource, sourceJson } from "../../core/registry/describe.js";
import { show } from "../../core/plan/show.js";
import { defineCommand } from "../command.js";
import { styles, table } from "../output.js";

export default defineCommand({
	usage: "hpm show NAME [options]",
	description:
		"One group, package or interface: manifest, sources per mode, groups offering it, selected?, locked version; for an interface, the packages that implement it and the groups offering them.",
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
			output.out(`${style.dim("file")}     ${displayPath(shown.file)}`);
			for (const file of shown.hidden)
				output.out(`${style.dim("hides")}    ${file} ${style.dim("(a later registry layer)")}`);
			if (shown.interface) output.out(`${style.dim("interface")} ${shown.interface}`);
			if (shown.defaults.length > 0) output.out(`${style.dim("default")}  ${shown.defaults.join(", ")}`);
			const limits = [
				shown.required ? "a choice is required" : "",
				shown.min !== undefined ? `at least ${shown.min}` : "",
				shown.max !== undefined ? `at most ${shown.max}` : "",
			].filter(Boolean);
			if (limits.length > 0) output.out(`${style.dim("choice")}   ${limits.join(", ")}`);
			output.out(style.dim("options"));
			const rows = shown.options.map((o) => [o.selected ? style.green("  *") : "   ", o.name, style.dim(o.version)]);
			for (const line of table(rows, " ")) output.out(line);
			if (shown.rules.length > 0) {
				output.out(style.dim("rules"));
				for (const rule of shown.rules) output.out(`  ${rule}`);
			}
			return 0;
		}
		if (shown.kind === "interface") {
			if (output.json) {
				output.data(shown);
				return 0;
			}
			output.out(`${style.bold(shown.name)}  ${style.dim("interface")}`);
			printImplementations(shown);
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
				hidden: shown.hidden,
				selected: shown.selectedIn.length > 0,
				selectedIn: shown.selectedIn,
				locked: shown.locked,
				provides: shown.provides,
				replaces: shown.replaces,
				implementations: shown.implementations,
				interfaceOf: shown.interfaceOf,
			});
			return 0;
		}
		output.out(`${style.bold(shown.name)} ${shown.version}  ${style.dim("package")}`);
		if (shown.description) output.out(shown.description);
		const rows: string[][] = [["file", displayPath(shown.file)]];
		for (const file of shown.hidden) rows.push(["hides", `${file} ${style.dim("(a later registry layer)")}`]);
		for (const [mode, source] of shown.sources) {
			const current = shown.projectMode === mode ? style.green(" (project mode)") : "";
			rows.push([`source ${mode}`, `${describeSource(source)}${current}`]);
		}
		rows.push(["groups", shown.groups.join(", ") || style.dim("none")]);
		rows.push(["selected", shown.selectedIn.length ? `yes, in ${shown.selectedIn.join(", ")}` : "no"]);
		rows.push(["locked", shown.locked ?? style.dim("not in uv.lock")]);
		if (shown.provides.length > 0) rows.push(["provides", shown.provides.join(", ")]);
		if (shown.replaces.length > 0)
			rows.push(["replaces", `${shown.replaces.join(", ")} ${style.dim("(kept out of uv.lock while chosen)")}`]);
		for (const line of table(rows.map(([label, value]) => [style.dim(label ?? ""), value ?? ""]))) output.out(line);
		// a package that is also an interface: what implements it
		if (shown.implementations.length > 0 || shown.interfaceOf.length > 0) printImplementations(shown);
		return 0;

		function printImplementations(shown: {
			readonly implementations: readonly {
				readonly name: string;
				readonly version: string;
				readonly groups: readonly string[];
			}[];
			readonly interfaceOf: readonly string[];
		}) {
			output.out(style.dim("implemented by"));
			const rows = shown.implementations.map((i) => [
				`  ${i.name}`,
				style.dim(i.version),
				i.groups.length ? `offered in ${i.groups.join(", ")}` : style.dim("in no group"),
			]);
			for (const line of rows.length ? table(rows) : [style.dim("  nothing provides it yet")]) output.out(line);
			if (shown.interfaceOf.length > 0)
				output.out(`${style.dim("groups of this interface")} ${shown.interfaceOf.join(", ")}`);
		}
	},
});
