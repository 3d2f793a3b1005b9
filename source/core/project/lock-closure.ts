/**
 * What uv.lock installs on a machine whose `uv sync` takes `--group G`: the lock is universal (it
 * holds every option of a per-machine group, so the CPU option's lock lists the CUDA build's
 * `nvidia-*` libraries too), so a rule about one option looks at the packages reachable from the
 * project's own dependencies, its `dev` group (uv's default) and the given groups, not at every
 * name in the file. uv encodes each dependency group as an extra in the lock's markers (`extra ==
 * 'group-7-ml-demo-hpm-torch-backend-torch-cpu'`): those are evaluated, every other condition is
 * taken as met (a package reachable on some platform counts).
 */
import path from "node:path";
import { parse } from "smol-toml";
import { normalizeName } from "../base/names.js";
import { readRegularFile } from "../os/read-file.js";

type Edge = {
	readonly name?: unknown;
	readonly version?: unknown;
	readonly source?: unknown;
	readonly extra?: unknown;
	readonly marker?: unknown;
};
type Locked = {
	readonly name?: unknown;
	readonly version?: unknown;
	readonly source?: unknown;
	readonly dependencies?: readonly Edge[];
	readonly "optional-dependencies"?: Readonly<Record<string, readonly Edge[]>>;
	readonly "dev-dependencies"?: Readonly<Record<string, readonly Edge[]>>;
};

/** Normalized names of the packages `uv sync --group …groups` installs from `root`'s uv.lock; empty without one. */
export function lockedClosure(root: string, groups: readonly string[]): string[] {
	let entries: readonly Locked[];
	try {
		const text = readRegularFile(path.join(root, "uv.lock"), 100_000_000).toString("utf8");
		entries = ((parse(text) as { package?: Locked[] }).package ?? []).filter((entry) => typeof entry.name === "string");
	} catch {
		return [];
	}
	const byName = new Map<string, Locked[]>();
	for (const entry of entries) {
		const key = normalizeName(String(entry.name));
		byName.set(key, [...(byName.get(key) ?? []), entry]);
	}
	// the extras uv names the chosen groups by: `group-<length>-<project>-<group>`
	const own = entries.filter((e) => isOwn(e.source)).map((e) => normalizeName(String(e.name)));
	const active = new Set(own.flatMap((name) => groups.map((group) => `group-${name.length}-${name}-${group}`)));
	const seen = new Set<Locked>();
	const reached = new Set<string>();
	const follow = (edges: readonly Edge[] | undefined) => {
		for (const edge of edges ?? []) {
			if (typeof edge.name !== "string") continue;
			if (typeof edge.marker === "string" && !holds(edge.marker, active)) continue;
			const matches = (byName.get(normalizeName(edge.name)) ?? []).filter(
				(entry) =>
					(edge.version === undefined || edge.version === entry.version) &&
					(edge.source === undefined || JSON.stringify(edge.source) === JSON.stringify(entry.source)),
			);
			for (const entry of matches) visit(entry, Array.isArray(edge.extra) ? edge.extra.map(String) : []);
		}
	};
	const visit = (entry: Locked, extras: readonly string[]) => {
		if (seen.has(entry) && extras.length === 0) return;
		seen.add(entry);
		reached.add(normalizeName(String(entry.name)));
		follow(entry.dependencies);
		for (const extra of extras) follow(entry["optional-dependencies"]?.[extra]);
	};
	// the project itself (and a workspace's members): the packages built from the lock's own folder
	for (const entry of entries.filter((e) => isOwn(e.source))) {
		seen.add(entry);
		follow(entry.dependencies);
		for (const group of ["dev", ...groups]) follow(entry["dev-dependencies"]?.[group]);
	}
	return [...reached].sort();
}

function isOwn(source: unknown): boolean {
	if (typeof source !== "object" || source === null) return false;
	const record = source as Record<string, unknown>;
	// the project is virtual or editable; a workspace member is editable below it, a path dependency outside
	return ["virtual", "editable"].some(
		(kind) => typeof record[kind] === "string" && !String(record[kind]).startsWith(".."),
	);
}

/**
 * A lock marker under the chosen groups: an `extra` comparison says whether its group is chosen
 * (a group uv encodes, `group-…`) or is taken as met; every other comparison is met. The lock's
 * markers are uv's own canonical form: comparisons joined by `and`, `or` and parentheses.
 */
export function holds(marker: string, active: ReadonlySet<string>): boolean {
	const tokens = marker.match(/\(|\)|'[^']*'|"[^"]*"|[^\s()'"]+/g) ?? [];
	let at = 0;
	const atom = (): boolean => {
		if (tokens[at] === "(") {
			at++;
			const value = or();
			at++; // ")"
			return value;
		}
		const [left = "", op = "", right = ""] = tokens.slice(at, at + 3);
		at += op === "not" ? 4 : 3;
		const literal = (text: string) => text.replace(/^['"]|['"]$/g, "");
		if (left === "extra" && literal(right).startsWith("group-"))
			return op === "==" ? active.has(literal(right)) : op === "!=" ? !active.has(literal(right)) : true;
		return true;
	};
	const and = (): boolean => {
		let value = atom();
		while (tokens[at] === "and") {
			at++;
			value = atom() && value;
		}
		return value;
	};
	const or = (): boolean => {
		let value = and();
		while (tokens[at] === "or") {
			at++;
			value = and() || value;
		}
		return value;
	};
	return or();
}
