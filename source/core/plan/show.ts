import { displayPath } from "../base/display-path.js";
import type { Locator } from "./context.js";
import { openSelection } from "./open-selection.js";
import { HpmError } from "../base/errors.js";
import { closest, normalizeName } from "../base/names.js";
import { search } from "./search.js";
import { lockedVersions } from "../project/dependencies.js";
import { groupsOffering, implementations, type Registry, type Source } from "../registry/model.js";
import { brokenFile } from "../registry/broken.js";

/** One group or package, with what the project selected and locked: what `hpm show` prints. */
export type Shown =
	| {
			readonly kind: "group";
			readonly name: string;
			readonly strategy: string;
			readonly description: string;
			readonly options: readonly {
				readonly name: string;
				readonly version: string;
				readonly selected: boolean;
			}[];
			readonly file: string;
			/** Definitions of the same name in later registry layers, hidden by this one (file:line). */
			readonly hidden: readonly string[];
			readonly selected: boolean;
			/** The interface its options implement, if it declares one. */
			readonly interface: string | undefined;
			readonly defaults: readonly string[];
			readonly required: boolean;
			readonly min: number | undefined;
			readonly max: number | undefined;
			/** Each option's `requires`/`conflicts`, as `option requires group=option`. */
			readonly rules: readonly string[];
	  }
	| ({
			readonly kind: "interface";
			readonly name: string;
	  } & Implemented)
	| ({
			readonly kind: "package";
			readonly name: string;
			readonly version: string;
			readonly description: string;
			readonly sources: readonly (readonly [mode: string, source: Source])[];
			/** The project's mode, or undefined outside a project. */
			readonly projectMode: string | undefined;
			readonly groups: readonly string[];
			readonly file: string;
			/** Definitions of the same name in later registry layers, hidden by this one (file:line). */
			readonly hidden: readonly string[];
			readonly selectedIn: readonly string[];
			readonly locked: string | null;
			/** The interfaces it provides. */
			readonly provides: readonly string[];
			/** The distributions it stands in for (`replaces:`). */
			readonly replaces: readonly string[];
	  } & Implemented);

/** An interface's implementations (packages that provide it) and the groups that offer them. */
type Implemented = {
	readonly implementations: readonly {
		readonly name: string;
		readonly version: string;
		readonly groups: readonly string[];
	}[];
	/** Groups that declare the name as their interface. */
	readonly interfaceOf: readonly string[];
};

function implementedBy(registry: Registry, key: string): Implemented {
	return {
		implementations: implementations(registry, key).map((pkg) => ({
			name: pkg.name,
			version: pkg.version,
			groups: groupsOffering(registry, pkg.key).map((g) => g.name),
		})),
		interfaceOf: [...registry.groups.values()].filter((g) => g.interface === key).map((g) => g.name),
	};
}

/** Looks a group or package up by name (PEP 503-normalized); an unknown name suggests the closest. */
export async function show(locator: Locator, cwd: string, name: string): Promise<Shown> {
	const opened = await openSelection({ locator, cwd }, { project: "optional" });
	const { context, registry, registryProblems: problems, selection } = opened;
	const key = normalizeName(name);
	const group = registry.groups.get(key);
	if (group) {
		const selected = selection.get(group.key) ?? [];
		return {
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
			hidden: hiddenBy(registry, "group", group.key),
			selected: selected.length > 0,
			interface: group.interface,
			defaults: group.defaults.map((k) => registry.packages.get(k)?.name ?? k),
			required: group.required,
			min: group.min,
			max: group.max,
			rules: group.constraints.map((c) => `${registry.packages.get(c.option)?.name ?? c.option} ${c.kind} ${c.text}`),
		};
	}
	const pkg = registry.packages.get(key);
	const asInterface = implementedBy(registry, key);
	if (!pkg && (asInterface.implementations.length > 0 || asInterface.interfaceOf.length > 0))
		return { kind: "interface", name, ...asInterface };
	if (!pkg) {
		const broken = brokenFile(registry, problems, "packages", name) ?? brokenFile(registry, problems, "groups", name);
		if (broken) {
			throw new HpmError(broken.code, `"${name}" cannot be shown: ${broken.message}`, {
				hint: "fix its file (`hpm registry lint` lists every problem)",
				...(broken.location ? { location: broken.location } : {}),
			});
		}
		throw notFound(registry, name);
	}
	const offering = groupsOffering(registry, pkg.key);
	return {
		kind: "package",
		name: pkg.name,
		version: pkg.version,
		description: pkg.description,
		sources: [...pkg.sources],
		projectMode: context.project?.mode,
		groups: offering.map((g) => g.name),
		file: pkg.location.file,
		hidden: hiddenBy(registry, "package", pkg.key),
		selectedIn: offering.filter((g) => (selection.get(g.key) ?? []).includes(pkg.key)).map((g) => g.name),
		locked: context.project ? (lockedVersions(context.project.root).get(pkg.key) ?? null) : null,
		provides: pkg.provides,
		replaces: pkg.replaces ?? [],
		...asInterface,
	};
}

function hiddenBy(registry: Registry, kind: "group" | "package", key: string): string[] {
	return registry.shadowed
		.filter((shadow) => shadow.kind === kind && shadow.key === key)
		.map(
			(shadow) =>
				`${displayPath(shadow.hidden.file)}${shadow.hidden.line === undefined ? "" : `:${shadow.hidden.line}`}${shadow.modes?.length ? ` (its ${shadow.modes.join(", ")} source${shadow.modes.length === 1 ? " is" : "s are"} used)` : ""}`,
		);
}

function notFound(registry: Registry, name: string): HpmError {
	const names = [...registry.groups.values(), ...registry.packages.values()].map((x) => x.name);
	const match = closest(name, names);
	// a hint only points at what exists: the closest name, a search that finds something, or the list
	const found = search(registry, name).length > 0;
	const hint = match
		? `did you mean "${match}"?`
		: found
			? `\`hpm search ${name}\` lists close matches`
			: "`hpm list` shows every group and its options";
	return new HpmError("not-found", `no group or package named "${name}" in ${registry.root}`, { hint });
}
