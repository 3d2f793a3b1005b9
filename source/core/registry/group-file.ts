import type { Problem } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import { displaySafe } from "../base/text.js";
import { checkName } from "./file-names.js";
import { groupRules } from "./group-rules.js";
import type { Constraint, Group, Package } from "./model.js";
import { asRecord } from "./salvage.js";
import type { GroupFile } from "./schema.js";
import type { YamlFile } from "./yaml-file.js";

/**
 * The group a group file describes, or undefined when it has a problem: its options (each a
 * package of the registry, or one whose manifest is broken and waits for its fix) and its rules.
 * Every rule it states goes to `allRules`, loaded or not, for the check of references.
 */
export function toGroup(
	yaml: YamlFile,
	data: GroupFile,
	packages: ReadonlyMap<string, Package>,
	broken: ReadonlySet<string>,
	problems: Problem[],
	lintOnly: Problem[],
	allRules: { readonly group: string; readonly constraint: Constraint }[],
): Group | undefined {
	const before = problems.length;
	if (data.name !== "") checkName(yaml, data.name, "group", problems);
	if (data.options.length === 0 && isListOfNothing(yaml.value)) {
		// a group with nothing to choose from yet loads (options are added to it one by one); only
		// `registry lint` reports it, and check warns when a project needs a choice there
		lintOnly.push({
			code: "empty-group",
			message: `group "${data.name}" has no options; list at least one package (\`hpm registry add --group ${data.name}\`)`,
			location: yaml.locate(["options"]),
		});
	}
	const options: string[] = [];
	const unloaded: string[] = [];
	const seen = new Set<string>();
	data.options.forEach((option, index) => {
		// an option the schema refused (salvaged as "") was reported there
		if (option.name === "") return;
		const at = yaml.locate(["options", index, "name"]);
		const reason = invalidNameReason(option.name);
		if (reason) {
			problems.push({
				code: "invalid-name",
				message: `option "${option.name}": ${reason}`,
				location: at,
			});
			return;
		}
		const key = normalizeName(option.name);
		// a repeat is a problem of the group whatever the package's state, so it is found in the
		// same pass as a problem of the package's own file
		if (seen.has(key)) {
			problems.push({
				code: "duplicate-option",
				message: `option "${option.name}" is listed twice`,
				location: at,
			});
			return;
		}
		seen.add(key);
		if (!packages.has(key)) {
			// a broken manifest is reported in its own file; the group loads without that option, so
			// a project choosing another option is not held up by it
			if (broken.has(key)) {
				unloaded.push(option.name);
				return;
			}
			problems.push({
				code: "unknown-package",
				message: `option "${option.name}" names no package: there is no packages/${key}.yaml`,
				location: at,
			});
			return;
		}
		options.push(key);
	});
	if (data.choose === "auto" && data.machine !== true)
		problems.push({
			code: "machine-only",
			message: `group "${data.name}" has choose: auto without machine: true; a choice made by probing a machine is kept per machine, so only a per-machine group can make it`,
			location: yaml.locate(["choose"]),
		});
	const rules = groupRules(yaml, data, options, packages, broken, problems, lintOnly);
	for (const constraint of rules.constraints) allRules.push({ group: normalizeName(data.name), constraint });
	if (problems.length > before) return undefined;
	return {
		name: data.name,
		key: normalizeName(data.name),
		strategy: data.strategy,
		description: displaySafe(data.description ?? ""),
		options,
		...(unloaded.length > 0 ? { unloaded } : {}),
		location: yaml.locate(["name"]),
		...rules,
		...(data.machine === true ? { machine: true } : {}),
		...(data.choose === "auto" ? { auto: true } : {}),
	};
}

/** Whether the file's `options` is an empty list (not missing, not something else). */
function isListOfNothing(value: unknown): boolean {
	const options = asRecord(value).options;
	return Array.isArray(options) && options.length === 0;
}
