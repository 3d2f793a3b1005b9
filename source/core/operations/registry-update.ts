import { redactSecrets } from "../base/secrets.js";
import { type Context, type Locator, requireProject, requireRoot, resolveContext } from "../plan/context.js";
import { HpmError } from "../base/errors.js";
import { type LockHooks, underProjectLock } from "../project/lock.js";
import { writeProjectEdits } from "../project/write.js";
import { loadRegistryCached } from "../registry/cache.js";
import { describeSource } from "../registry/describe.js";
import { type ResolvedLayers, resolveLayers } from "../registry/layers.js";
import { type GitLayer } from "../registry/location.js";
import type { Package, Registry } from "../registry/model.js";
import { resolveSelection } from "../plan/selection.js";
import { HPM_VERSION } from "../base/version.js";

/** One git registry's pin: the commit the project had and the ref's newest. */
export type PinChange = {
	readonly registry: string;
	readonly from: string | undefined | null;
	readonly to: string;
	/**
	 * How the pin moves in the registry's history: "same", "new" (no pin before), "forward",
	 * "backward" (the newest is an ancestor of the pin), "rewritten" (neither is an ancestor of the
	 * other: a force-push) or "gone" (the pinned commit is not in the registry any more).
	 */
	readonly move?: PinMove;
};

export type PinMove = "same" | "new" | "forward" | "backward" | "rewritten" | "gone";

/**
 * What the move changes for this project's selection, package by package (`added`, `removed`,
 * `changed`: `name` is the package), and in the groups the project chooses in, option by option
 * (`option-added`, `option-removed`: `name` is `group=option`), so a new choice is never missed.
 */
export type RegistryUpdateChange = {
	readonly kind: "added" | "removed" | "changed" | "option-added" | "option-removed";
	readonly name: string;
	/** For "changed": each difference (`version 0.1.0 -> 0.2.0`, `prod: git … tag v1 -> tag v2`). */
	readonly details: readonly string[];
};

export type RegistryUpdate = {
	readonly pins: readonly PinChange[];
	readonly changes: readonly RegistryUpdateChange[];
	/** Whether pyproject.toml was written (false for a dry run, or when every pin was newest). */
	readonly written: boolean;
	/** The registry was named with -r (or there is no project): only its clone was brought up to date. */
	readonly fetchedOnly: boolean;
	readonly message: string;
};

/**
 * `hpm registry update`: fetches each git registry of `[tool.hpm] registry`, shows what its ref's
 * newest commit changes for this project's selection, and moves `[tool.hpm] registry-rev` there
 * (format-preserving, recorded in the history). The environment follows at the next `hpm sync`.
 */
export async function updateRegistry(
	locator: Locator,
	cwd: string,
	options: {
		readonly dryRun?: boolean;
		/** Move a pin backwards or across a rewritten history too. */
		readonly force?: boolean;
		readonly signal?: AbortSignal | undefined;
		readonly hooks?: LockHooks;
	},
): Promise<RegistryUpdate> {
	const outside = resolveContext(locator, cwd);
	// a registry named with -r (or outside any project) has no pin: its clone is brought up to date
	if (!outside.pinned || outside.project === undefined) return refresh(outside, options.signal);
	return underProjectLock(requireRoot(locator, cwd), "registry update", options.hooks ?? {}, async () => {
		const context = resolveContext(locator, cwd);
		const project = requireProject(context);
		const remotes = context.layers.filter((layer): layer is GitLayer => layer.kind === "git");
		if (remotes.length === 0)
			throw new HpmError("nothing-to-update", "the project's registry has no git layer: there is no pin to move", {
				hint: 'a git registry is written as [tool.hpm] registry = "git+https://host/team/registry.git@main"',
			});
		// the pinned state, when it can be read (a pin gone from the remote is what update repairs)
		const before = await resolveLayers(context, "if-missing", options.signal).catch(() => undefined);
		const after = await resolveLayers(context, "always", options.signal, true);
		const { pinMove } = await import("../registry/remote.js");
		const pins: PinChange[] = [];
		for (const [index, layer] of remotes.entries()) {
			const from = project.registryRevs[index];
			const to = after.commits[index] ?? "";
			const move: PinMove = from === undefined ? "new" : from === to ? "same" : await pinMove(layer.url, from, to);
			pins.push({ registry: redactSecrets(layer.written), from, to, move });
		}
		// a pin moved backwards or across a rewritten history is said, and done only when asked for
		const unusual = pins.filter((pin) => pin.move === "backward" || pin.move === "rewritten" || pin.move === "gone");
		if (unusual.length > 0 && !options.force && !options.dryRun)
			throw new HpmError(
				"pin-backwards",
				`registry update would move the pin ${unusual.map(describeMove).join("; ")}`,
				{
					exitCode: 1,
					hint: "check the registry's history (was it force-pushed?); `hpm registry update --dry-run` shows what changes, `--force` moves the pin anyway",
				},
			);
		const changes = await selectionChanges(context, before, after);
		// a list of pins that no longer matches the layers (one added, removed, reordered) is rewritten
		const moved = pins.some((pin) => pin.from !== pin.to) || project.registryRevs.length !== remotes.length;
		if (!moved || options.dryRun)
			return {
				pins,
				changes,
				written: false,
				fetchedOnly: false,
				message: !moved
					? "the registry pin is already the newest commit"
					: `dry run: [tool.hpm] registry-rev was not changed${unusual.length > 0 ? `; moving it needs --force, as it would move the pin ${unusual.map(describeMove).join("; ")}` : ""}`,
			};
		const value = after.commits.length === 1 ? after.commits[0] : after.commits;
		const short = pins.map((pin) => `${pin.from?.slice(0, 12) ?? "unpinned"} -> ${pin.to.slice(0, 12)}`).join(", ");
		await writeProjectEdits(project, [{ path: ["tool", "hpm", "registry-rev"], value }], {
			command: "registry update",
			summary: `registry update: ${short}`,
		});
		return {
			pins,
			changes,
			written: true,
			fetchedOnly: false,
			message: "[tool.hpm] registry-rev moved; run `hpm sync` to apply it to the environment",
		};
	});
}

/** Where a pin would go, in words: `of URL backwards (b is an ancestor of a)`. */
export function describeMove(pin: PinChange): string {
	const [from, to] = [pin.from?.slice(0, 12) ?? "unpinned", pin.to.slice(0, 12)];
	switch (pin.move) {
		case "backward":
			return `of ${pin.registry} backwards: ${to} is an ancestor of the pinned ${from}`;
		case "rewritten":
			return `of ${pin.registry} across a rewritten history (force-push?): ${from} -> ${to}, neither is an ancestor of the other`;
		case "gone":
			return `of ${pin.registry} from ${from}, which is not in the registry any more (its history was rewritten, or the pin edited)`;
		case "forward":
		case "new":
		case "same":
		case undefined:
			return `of ${pin.registry} ${from} -> ${to}`;
	}
}

/** `registry update -r URL`: each git layer fetched, its ref's newest commit said; nothing is written. */
async function refresh(context: Context, signal: AbortSignal | undefined): Promise<RegistryUpdate> {
	const remotes = context.layers.filter((layer): layer is GitLayer => layer.kind === "git");
	if (remotes.length === 0)
		throw new HpmError("nothing-to-update", "the registry named has no git layer: there is nothing to fetch", {
			hint: "-r git+https://host/team/registry.git@main names a registry from git",
		});
	const after = await resolveLayers(context, "always", signal, true);
	const pins = remotes.map((layer, index) => ({
		registry: redactSecrets(layer.written),
		from: null,
		to: after.commits[index] ?? "",
	}));
	return {
		pins,
		changes: [],
		written: false,
		fetchedOnly: true,
		message: "fetched; a registry named with -r is not pinned (a project pins the one in [tool.hpm] registry)",
	};
}

/** What the selection resolves to at each registry state, compared package by package. */
async function selectionChanges(
	context: Context,
	before: ResolvedLayers | undefined,
	after: ResolvedLayers,
): Promise<RegistryUpdateChange[]> {
	const project = requireProject(context);
	const load = async (layers: ResolvedLayers) => (await loadRegistryCached(layers.roots, HPM_VERSION)).registry;
	const newer = await load(after);
	const older = before ? await load(before) : undefined;
	const chosen = (registry: Registry | undefined): Map<string, Package> => {
		const packages = new Map<string, Package>();
		if (!registry) return packages;
		for (const keys of resolveSelection(registry, project).selection.values())
			for (const key of keys) {
				const pkg = registry.packages.get(key);
				if (pkg) packages.set(key, pkg);
			}
		return packages;
	};
	const was = chosen(older);
	const now = chosen(newer);
	const changes: RegistryUpdateChange[] = [];
	for (const [key, pkg] of now) {
		const old = was.get(key);
		if (!old) {
			if (older) changes.push({ kind: "added", name: pkg.name, details: [`version ${pkg.version}`] });
			continue;
		}
		const details = packageDifferences(old, pkg);
		if (details.length > 0) changes.push({ kind: "changed", name: pkg.name, details });
	}
	for (const [key, pkg] of was)
		if (!now.has(key))
			changes.push({
				kind: "removed",
				name: pkg.name,
				details: [newer.packages.has(key) ? "no longer chosen" : "no longer in the registry"],
			});
	if (older) changes.push(...optionChanges(older, newer, [...project.selection.keys()]));
	return changes;
}

/** Options new in, or gone from, the groups the project chooses in (`[tool.hpm.groups]`). */
function optionChanges(older: Registry, newer: Registry, groupKeys: readonly string[]): RegistryUpdateChange[] {
	const changes: RegistryUpdateChange[] = [];
	const nameOf = (registry: Registry, key: string) => registry.packages.get(key)?.name ?? key;
	for (const key of groupKeys) {
		const was = older.groups.get(key);
		const now = newer.groups.get(key);
		if (!was || !now) continue;
		for (const option of now.options)
			if (!was.options.includes(option))
				changes.push({
					kind: "option-added",
					name: `${now.name}=${nameOf(newer, option)}`,
					details: [`a new option of group ${now.name} (not chosen)`],
				});
		for (const option of was.options)
			if (!now.options.includes(option))
				changes.push({
					kind: "option-removed",
					name: `${was.name}=${nameOf(older, option)}`,
					details: [`no longer an option of group ${was.name}`],
				});
	}
	return changes;
}

function packageDifferences(old: Package, pkg: Package): string[] {
	const details: string[] = [];
	if (old.version !== pkg.version) details.push(`version ${old.version} -> ${pkg.version}`);
	for (const mode of new Set([...old.sources.keys(), ...pkg.sources.keys()])) {
		const a = old.sources.get(mode);
		const b = pkg.sources.get(mode);
		const from = a ? describeSource(a) : "none";
		const to = b ? describeSource(b) : "none";
		if (from !== to) details.push(`${mode}: ${from} -> ${to}`);
	}
	return details;
}
