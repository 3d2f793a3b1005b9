import path from "node:path";
import { normalizeName, requirementName } from "../base/names.js";
import type { Plan, PlanEntry } from "../plan/plan.js";
import { uvSourceEntry } from "../plan/uv-record.js";
import type { Project } from "../project/project.js";
import type { Source } from "../registry/model.js";
import { uvIndexUrl } from "../uv/index-url.js";
import { type MachineEntry, writeMachineEntry } from "./would-be-machine.js";

/**
 * The project's pyproject.toml data as it would be after the plan, with every path source
 * made absolute so the copy resolves from another folder.
 */
export function wouldBeProject(
	project: Project,
	plan: Plan,
	members: ReadonlySet<string> = new Set(),
	machine: ReadonlyMap<string, MachineEntry> = new Map(),
): Record<string, unknown> {
	const data = structuredClone(project.data);
	const table = (parent: Record<string, unknown>, key: string): Record<string, unknown> => {
		const value = parent[key];
		if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
		const created: Record<string, unknown> = {};
		parent[key] = created;
		return created;
	};
	const projectTable = table(data, "project");
	const removed = new Set(plan.remove.map((r) => r.key));
	const dependencies = (Array.isArray(projectTable.dependencies) ? projectTable.dependencies : []).filter(
		(r) => !removed.has(normalizeName(requirementName(r) ?? "")),
	);
	for (const entry of plan.add)
		if (!machine.has(entry.key)) dependencies.push(writtenRequirement(entry.source) ?? entry.name);
	for (const entry of plan.switch) {
		const written = writtenRequirement(entry.source);
		if (written === undefined) continue;
		const at = dependencies.findIndex((r) => normalizeName(requirementName(r) ?? "") === entry.key);
		if (at !== -1) dependencies[at] = written;
	}
	projectTable.dependencies = dependencies;

	absoluteUvPaths(data, project.root);
	const sources = table(table(table(data, "tool"), "uv"), "sources");
	for (const name of Object.keys(sources)) if (removed.has(normalizeName(name))) delete sources[name];
	for (const entry of [...plan.add, ...plan.switch]) {
		const inGroup = machine.get(entry.key);
		if (inGroup) {
			writeMachineEntry(data, entry, inGroup);
			continue;
		}
		for (const name of Object.keys(sources)) if (normalizeName(name) === entry.key) delete sources[name];
		const recorded = recordedSource(entry, members);
		if (recorded) sources[entry.name] = recorded;
	}
	addIndexTables(table(data, "tool"), [...plan.add, ...plan.switch]);
	// what the chosen options replace is out of the lock, as sync writes it
	const exclusions = plan.exclusions;
	if (exclusions && !exclusions.now.unusable) {
		const uv = table(table(data, "tool"), "uv");
		if (exclusions.final.list) uv["exclude-dependencies"] = [...exclusions.final.list];
		else delete uv["exclude-dependencies"];
	}
	return data;
}

/**
 * The requirement `[project] dependencies` records for a source as written, or undefined when the
 * package's name is the whole requirement. An index source's is kept as written (uv rewrites it,
 * to the same meaning).
 */
function writtenRequirement(source: Source): string | undefined {
	switch (source.type) {
		case "index":
			return source.requirement.trim();
		case "git":
		case "local":
			return undefined;
	}
	const exhaustive: never = source;
	return exhaustive;
}

/** What `[tool.uv.sources]` records for an entry: a local folder that is a workspace member is `workspace = true`. */
function recordedSource(entry: PlanEntry, members: ReadonlySet<string>): Record<string, string | boolean> | undefined {
	const { source } = entry;
	switch (source.type) {
		case "local":
			return members.has(source.path)
				? { workspace: true, ...(source.editable ? {} : { editable: false }) }
				: uvSourceEntry(source, entry.index);
		case "git":
		case "index":
			return uvSourceEntry(source, entry.index);
	}
	const exhaustive: never = source;
	return exhaustive;
}

/**
 * The `[[tool.uv.index]]` table of each declared index the entries use, as `uv add --index`
 * records it (the URL as uv writes it; an existing table of that name gets the URL). `explicit`
 * is what `hpm sync` writes for an explicit index.
 */
function addIndexTables(tool: Record<string, unknown>, entries: readonly Plan["add"][number][]): void {
	const uv = tool.uv as Record<string, unknown>;
	const tables: Record<string, unknown>[] = Array.isArray(uv.index) ? (uv.index as Record<string, unknown>[]) : [];
	for (const entry of entries) {
		const index = entry.index;
		if (!index) continue;
		const found = tables.find((t) => typeof t === "object" && t !== null && t.name === index.name);
		if (found) found.url = uvIndexUrl(index.url);
		else tables.push({ name: index.name, url: uvIndexUrl(index.url), ...(index.explicit ? { explicit: true } : {}) });
	}
	if (tables.length > 0) uv.index = tables;
}

/**
 * Makes every path uv reads from a pyproject.toml relative to its folder absolute, in place: the
 * copy is read from a scratch folder, where `../ext/pkg` or `wheels` would point at nothing. Those
 * are `[tool.uv.sources]` paths (a table or a list of them), `[tool.uv] find-links`, and the URL
 * of a `[[tool.uv.index]]` given as a path (a flat index of wheels). Whether any changed.
 */
export function absoluteUvPaths(data: Record<string, unknown>, dir: string): boolean {
	const uv = asRecord(asRecord(data.tool)?.uv);
	if (!uv) return false;
	let changed = false;
	const local = (value: unknown): value is string =>
		typeof value === "string" && value !== "" && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value);
	const sources = asRecord(uv.sources);
	for (const entry of Object.values(sources ?? {}))
		for (const one of Array.isArray(entry) ? entry : [entry]) {
			const source = asRecord(one);
			if (source && typeof source.path === "string") {
				source.path = path.resolve(dir, source.path);
				changed = true;
			}
		}
	if (Array.isArray(uv["find-links"]))
		uv["find-links"] = uv["find-links"].map((link: unknown) => {
			if (!local(link)) return link;
			changed = true;
			return path.resolve(dir, link);
		});
	if (Array.isArray(uv.index))
		for (const table of uv.index) {
			const index = asRecord(table);
			if (index && local(index.url)) {
				index.url = path.resolve(dir, index.url);
				changed = true;
			}
		}
	return changed;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}
