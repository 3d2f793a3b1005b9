import { type Context, loadContextRegistry } from "../../core/context.js";
import { type Output, styles, table } from "../output.js";
import { problemToError } from "../../core/errors.js";
import { normalizeName } from "../../core/names.js";
import type { Registry } from "../../core/registry/model.js";
import { resolveSelection, type Selection } from "../../core/selection.js";
import { makePlan, projectState } from "../../core/plan.js";

export type ListJson = {
	registry: string;
	project: string | null;
	mode: string;
	groups: {
		name: string;
		strategy: string;
		description: string;
		options: { name: string; version: string; selected: boolean }[];
		selected: string[];
		synced: boolean;
	}[];
	ungrouped: { name: string; version: string }[];
};

/** The registry's groups with the project's selection, as SPEC §6 `hpm list --json` describes. */
export function listData(context: Context, registry: Registry, selection: Selection): ListJson {
	const grouped = new Set<string>();
	const name = (key: string) => registry.packages.get(key)?.name ?? key;
	const pending = pendingKeys(context, registry, selection);
	const groups = [...registry.groups.values()].map((group) => {
		const selected = selection.get(group.key) ?? [];
		for (const option of group.options) grouped.add(option);
		return {
			name: group.name,
			strategy: group.strategy,
			description: group.description,
			options: group.options.map((key) => ({
				name: name(key),
				version: registry.packages.get(key)?.version ?? "",
				selected: selected.includes(key),
			})),
			selected: selected.map(name),
			synced: !group.options.some((key) => pending.has(key)),
		};
	});
	const ungrouped = [...registry.packages.values()]
		.filter((pkg) => !grouped.has(pkg.key))
		.map((pkg) => ({ name: pkg.name, version: pkg.version }));
	return {
		registry: registry.root,
		project: context.project?.file ?? null,
		mode: context.project?.mode ?? "prod",
		groups,
		ungrouped,
	};
}

/**
 * Packages whose state a sync would change, straight from the planner: to add, switch source or
 * remove, or selected without a source for the project's mode.
 */
function pendingKeys(context: Context, registry: Registry, selection: Selection): Set<string> {
	const project = context.project;
	if (!project) return new Set();
	const plan = makePlan(registry, selection, project.mode, projectState(project.root, project.data, project.managed));
	const planned = new Set(plan.selected.map((entry) => entry.key));
	const unplannable = [...selection.values()].flat().filter((key) => !planned.has(key));
	return new Set([...plan.add, ...plan.switch, ...plan.remove].map((entry) => entry.key).concat(unplannable));
}

export async function runList(context: Context, output: Output): Promise<number> {
	const registry = await loadContextRegistry(context);
	const { selection, problems } = context.project
		? resolveSelection(registry, context.project)
		: { selection: new Map(), problems: [] };
	const first = problems[0];
	if (first) throw problemToError(first, "fix [tool.hpm.groups] in pyproject.toml, or run `hpm group remove GROUP`");
	const data = listData(context, registry, selection);
	if (output.json) {
		output.data(data);
		return 0;
	}
	const style = styles(output.color);
	output.out(
		`${style.bold("registry")} ${data.registry}\n${style.bold("project")}  ${data.project ?? style.dim("(none: no pyproject.toml found)")}${data.project ? `  ${style.dim(`mode ${data.mode}`)}` : ""}`,
	);
	if (data.groups.length === 0) output.out(style.dim("\n(no groups)"));
	for (const group of data.groups) {
		const state = data.project === null ? "" : group.synced ? style.green("synced") : style.yellow("pending sync");
		output.out(`\n${table([[style.bold(group.name), style.cyan(group.strategy), group.description, state]]).join("")}`);
		const marks = (selected: boolean) =>
			group.strategy === "1-of-N" ? (selected ? style.green("(*)") : "( )") : selected ? style.green("[x]") : "[ ]";
		const rows = group.options.map((option) => {
			const pkg = registry.packages.get(normalizeName(option.name));
			return [`  ${marks(option.selected)}`, option.name, style.dim(option.version), style.dim(pkg?.description ?? "")];
		});
		for (const line of table(rows, " ")) output.out(line);
	}
	if (data.ungrouped.length > 0) {
		output.out(`\n${style.bold("packages in no group")}`);
		for (const line of table(data.ungrouped.map((pkg) => [`  ${pkg.name}`, style.dim(pkg.version)]))) output.out(line);
	}
	return 0;
}
