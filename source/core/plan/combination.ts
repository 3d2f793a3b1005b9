import { HpmError } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import type { Project } from "../project/project.js";
import type { TomlEdit } from "../project/toml-edit.js";
import type { Registry } from "../registry/model.js";
import { entryValues, type Selection } from "./selection.js";

/** The combination that chooses nothing, as the matrix prints it and `--combination` takes it. */
export const NO_CHOICE = "none";

/**
 * `inference=a,metrics=b+c` as a selection: exactly these choices, every other group unchosen
 * (`none`: no group chosen). An empty text is refused: it is what an unset `$HPM_COMBINATION`
 * gives in CI, and it would silently drop every choice.
 */
export function parseCombination(registry: Registry, text: string): Selection {
	const selection = new Map<string, string[]>();
	if (text.trim() === "")
		throw new HpmError("usage", `--combination "${text}" names no choice; to choose nothing write --combination none`, {
			hint: combinationExample(registry),
		});
	if (text.trim() === NO_CHOICE) return selection;
	for (const part of text.split(",").map((p) => p.trim())) {
		const match = /^([^=\s]+)\s*=\s*([^=\s]+)$/.exec(part);
		if (!match)
			throw new HpmError("usage", `--combination: "${part}" is not group=option`, {
				hint: combinationExample(registry),
			});
		const group = registry.groups.get(normalizeName(match[1] ?? ""));
		if (!group)
			throw new HpmError("unknown-group", `--combination: no group "${match[1]}"`, {
				hint: `groups: ${[...registry.groups.values()].map((g) => g.name).join(", ")}`,
			});
		const given = (match[2] ?? "").split("+");
		if (given.some((option) => option === ""))
			throw new HpmError("usage", `--combination: "${part}" has an empty option (write a+b)`);
		const options = given.map(normalizeName);
		for (const [at, option] of options.entries()) {
			// said as it was written, never as normalized (`../etc` is not `-/-/etc`)
			const written = given[at] ?? option;
			if (!group.options.includes(option))
				throw new HpmError("unknown-option", `--combination: group "${group.name}" has no option "${written}"`, {
					hint: `its options: ${group.options.map((o) => registry.packages.get(o)?.name ?? o).join(", ")}`,
				});
			if (options.indexOf(option) !== at)
				throw new HpmError("usage", `--combination names ${group.name}=${written} twice`);
		}
		if (group.strategy === "1-of-N" && options.length > 1)
			throw new HpmError(
				"usage",
				`--combination: group "${group.name}" is 1-of-N; give one option, not ${options.length}`,
			);
		if (selection.has(group.key)) throw new HpmError("usage", `--combination names group "${group.name}" twice`);
		selection.set(group.key, options);
	}
	return selection;
}

/** A hint with a combination of this registry's own (its first two groups' first options). */
function combinationExample(registry: Registry): string {
	const parts = [...registry.groups.values()]
		.filter((group) => group.options.length > 0)
		.slice(0, 2)
		.map((group) => `${group.name}=${registry.packages.get(group.options[0] ?? "")?.name ?? group.options[0]}`);
	return parts.length > 0
		? `for example --combination "${parts.join(",")}"`
		: "write --combination group=option[,group=option+option...]";
}

/** A selection as `--combination` takes it back: `inference=a,metrics=b+c`, in registry order; `none` for no choice. */
export function formatCombination(registry: Registry, selection: Selection): string {
	const text = [...registry.groups.values()]
		.filter((group) => (selection.get(group.key) ?? []).length > 0)
		.map(
			(group) =>
				`${group.name}=${(selection.get(group.key) ?? []).map((o) => registry.packages.get(o)?.name ?? o).join("+")}`,
		)
		.join(",");
	return text === "" ? NO_CHOICE : text;
}

/**
 * The edits that make `[tool.hpm.groups]` record exactly `selection` (`sync --combination`): each
 * group it names as a 1-of-N string or an M-of-N list, every other entry dropped. None when the
 * project records it already (the names compared PEP 503-normalized, in any order).
 */
export function combinationEdits(registry: Registry, project: Project, selection: Selection): TomlEdit[] {
	const at = (key: string) => ["tool", "hpm", "groups", key];
	const edits: TomlEdit[] = [];
	for (const [key, entry] of project.selection)
		if ((selection.get(key) ?? []).length === 0) edits.push({ path: at(entry.rawKey), value: undefined });
	for (const group of registry.groups.values()) {
		const options = selection.get(group.key) ?? [];
		if (options.length === 0) continue;
		const entry = project.selection.get(group.key);
		const written = new Set(entryValues(entry).map(normalizeName));
		if (entry && written.size === options.length && options.every((option) => written.has(option))) continue;
		const names = options.map((option) => registry.packages.get(option)?.name ?? option);
		const value = group.strategy === "1-of-N" && names.length === 1 ? (names[0] ?? "") : names;
		edits.push({ path: at(entry?.rawKey ?? group.name), value });
	}
	return edits;
}
