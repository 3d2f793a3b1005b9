import path from "node:path";
import { parse } from "smol-toml";
import { whyNot } from "../registry/constraints.js";
import type { Locator } from "./context.js";
import { openSelection } from "./open-selection.js";
import { HpmError, type Location } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import { pathKind } from "../os/path-kind.js";
import { readRegularFile } from "../os/read-file.js";
import { groupsOffering, type Registry } from "../registry/model.js";
import { chosenReplacements } from "./replacements.js";
import { findGroup } from "./selection.js";

/** Why a package is (or would be) in the environment: what `hpm why` prints. */
export type Why = {
	readonly package: string;
	/** Its version in uv.lock, or undefined when uv.lock does not have it. */
	readonly locked: string | undefined;
	/** Each way the project reaches it in uv.lock: the chain of packages, and the choice that starts it. */
	readonly chains: readonly { readonly via: string | undefined; readonly path: readonly string[] }[];
	/** Choices that would bring it, when it is an option of a group nobody chose it in. */
	readonly wouldCome: readonly string[];
	/** Whether uv.lock was there to read. */
	readonly lockFound: boolean;
	/** The chosen group=option choices that replace it (`replaces:`): hpm keeps it out of uv.lock. */
	readonly replacedBy: readonly string[];
};

const MAX_CHAINS = 20;

type LockedPackage = { readonly name: string; readonly version: string; readonly dependencies: readonly string[] };

/**
 * Reads uv.lock: every package with its dependencies (normalized names, extras and markers
 * ignored), and the project's own entry (the one whose source is the project folder).
 */
function parseUvLock(root: string): { packages: Map<string, LockedPackage>; project: string | undefined } | undefined {
	const file = path.join(root, "uv.lock");
	let text: string;
	try {
		text = readRegularFile(file, 100_000_000).toString("utf8");
	} catch (error) {
		// no uv.lock yet is an answer; one that cannot be read (a folder, a pipe, a dangling link) is not
		if (pathKind(file) === "missing") return undefined;
		throw new HpmError("lock-unreadable", `uv.lock cannot be read: ${(error as Error).message}`, {
			hint: "make it a regular file (or remove it and run `hpm sync`)",
			location: { file },
		});
	}
	let data: { package?: unknown };
	try {
		data = parse(text) as { package?: unknown };
	} catch (error) {
		throw new HpmError("lock-unreadable", `uv.lock cannot be read: ${(error as Error).message.split("\n")[0]}`, {
			hint: "run `hpm sync` to write it again",
			location: { file: path.join(root, "uv.lock") },
		});
	}
	const packages = new Map<string, LockedPackage>();
	let project: string | undefined;
	for (const raw of Array.isArray(data.package) ? (data.package as unknown[]) : []) {
		if (typeof raw !== "object" || raw === null) continue;
		const entry = raw as { name?: unknown; version?: unknown; source?: unknown; dependencies?: unknown };
		if (typeof entry.name !== "string") continue;
		const key = normalizeName(entry.name);
		const dependencies = (Array.isArray(entry.dependencies) ? entry.dependencies : [])
			.map((d: unknown) => (typeof d === "object" && d !== null ? (d as { name?: unknown }).name : undefined))
			.filter((d): d is string => typeof d === "string")
			.map(normalizeName);
		packages.set(key, {
			name: entry.name,
			version: typeof entry.version === "string" ? entry.version : "",
			dependencies,
		});
		const source = entry.source as { virtual?: unknown; editable?: unknown } | undefined;
		if (source && (source.virtual === "." || source.editable === ".")) project = key;
	}
	return { packages, project };
}

/** `hpm why PACKAGE`: the chains in uv.lock from the project to it, each started by a group=option. */
export async function why(locator: Locator, cwd: string, name: string): Promise<Why> {
	const { project, registry, selection } = await openSelection({ locator, cwd });
	const key = normalizeName(name);
	const lock = parseUvLock(project.root);
	// which group=option put each direct dependency there
	const chosenBy = new Map<string, string>();
	for (const [groupKey, options] of selection)
		for (const option of options) {
			const group = registry.groups.get(groupKey)?.name ?? groupKey;
			chosenBy.set(option, `${group}=${registry.packages.get(option)?.name ?? option}`);
		}
	const chains: { via: string | undefined; path: string[] }[] = [];
	const locked = lock?.packages.get(key);
	if (lock && locked && lock.project) {
		// every shortest chain from each direct dependency, breadth first
		const root = lock.packages.get(lock.project);
		for (const direct of root?.dependencies ?? []) {
			const found = shortestPath(lock.packages, direct, key);
			if (found) chains.push({ via: chosenBy.get(direct), path: [lock.project, ...found] });
			if (chains.length >= MAX_CHAINS) break;
		}
	}
	const display = (keys: readonly string[]) => keys.map((k) => lock?.packages.get(k)?.name ?? k);
	const wouldCome = locked
		? []
		: groupsOffering(registry, key)
				.filter((group) => !(selection.get(group.key) ?? []).includes(key))
				.map((group) => `${group.name}=${registry.packages.get(key)?.name ?? name}`);
	const replacedBy = chosenReplacements(registry, selection).find((r) => r.key === key)?.by ?? [];
	if (!locked && wouldCome.length === 0 && replacedBy.length === 0 && !registry.packages.has(key) && lock) {
		throw new HpmError("not-found", `"${name}" is not in uv.lock, and no group offers it`, {
			hint: "`hpm list` shows the registry's options; `uv tree` the whole environment",
		});
	}
	return {
		package: locked?.name ?? registry.packages.get(key)?.name ?? name,
		locked: locked?.version,
		chains: chains.map((chain) => ({ via: chain.via, path: display(chain.path) })),
		wouldCome,
		lockFound: lock !== undefined,
		replacedBy,
	};
}

function shortestPath(packages: ReadonlyMap<string, LockedPackage>, from: string, to: string): string[] | undefined {
	const parent = new Map<string, string | undefined>([[from, undefined]]);
	const queue = [from];
	for (let index = 0; index < queue.length; index++) {
		const current = queue[index] ?? "";
		if (current === to) {
			const chain: string[] = [];
			for (let at: string | undefined = current; at !== undefined; at = parent.get(at)) chain.unshift(at);
			return chain;
		}
		for (const next of packages.get(current)?.dependencies ?? []) {
			if (parent.has(next)) continue;
			parent.set(next, current);
			queue.push(next);
		}
	}
	return undefined;
}

/** What choosing group=option would break, each reason with the line that states the rule. */
export type WhyNot = {
	readonly group: string;
	readonly option: string;
	readonly chosen: boolean;
	readonly reasons: readonly { readonly reason: string; readonly location: Location }[];
};

/** `hpm why-not group=option`: the registry's rules that choosing it would break, given the project's choice. */
export async function whyNotChoice(locator: Locator, cwd: string, choice: string): Promise<WhyNot> {
	const { registry, registryProblems: problems, selection } = await openSelection({ locator, cwd });
	const match = /^([^=\s]+)=([^=\s]+)$/.exec(choice.trim());
	if (!match) throw notAChoice(registry, choice);
	const group = findGroup(registry, match[1] ?? "", problems);
	const key = normalizeName(match[2] ?? "");
	if (!group.options.includes(key)) {
		const options = group.options.map((o) => registry.packages.get(o)?.name ?? o);
		throw new HpmError("unknown-option", `group "${group.name}" has no option "${match[2]}"`, {
			hint:
				options.length > 0 ? `its options: ${options.join(", ")}` : `it has no options yet${ADD_OPTION(group.name)}`,
			location: group.location,
		});
	}
	return {
		group: group.name,
		option: registry.packages.get(key)?.name ?? key,
		chosen: (selection.get(group.key) ?? []).includes(key),
		reasons: whyNot(registry, selection, group, key),
	};
}

const ADD_OPTION = (group: string) => `: \`hpm registry add --group ${group} ...\` adds one`;

/**
 * `hpm why-not WORD` without `=`: the choice meant when WORD is an option of this registry's groups,
 * else an example from this registry (never a name it does not have).
 */
function notAChoice(registry: Registry, choice: string): HpmError {
	const key = normalizeName(choice.trim());
	const meant = registry.packages.has(key)
		? groupsOffering(registry, key).map((group) => `${group.name}=${registry.packages.get(key)?.name ?? key}`)
		: [];
	const example = exampleChoice(registry);
	const hint =
		meant.length > 0
			? `did you mean ${meant.map((m) => `\`hpm why-not ${m}\``).join(" or ")}?`
			: example
				? `for example: hpm why-not ${example}`
				: "this registry has no group with options yet (`hpm list` shows it)";
	return new HpmError("usage", `expected GROUP=OPTION, got "${choice}"`, { hint });
}

/** A `group=option` of this registry, for a hint that shows how a choice is written. */
export function exampleChoice(registry: Registry): string | undefined {
	for (const group of registry.groups.values())
		for (const option of group.options)
			if (registry.packages.has(option)) return `${group.name}=${registry.packages.get(option)?.name ?? option}`;
	return undefined;
}
