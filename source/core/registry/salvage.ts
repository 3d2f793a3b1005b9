import { type GroupFile, type PackageFile, sourceSchema } from "./schema.js";

/**
 * What can be read of a file the schema refused: the parts it let through, so that they are
 * checked in the same pass (every problem is found at once, a fix never uncovers another).
 */

export type IssuePath = {
	readonly path: readonly PropertyKey[];
	readonly code?: string;
	readonly keys?: readonly string[];
};

/** Whether a zod issue concerns the value at `path`, something inside it, or something around it. */
export function touches(issues: readonly IssuePath[], path: readonly PropertyKey[]): boolean {
	const within = (outer: readonly PropertyKey[], inner: readonly PropertyKey[]) =>
		outer.length <= inner.length && outer.every((part, i) => part === inner[i]);
	return issues.some((issue) =>
		// an unknown key concerns that key only, not the mapping that holds it
		issue.code === "unrecognized_keys"
			? (issue.keys ?? []).some((key) => within([...issue.path, key], path) || within(path, [...issue.path, key]))
			: within(issue.path, path) || within(path, issue.path),
	);
}

export function asRecord(value: unknown): Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The parts of a package file that passed the schema, so they are checked in the same pass. */
export function salvagePackage(value: unknown, issues: readonly IssuePath[]): { data: PackageFile; whole: false } {
	const raw = asRecord(value);
	const text = (key: string) => (typeof raw[key] === "string" && !touches(issues, [key]) ? (raw[key] as string) : "");
	const sources: PackageFile["sources"] = {};
	for (const [mode, source] of Object.entries(asRecord(raw.sources))) {
		if (touches(issues, ["sources", mode])) continue;
		const parsed = sourceSchema.safeParse(source);
		if (parsed.success) sources[mode] = parsed.data;
	}
	return { data: { name: text("name"), version: text("version"), sources }, whole: false };
}

/** The parts of a group file that passed the schema. */
export function salvageGroup(value: unknown, issues: readonly IssuePath[]): { data: GroupFile; whole: false } {
	const raw = asRecord(value);
	const name = typeof raw.name === "string" && !touches(issues, ["name"]) ? raw.name : "";
	// an option list that is itself the problem (not a list) has nothing to check
	const list = Array.isArray(raw.options) && !issues.some((i) => i.path.length === 1 && i.path[0] === "options");
	const options = list
		? (raw.options as unknown[]).flatMap((option, index) =>
				!touches(issues, ["options", index]) && typeof asRecord(option).name === "string"
					? [{ name: asRecord(option).name as string }]
					: [{ name: "" }],
			)
		: undefined;
	// the strategy is not checked past the schema: any valid one will do here
	return { data: { name, strategy: "M-of-N", options: options ?? [] }, whole: false };
}
