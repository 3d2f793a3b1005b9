import type { Registry } from "../registry/model.js";

export type SearchResult = {
	readonly kind: "group" | "package";
	readonly name: string;
	readonly description: string;
	readonly score: number;
};

/** Text as search compares it: separators and case do not matter ("VLM_Adapter" finds "vlm-adapter-qwen"). */
export const squash = (text: string) => text.toLowerCase().replace(/[-_.\s]+/g, "");

/** Ranks groups and packages: exact name > name prefix > name substring > description match. */
export function search(registry: Registry, query: string): SearchResult[] {
	const needle = squash(query);
	if (needle === "") return [];
	const results: SearchResult[] = [];
	const consider = (kind: SearchResult["kind"], name: string, description: string) => {
		const score = rank(squash(name), squash(description), needle);
		if (score > 0) results.push({ kind, name, description, score });
	};
	for (const group of registry.groups.values()) consider("group", group.name, group.description);
	for (const pkg of registry.packages.values()) consider("package", pkg.name, pkg.description);
	return results.sort(
		(a, b) =>
			b.score - a.score ||
			a.name.length - b.name.length ||
			a.name.localeCompare(b.name) ||
			a.kind.localeCompare(b.kind),
	);
}

function rank(name: string, description: string, needle: string): number {
	if (name === needle) return 4;
	if (name.startsWith(needle)) return 3;
	if (name.includes(needle)) return 2;
	if (description.includes(needle)) return 1;
	return 0;
}
