/**
 * Writes the `[tool.uv]` entries of per-machine groups (plan/machine-groups.ts) into pyproject.toml
 * and records each in `[tool.hpm] uv-owned`, as `managed` records hpm's dependencies: hpm changes
 * or removes only what that list names, and refuses to take over an entry someone else wrote.
 */
import { parse } from "smol-toml";
import { HpmError } from "../base/errors.js";
import { uvIndexUrl } from "../uv/index-url.js";
import { withIndexTable } from "./index-table.js";
import { lineEnds } from "./line-ends.js";
import { editToml, inlineToml, type TomlData, type TomlEdit } from "./toml-edit.js";
import { type Layout, tomlLayout } from "./toml-layout.js";
import { editArrayItems } from "./toml-splice.js";

/** What the record holds, as the plan layer builds it (structurally the same as its MachineRecord). */
export type OwnedEntries = {
	readonly dependencyGroups: ReadonlyMap<string, readonly string[]>;
	readonly sources: ReadonlyMap<string, readonly { readonly [key: string]: TomlData }[]>;
	readonly conflicts: readonly (readonly { readonly group: string }[])[];
	readonly indexes: readonly { readonly name: string; readonly url: string; readonly explicit: true }[];
};

type Data = Record<string, unknown>;
const table = (value: unknown): Data =>
	typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Data) : {};
const strings = (value: unknown): string[] =>
	Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];

/** `[tool.hpm] machine-groups`: the per-machine groups the project uses (normalized keys as written). */
export function projectMachineGroups(data: Data): string[] {
	return strings(table(table(data.tool).hpm)["machine-groups"]);
}

/** `[tool.hpm] uv-owned`: `dependency-groups.NAME`, `sources.NAME`, `index.NAME`, `conflicts.GROUP`. */
export function ownedEntries(data: Data): string[] {
	return strings(table(table(data.tool).hpm)["uv-owned"]);
}

/** The owned list a record makes. */
export function ownedList(record: OwnedEntries): string[] {
	return [
		...[...record.dependencyGroups.keys()].map((name) => `dependency-groups.${name}`),
		...[...record.sources.keys()].map((name) => `sources.${name}`),
		...record.indexes.map((index) => `index.${index.name}`),
		...(record.conflicts.length > 0 ? ["conflicts"] : []),
	].sort();
}

/** `text` with the record written and what it no longer holds removed; throws for an entry that is not hpm's. */
export async function withMachineEntries(original: string, file: string, record: OwnedEntries): Promise<string> {
	const { lf: text, restore } = lineEnds(original);
	const data = parse(text) as Data;
	const owned = new Set(ownedEntries(data));
	const uv = table(table(data.tool).uv);
	const groups = table(data["dependency-groups"]);
	const sources = table(uv.sources);
	const edits: TomlEdit[] = [];
	const take = (kind: string, name: string, present: boolean) => {
		if (present && !owned.has(`${kind}.${name}`))
			throw new HpmError(
				"machine-entry-taken",
				`${file} has ${kind === "sources" ? "[tool.uv.sources]" : `[${kind}]`} ${name}, which hpm did not write; a per-machine group needs it`,
				{ hint: `remove or rename your ${name} entry, then run the command again`, location: { file } },
			);
	};
	for (const [name, lines] of record.dependencyGroups) {
		take("dependency-groups", name, name in groups);
		edits.push({ path: ["dependency-groups", name], value: [...lines] });
	}
	for (const [name, entries] of record.sources) {
		take("sources", name, name in sources);
		edits.push({ path: ["tool", "uv", "sources", name], value: [...entries] });
	}
	for (const entry of owned) {
		const [kind, ...rest] = entry.split(".");
		const name = rest.join(".");
		if (kind === "dependency-groups" && !record.dependencyGroups.has(name))
			edits.push({ path: ["dependency-groups", name], value: undefined });
		if (kind === "sources" && !record.sources.has(name))
			edits.push({ path: ["tool", "uv", "sources", name], value: undefined });
	}
	// the person's conflict sets stay; hpm's are those naming only groups it owns or writes
	const ours = new Set([
		...[...owned].filter((e) => e.startsWith("dependency-groups.")).map((e) => e.slice(18)),
		...record.dependencyGroups.keys(),
	]);
	const theirs = (Array.isArray(uv.conflicts) ? (uv.conflicts as unknown[]) : []).filter(
		(set) => !(Array.isArray(set) && set.every((item) => ours.has(String(table(item).group)))),
	) as TomlData[];
	const sets = record.conflicts.map((set) => set.map((item) => ({ ...item })));
	const conflicts = [...theirs, ...sets];
	// only hpm's set changes: the person's sets keep their lines and comments
	const inPlace = conflictsInPlace(text, ours, sets, conflicts);
	if (inPlace === undefined && (conflicts.length > 0 || uv.conflicts !== undefined))
		edits.push({ path: ["tool", "uv", "conflicts"], value: conflicts.length > 0 ? conflicts : undefined });
	const list = ownedList(record);
	edits.push({ path: ["tool", "hpm", "uv-owned"], value: list.length > 0 ? list : undefined });
	let next = await editToml(inPlace ?? text, edits, file);
	for (const entry of owned)
		if (entry.startsWith("index.") && !record.indexes.some((index) => `index.${index.name}` === entry))
			next = withoutIndexTable(next, entry.slice(6));
	for (const index of record.indexes) {
		const present = indexTables(next).find((t) => t.name === index.name);
		if (present === undefined) next = withIndexTable(next, file, index) ?? next;
		else if (!owned.has(`index.${index.name}`) && present.url !== uvIndexUrl(index.url))
			take("tool.uv.index", index.name, true);
	}
	return restore(withoutEmptiedTables(text, next));
}

/** `text` with hpm's conflict sets replaced by `sets` in the person's own list, checked by a re-parse; or undefined. */
function conflictsInPlace(
	text: string,
	ours: ReadonlySet<string>,
	sets: readonly TomlData[],
	conflicts: readonly TomlData[],
): string | undefined {
	const isOurs = (item: string) => {
		const set = (parse(`v = ${item}`) as Data).v;
		return Array.isArray(set) && set.every((entry) => ours.has(String(table(entry).group)));
	};
	let next: string | undefined;
	try {
		next = editArrayItems(text, ["tool", "uv", "conflicts"], isOurs, sets.map(inlineToml));
	} catch {
		return undefined;
	}
	if (next === undefined) return undefined;
	const expected = parse(text) as Data;
	table(table(expected.tool).uv).conflicts = conflicts;
	return JSON.stringify(parseOrUndefined(next)) === JSON.stringify(expected) ? next : undefined;
}

const HPM_TABLES = new Set(['["tool","hpm"]', '["tool","uv"]', '["tool","uv","sources"]', '["dependency-groups"]']);

/**
 * `after` without the `[tool.hpm]`, `[tool.uv]`, `[tool.uv.sources]`, `[dependency-groups]` headers this edit
 * left with nothing under them (not even a comment) that held entries in `before`: hpm emptied them.
 */
function withoutEmptiedTables(before: string, after: string): string {
	const heldEntries = (layout: Layout | undefined, key: string) =>
		layout?.entries.some((entry) => JSON.stringify(entry.table) === key) ?? false;
	const old = tomlLayout(before);
	const layout = tomlLayout(after);
	if (!layout) return after;
	let out = after;
	for (const [index, header] of [...layout.headers.entries()].reverse()) {
		const key = JSON.stringify(header.path);
		if (header.array || !HPM_TABLES.has(key) || heldEntries(layout, key) || !heldEntries(old, key)) continue;
		const end = layout.headers[index + 1]?.start ?? after.length;
		const body = after.slice(after.indexOf("\n", header.start) + 1, end);
		if (after.indexOf("\n", header.start) === -1 || body.trim() !== "") continue;
		out = out.slice(0, header.start) + out.slice(end);
	}
	if (out !== after && after.endsWith("\n")) out = `${out.replace(/\n+$/, "")}\n`;
	return parseOrUndefined(out) === undefined ? after : out;
}

function parseOrUndefined(text: string): unknown {
	try {
		return parse(text);
	} catch {
		return undefined;
	}
}

function indexTables(text: string): { name: string; url: unknown }[] {
	const tables = table(table(table(parse(text)).tool).uv).index;
	return (Array.isArray(tables) ? tables : []).map((t) => ({ name: String(table(t).name), url: table(t).url }));
}

/** `text` without the `[[tool.uv.index]]` table named `name` (its header to the next header), checked by a re-parse. */
function withoutIndexTable(text: string, name: string): string {
	const lines = text.split("\n");
	const headers = lines.flatMap((line, at) => (/^\s*\[/.test(line) ? [at] : []));
	for (const [i, start] of headers.entries()) {
		if (lines[start]?.trim() !== "[[tool.uv.index]]") continue;
		const end = headers[i + 1] ?? lines.length;
		const block = lines.slice(start, end).join("\n");
		if (indexTables(block).some((t) => t.name === name)) {
			const next = [...lines.slice(0, start), ...lines.slice(end)].join("\n");
			const before = indexTables(text).filter((t) => t.name !== name);
			if (JSON.stringify(indexTables(next)) === JSON.stringify(before)) return next;
		}
	}
	return text;
}
