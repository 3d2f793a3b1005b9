/** What only some kinds of source have: a declared index it names, a local folder hpm reads. */
import type { Location } from "../base/errors.js";
import type { Source } from "./model.js";

export type LocalSource = Extract<Source, { readonly type: "local" }>;

/**
 * The declared index a source names (an index source's `index:`), with where that is written;
 * undefined for a requirement on uv's default index and for the kinds that come from no index.
 */
export function namedIndex(source: Source): { readonly name: string; readonly location?: Location } | undefined {
	switch (source.type) {
		case "index":
			if (source.index === undefined) return undefined;
			return { name: source.index, ...(source.location ? { location: source.location } : {}) };
		case "local":
		case "git":
			return undefined;
	}
	const exhaustive: never = source;
	return exhaustive;
}

/** The source when it is a folder on this machine, which hpm reads (its name, version, dependencies) before uv does. */
export function localSource(source: Source): LocalSource | undefined {
	switch (source.type) {
		case "local":
			return source;
		case "git":
		case "index":
			return undefined;
	}
	const exhaustive: never = source;
	return exhaustive;
}
