import { parse } from "smol-toml";

/** A package of uv.lock as a change (a rollback, an upgrade) moves it: from null is new, to null is gone. */
export type LockChange = { readonly name: string; readonly from: string | null; readonly to: string | null };

type LockPackage = { readonly version: string; readonly source: string; readonly commit: string | undefined };

/** uv.lock's packages by name: version, source, and for a git source the commit it is locked at. */
function lockPackages(bytes: Buffer | undefined): Map<string, LockPackage> {
	const packages = new Map<string, LockPackage>();
	if (bytes === undefined) return packages;
	let data: unknown;
	try {
		data = parse(bytes.toString("utf8"));
	} catch {
		return packages;
	}
	const list = (data as { package?: unknown }).package;
	if (!Array.isArray(list)) return packages;
	for (const item of list as { name?: unknown; version?: unknown; source?: { git?: unknown } }[]) {
		if (typeof item.name !== "string") continue;
		const git = typeof item.source?.git === "string" ? item.source.git : undefined;
		packages.set(item.name, {
			version: typeof item.version === "string" ? item.version : "",
			source: JSON.stringify(item.source ?? null),
			commit: git === undefined ? undefined : /#([0-9a-f]{7,64})$/.exec(git)?.[1],
		});
	}
	return packages;
}

/** What moves from uv.lock `now` to uv.lock `wanted`: versions, and commits of git sources. */
export function lockChanges(now: Buffer | undefined, wanted: Buffer | undefined): LockChange[] {
	const before = lockPackages(now);
	const after = lockPackages(wanted);
	const changes: LockChange[] = [];
	const show = (p: LockPackage, other: LockPackage | undefined) => {
		const version = p.version || "(no version)";
		if (p.commit) return `${version} (${p.commit.slice(0, 7)})`;
		// the same version from somewhere else (a path, another index)
		return other && other.version === p.version && other.source !== p.source ? `${version} (another source)` : version;
	};
	for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
		const from = before.get(name);
		const to = after.get(name);
		if (from && to && from.version === to.version && from.source === to.source) continue;
		changes.push({ name, from: from ? show(from, to) : null, to: to ? show(to, undefined) : null });
	}
	return changes;
}

/** The normalized names of uv.lock's packages. */
export function lockPackageNames(bytes: Buffer | undefined): Set<string> {
	return new Set([...lockPackages(bytes).keys()].map((name) => name.toLowerCase().replace(/[-_.]+/g, "-")));
}

/** One change as a line: `+ name version`, `- name version` or `~ name old -> new`. */
export function lockChangeLine(change: LockChange, arrow = "->"): string {
	if (change.from === null) return `+ ${change.name} ${change.to}`;
	if (change.to === null) return `- ${change.name} ${change.from}`;
	return `~ ${change.name} ${change.from} ${arrow} ${change.to}`;
}
