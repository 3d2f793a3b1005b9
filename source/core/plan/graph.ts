import { choiceKind } from "../registry/choice-kind.js";
import type { Strategy } from "../registry/schema.js";
import type { Locator } from "./context.js";
import { openSelection } from "./open-selection.js";
import type { Problem } from "../base/errors.js";
import type { Registry } from "../registry/model.js";
import type { Selection } from "./selection.js";

/** The component graph: interfaces, the packages that implement them, the groups that offer them, the choice. */
export type Graph = {
	readonly interfaces: readonly { readonly name: string; readonly implementations: readonly string[] }[];
	readonly groups: readonly {
		readonly name: string;
		readonly strategy: Strategy;
		readonly interface: string | undefined;
		readonly defaults: readonly string[];
		readonly required: boolean;
		readonly min: number | undefined;
		readonly max: number | undefined;
		readonly options: readonly {
			readonly name: string;
			readonly selected: boolean;
			readonly requires: readonly string[];
			readonly conflicts: readonly string[];
		}[];
	}[];
	/** Packages no group offers (libraries such as an interface package). */
	readonly ungrouped: readonly string[];
	/** Whether there is a project (its choice is marked) . */
	readonly project: boolean;
	/** What did not load: files left out of the graph, each a problem. */
	readonly problems: readonly Problem[];
};

export const GRAPH_FORMATS = ["text", "json", "dot", "mermaid"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** The graph of `registry`, with `selection` (undefined outside a project) marked. */
export function graphOf(
	registry: Registry,
	selection: Selection | undefined,
	problems: readonly Problem[] = [],
): Graph {
	const name = (key: string) => registry.packages.get(key)?.name ?? key;
	const interfaceKeys = new Set<string>();
	for (const pkg of registry.packages.values()) for (const key of pkg.provides) interfaceKeys.add(key);
	for (const group of registry.groups.values()) if (group.interface) interfaceKeys.add(group.interface);
	const offered = new Set([...registry.groups.values()].flatMap((g) => g.options));
	return {
		interfaces: [...interfaceKeys].sort().map((key) => ({
			name: registry.packages.get(key)?.name ?? key,
			implementations: [...registry.packages.values()].filter((p) => p.provides.includes(key)).map((p) => p.name),
		})),
		groups: [...registry.groups.values()].map((group) => ({
			name: group.name,
			strategy: group.strategy,
			interface: group.interface === undefined ? undefined : name(group.interface),
			defaults: group.defaults.map(name),
			required: group.required,
			min: group.min,
			max: group.max,
			options: group.options.map((option) => {
				const rules = (kind: "requires" | "conflicts") =>
					group.constraints.filter((c) => c.option === option && c.kind === kind).map((c) => c.text);
				return {
					name: name(option),
					selected: (selection?.get(group.key) ?? []).includes(option),
					requires: rules("requires"),
					conflicts: rules("conflicts"),
				};
			}),
		})),
		ungrouped: [...registry.packages.values()].filter((p) => !offered.has(p.key)).map((p) => p.name),
		project: selection !== undefined,
		problems,
	};
}

/** The graph in one of the formats `hpm graph` prints (`json` is left to the caller's JSON output). */
export function renderGraph(graph: Graph, format: Exclude<GraphFormat, "json">): string[] {
	if (format === "dot") return dot(graph);
	if (format === "mermaid") return mermaid(graph);
	return tree(graph);
}

function tree(graph: Graph): string[] {
	const lines: string[] = [];
	const branch = (items: readonly string[]) =>
		items.map((item, index) => `${index === items.length - 1 ? "└── " : "├── "}${item}`);
	for (const face of graph.interfaces) {
		lines.push(`${face.name} (interface)`);
		const offeredIn = (pkg: string) =>
			graph.groups.filter((g) => g.options.some((o) => o.name === pkg)).map((g) => g.name);
		lines.push(
			...branch(
				face.implementations.length === 0
					? ["(nothing provides it yet)"]
					: face.implementations.map((pkg) => {
							const groups = offeredIn(pkg);
							return groups.length ? `${pkg}  in ${groups.join(", ")}` : `${pkg}  (in no group)`;
						}),
			),
		);
	}
	for (const group of graph.groups) {
		const about = [
			group.strategy,
			group.interface ? `interface ${group.interface}` : "",
			group.defaults.length ? `default ${group.defaults.join("+")}` : "",
			group.required ? "required" : "",
			group.min !== undefined ? `min ${group.min}` : "",
			group.max !== undefined ? `max ${group.max}` : "",
		].filter(Boolean);
		lines.push(`${group.name} (${about.join(", ")})`);
		const mark = (selected: boolean) =>
			!graph.project ? "" : choiceKind(group) === "replace" ? (selected ? "(*) " : "( ) ") : selected ? "[x] " : "[ ] ";
		lines.push(
			...branch(
				group.options.map((option) =>
					[
						`${mark(option.selected)}${option.name}`,
						...option.requires.map((r) => `requires ${r}`),
						...option.conflicts.map((c) => `conflicts ${c}`),
					].join("  "),
				),
			),
		);
	}
	if (graph.ungrouped.length > 0) lines.push(`(no group): ${graph.ungrouped.join(", ")}`);
	return lines;
}

/** An identifier for a node: its kind and its name (normalized names hold only a-z, 0-9 and '-'). */
const id = (kind: "i" | "p" | "g", name: string) => `${kind}_${name.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`;
const quote = (text: string) => `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;

function dot(graph: Graph): string[] {
	const lines = ["digraph hpm {", "  rankdir=LR;", "  node [fontname=Helvetica];"];
	const packages = new Set<string>();
	for (const face of graph.interfaces) {
		lines.push(`  ${id("i", face.name)} [label=${quote(face.name)}, shape=ellipse, style=dashed];`);
		for (const pkg of face.implementations) {
			packages.add(pkg);
			lines.push(`  ${id("p", pkg)} -> ${id("i", face.name)} [label="provides", style=dashed];`);
		}
	}
	for (const group of graph.groups) {
		lines.push(`  ${id("g", group.name)} [label=${quote(`${group.name}\n${group.strategy}`)}, shape=folder];`);
		for (const option of group.options) {
			packages.add(option.name);
			lines.push(`  ${id("g", group.name)} -> ${id("p", option.name)}${option.selected ? " [penwidth=3]" : ""};`);
			for (const target of option.requires)
				lines.push(
					`  ${id("p", option.name)} -> ${id("p", target.split("=")[1] ?? target)} [label="requires", color=blue];`,
				);
			for (const target of option.conflicts)
				lines.push(
					`  ${id("p", option.name)} -> ${id("p", target.split("=")[1] ?? target)} [label="conflicts", color=red, dir=both];`,
				);
		}
	}
	for (const pkg of [...packages, ...graph.ungrouped])
		lines.push(`  ${id("p", pkg)} [label=${quote(pkg)}, shape=box];`);
	lines.push("}");
	return [...new Set(lines)];
}

function mermaid(graph: Graph): string[] {
	const lines = ["graph LR"];
	for (const face of graph.interfaces) {
		lines.push(`  ${id("i", face.name)}(["${face.name}"])`);
		for (const pkg of face.implementations)
			lines.push(`  ${id("p", pkg)}["${pkg}"] -. provides .-> ${id("i", face.name)}`);
	}
	for (const group of graph.groups) {
		lines.push(`  ${id("g", group.name)}[/"${group.name} (${group.strategy})"/]`);
		for (const option of group.options) {
			lines.push(
				`  ${id("g", group.name)} ${option.selected ? "==>" : "-->"} ${id("p", option.name)}["${option.name}"]`,
			);
			for (const target of option.requires)
				lines.push(`  ${id("p", option.name)} -- requires --> ${id("p", target.split("=")[1] ?? target)}`);
			for (const target of option.conflicts)
				lines.push(`  ${id("p", option.name)} x-- conflicts --x ${id("p", target.split("=")[1] ?? target)}`);
		}
	}
	for (const pkg of graph.ungrouped) lines.push(`  ${id("p", pkg)}["${pkg}"]`);
	return lines;
}

/** The graph of the registry the project (or `-r`) uses, the project's choice marked. */
export async function loadGraph(locator: Locator, cwd: string): Promise<Graph> {
	const { project, registry, registryProblems, selection } = await openSelection(
		{ locator, cwd },
		{ project: "optional" },
	);
	return graphOf(registry, project ? selection : undefined, registryProblems);
}
