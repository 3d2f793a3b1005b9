import { type Context, loadContextRegistry } from "../../core/context.js";
import { type Output, styles, table } from "../output.js";
import { HpmError } from "../../core/errors.js";
import { closest, normalizeName } from "../../core/names.js";
import { lockedVersions } from "../../core/project/dependencies.js";

import { groupsOffering, type Registry, type Source } from "../../core/registry/model.js";
import { optionNames, resolveSelection } from "../../core/selection.js";

export function sourceJson(source: Source): Record<string, unknown> {
	if (source.type === "local")
		return {
			type: "local",
			path: source.rawPath,
			resolved: source.path,
			editable: source.editable,
		};
	return {
		type: "git",
		url: source.url,
		...(source.ref ? { [source.ref.kind]: source.ref.value } : {}),
		...(source.subdirectory ? { subdirectory: source.subdirectory } : {}),
	};
}

export function describeSource(source: Source): string {
	if (source.type === "local") return `local ${source.rawPath}${source.editable ? " (editable)" : ""}`;
	const ref = source.ref ? ` ${source.ref.kind} ${source.ref.value}` : "";
	return `git ${source.url}${ref}${source.subdirectory ? ` subdirectory ${source.subdirectory}` : ""}`;
}

export async function runShow(context: Context, output: Output, name: string): Promise<number> {
	const registry = await loadContextRegistry(context);
	const key = normalizeName(name);
	const selection = context.project
		? resolveSelection(registry, context.project).selection
		: new Map<string, readonly string[]>();
	const style = styles(output.color);
	const group = registry.groups.get(key);
	if (group) {
		const selected = selection.get(group.key) ?? [];
		if (output.json) {
			output.data({
				kind: "group",
				name: group.name,
				strategy: group.strategy,
				description: group.description,
				options: group.options.map((option) => ({
					name: registry.packages.get(option)?.name ?? option,
					version: registry.packages.get(option)?.version ?? "",
					selected: selected.includes(option),
				})),
				file: group.location.file,
				selected: selected.length > 0,
			});
			return 0;
		}
		output.out(`${style.bold(group.name)}  ${style.cyan(group.strategy)}  ${style.dim("group")}`);
		if (group.description) output.out(group.description);
		output.out(`${style.dim("file")}     ${group.location.file}`);
		output.out(style.dim("options"));
		const names = optionNames(registry, group);
		for (const line of table(
			group.options.map((option, i) => [
				selected.includes(option) ? style.green("  *") : "   ",
				names[i] ?? option,
				style.dim(registry.packages.get(option)?.version ?? ""),
			]),
			" ",
		)) {
			output.out(line);
		}
		return 0;
	}
	const pkg = registry.packages.get(key);
	if (!pkg) throw notFound(registry, name);
	const offering = groupsOffering(registry, pkg.key);
	const selectedIn = offering.filter((g) => (selection.get(g.key) ?? []).includes(pkg.key)).map((g) => g.name);
	const locked = context.project ? (lockedVersions(context.project.root).get(pkg.key) ?? null) : null;
	if (output.json) {
		output.data({
			kind: "package",
			name: pkg.name,
			version: pkg.version,
			description: pkg.description,
			sources: Object.fromEntries([...pkg.sources].map(([mode, source]) => [mode, sourceJson(source)])),
			groups: offering.map((g) => g.name),
			file: pkg.location.file,
			selected: selectedIn.length > 0,
			selectedIn,
			locked,
		});
		return 0;
	}
	output.out(`${style.bold(pkg.name)} ${pkg.version}  ${style.dim("package")}`);
	if (pkg.description) output.out(pkg.description);
	const rows: string[][] = [["file", pkg.location.file]];
	for (const [mode, source] of pkg.sources) {
		const current = context.project?.mode === mode ? style.green(" (project mode)") : "";
		rows.push([`source ${mode}`, `${describeSource(source)}${current}`]);
	}
	rows.push(["groups", offering.map((g) => g.name).join(", ") || style.dim("none")]);
	rows.push(["selected", selectedIn.length ? `yes, in ${selectedIn.join(", ")}` : "no"]);
	rows.push(["locked", locked ?? style.dim("not in uv.lock")]);
	for (const line of table(rows.map(([label, value]) => [style.dim(label ?? ""), value ?? ""]))) output.out(line);
	return 0;
}

function notFound(registry: Registry, name: string): HpmError {
	const names = [...registry.groups.values(), ...registry.packages.values()].map((x) => x.name);
	const match = closest(name, names);
	return new HpmError("not-found", `no group or package named "${name}" in ${registry.root}`, {
		hint: match
			? `did you mean "${match}"? (hpm search ${name} lists close matches)`
			: `hpm search ${name} lists close matches`,
	});
}
