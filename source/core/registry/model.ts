import type { Location } from "../errors.js";
import type { Strategy } from "./schema.js";

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
			readonly url: string;
			readonly ref: GitRef | undefined;
			readonly subdirectory: string | undefined;
	  };

export type Package = {
	/** As written in the manifest. */
	readonly name: string;
	/** PEP 503-normalized: the identity of the package everywhere in hpm. */
	readonly key: string;
	readonly version: string;
	readonly description: string;
	readonly sources: ReadonlyMap<string, Source>;
	readonly location: Location;
};

export type Group = {
	readonly name: string;
	readonly key: string;
	readonly strategy: Strategy;
	readonly description: string;
	/** Normalized package keys, in the order the file lists them. */
	readonly options: readonly string[];
	readonly location: Location;
};

export type Registry = {
	readonly root: string;
	readonly groups: ReadonlyMap<string, Group>;
	readonly packages: ReadonlyMap<string, Package>;
};

/** Groups that list `packageKey` as an option, in registry order. */
export function groupsOffering(registry: Registry, packageKey: string): Group[] {
	return [...registry.groups.values()].filter((group) => group.options.includes(packageKey));
}
