import type { Location } from "../base/errors.js";
import type { Strategy } from "./schema.js";
import type { VersionRange } from "./version-range.js";

export type GitRef = { readonly kind: "tag" | "branch" | "rev"; readonly value: string };

export type Source =
	| {
			readonly type: "local";
			/** Absolute, resolved against the manifest's folder. */
			readonly path: string;
			/** As written in the manifest. */
			readonly rawPath: string;
			readonly editable: boolean;
			/** Where `path` is written, for messages about the folder. */
			readonly location?: Location;
	  }
	| {
			readonly type: "git";
			/** Without credentials: what is shown, compared and given to uv. */
			readonly url: string;
			/** The credentials written in the URL (`user:password`, `${TOKEN}`): for git's environment only (secrets.ts). */
			readonly auth?: string | undefined;
			readonly ref: GitRef | undefined;
			readonly subdirectory: string | undefined;
	  }
	| {
			readonly type: "index";
			/** The PEP 508 requirement as written (its name is the package's). */
			readonly requirement: string;
			/** The normalized name of a declared index (`Registry.indexes`), or undefined for uv's default index. */
			readonly index: string | undefined;
			/** Where `index` (else `requirement`) is written, for messages about the index. */
			readonly location?: Location;
			/** The canonical marker saying where the index applies (elsewhere uv's default index). */
			readonly marker?: string | undefined;
			/** More distributions installed from the same source choice, as canonical lines. */
			readonly family?: readonly FamilyMember[] | undefined;
			/** Where `family:` (else `marker:`) is written: only an option of a per-machine group may have them. */
			readonly machineOnlyAt?: Location | undefined;
	  };

/** One more distribution of a family: its normalized name and the canonical requirement line hpm writes. */
export type FamilyMember = { readonly name: string; readonly line: string };

/** A package index declared in `indexes/<name>.yaml`. */
export type IndexDefinition = {
	/** As written: the name uv records in `[[tool.uv.index]]` and `[tool.uv.sources]`. */
	readonly name: string;
	/** PEP 503-normalized: what index sources name. */
	readonly key: string;
	/** As written: http(s)://, file:/// or an absolute path. May hold credentials: show it with `redactSecrets`. */
	readonly url: string;
	readonly explicit: boolean;
	readonly location: Location;
};

export type Package = {
	/** As written in the manifest. */
	readonly name: string;
	/** PEP 503-normalized: the identity of the package everywhere in hpm. */
	readonly key: string;
	readonly version: string;
	readonly description: string;
	readonly sources: ReadonlyMap<string, Source>;
	/** The interfaces it implements, normalized (`provides:`). */
	readonly provides: readonly string[];
	/** The distributions it stands in for, normalized (`replaces:`): hpm keeps them out of the lock while it is chosen. */
	readonly replaces?: readonly string[];
	readonly location: Location;
	/** What a machine must have for `choose: auto` to pick it (`needs:`); undefined: nothing (the CPU build). */
	readonly needs?: Needs | undefined;
	/** Proof after install (`checks:`), run after every sync and by `hpm verify`. */
	readonly checks?: readonly OptionCheck[] | undefined;
};

/** An option's `needs:`. */
export type Needs = {
	readonly cuda?: VersionRange | undefined;
	readonly rocm?: VersionRange | undefined;
	readonly appleSilicon?: boolean | undefined;
};

/** What a text found in the environment must be: equal to, or start with. */
export type Expectation = { readonly equals?: string | undefined; readonly startswith?: string | undefined };

/** One `checks:` item, with where it is written. */
export type OptionCheck = (
	| { readonly kind: "import"; readonly module: string }
	| ({ readonly kind: "version"; readonly package: string; readonly local?: string | undefined } & Expectation)
	| ({ readonly kind: "attribute"; readonly module: string; readonly path: string } & Expectation)
	| { readonly kind: "lock-forbids"; readonly pattern: string }
) & { readonly location?: Location | undefined };

/** A rule an option states about another group's choice, where its group file states it. */
export type Constraint = {
	readonly kind: "requires" | "conflicts";
	/** The option (package key) that states it. */
	readonly option: string;
	readonly target: { readonly group: string; readonly option: string };
	/** `group=option` as written. */
	readonly text: string;
	readonly location: Location;
};

export type Group = {
	readonly name: string;
	readonly key: string;
	readonly strategy: Strategy;
	readonly description: string;
	/** Normalized package keys, in the order the file lists them. */
	readonly options: readonly string[];
	/** Options the file lists whose manifest did not load (left out of `options`), as written. */
	readonly unloaded?: readonly string[];
	readonly location: Location;
	/** The interface every option implements, normalized, if the group declares one. */
	readonly interface?: string | undefined;
	/** Package keys chosen when a project gives no choice (`default:`); empty when none is declared. */
	readonly defaults: readonly string[];
	/** 1-of-N: a choice is required. */
	readonly required: boolean;
	/** M-of-N: at least / at most this many options. */
	readonly min?: number | undefined;
	readonly max?: number | undefined;
	/** Where `required`, `min` or `max` is written, for a message about a choice that breaks it. */
	readonly limitsLocation?: Location | undefined;
	readonly constraints: readonly Constraint[];
	/** A per-machine group (`machine: true`): the choice is kept per machine, outside git. */
	readonly machine?: boolean | undefined;
	/** `choose: auto`: the option is picked by probing the machine. */
	readonly auto?: boolean | undefined;
};

/** A name an earlier layer defines, hiding a later layer's definition of it. */
export type Shadow = {
	readonly kind: "package" | "group" | "index";
	readonly key: string;
	/** The definition used (an earlier layer's). */
	readonly used: Location;
	/** The one hidden (a later layer's). */
	readonly hidden: Location;
	/** A package's modes the used definition does not give, taken from the hidden one. */
	readonly modes?: readonly string[];
};

export type Registry = {
	/** The first layer's folder. */
	readonly root: string;
	/** Every layer's folder, in order (a git layer's is its commit in hpm's cache). */
	readonly roots: readonly string[];
	/** Names defined in more than one layer: the first layer's is used. */
	readonly shadowed: readonly Shadow[];
	readonly groups: ReadonlyMap<string, Group>;
	readonly packages: ReadonlyMap<string, Package>;
	/** Declared package indexes by normalized name; a name's first definition wins. */
	readonly indexes: ReadonlyMap<string, IndexDefinition>;
};

/** Groups that list `packageKey` as an option, in registry order. */
export function groupsOffering(registry: Registry, packageKey: string): Group[] {
	return [...registry.groups.values()].filter((group) => group.options.includes(packageKey));
}

/** The packages that provide `interfaceKey`, in registry order. */
export function implementations(registry: Registry, interfaceKey: string): Package[] {
	return [...registry.packages.values()].filter((pkg) => pkg.provides.includes(interfaceKey));
}

/** A choice of options: group key → selected package keys. */
export type Selection = ReadonlyMap<string, readonly string[]>;
