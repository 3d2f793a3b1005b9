import path from "node:path";
import type { Problem } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import type { Constraint, Group, Package } from "./model.js";
import type { GroupFile } from "./schema.js";
import type { YamlFile } from "./yaml-file.js";

/** `group=option`, as an option's `requires` and `conflicts` name another group's choice. */
const REFERENCE = /^\s*([^=\s]+)\s*=\s*([^=\s]+)\s*$/;

/**
 * What a group file says beyond its options: the interface they implement, the default choice, how
 * many may be chosen, and each option's `requires`/`conflicts`. Each is checked against the group
 * itself here; references to other groups are checked once every group is read.
 */
export function groupRules(
	yaml: YamlFile,
	data: GroupFile,
	options: readonly string[],
	packages: ReadonlyMap<string, Package>,
	broken: ReadonlySet<string>,
	problems: Problem[],
	lintOnly: Problem[],
): Pick<Group, "interface" | "defaults" | "required" | "min" | "max" | "limitsLocation" | "constraints"> {
	const oneOfN = data.strategy === "1-of-N";
	let interfaceKey: string | undefined;
	if (data.interface !== undefined) {
		const reason = invalidNameReason(data.interface);
		if (reason)
			problems.push({
				code: "invalid-name",
				message: `interface "${data.interface}": ${reason}`,
				location: yaml.locate(["interface"]),
			});
		else interfaceKey = normalizeName(data.interface);
	}
	if (interfaceKey !== undefined) {
		data.options.forEach((option, index) => {
			const pkg = packages.get(normalizeName(option.name));
			if (!pkg || pkg.provides.includes(interfaceKey)) return;
			lintOnly.push({
				code: "interface-not-provided",
				message: `option "${option.name}" does not provide the group's interface "${data.interface}"; add \`provides: [${data.interface}]\` to ${path.basename(pkg.location.file)} if it implements it`,
				location: yaml.locate(["options", index, "name"]),
			});
		});
	}
	const rawDefaults =
		data.default === undefined ? [] : typeof data.default === "string" ? [data.default] : data.default;
	const defaults: string[] = [];
	if (oneOfN && rawDefaults.length > 1)
		problems.push({
			code: "invalid-default",
			message: `a 1-of-N group has one default, not ${rawDefaults.length}`,
			location: yaml.locate(["default"]),
		});
	rawDefaults.forEach((name, index) => {
		const at = yaml.locate(typeof data.default === "string" ? ["default"] : ["default", index]);
		const key = normalizeName(name);
		if (options.includes(key)) defaults.push(key);
		// a broken manifest is reported in its own file, not again by every rule that names it
		else if (broken.has(key)) return;
		else
			problems.push({
				code: "invalid-default",
				message: `default "${name}" is not an option of group "${data.name}"`,
				location: at,
			});
	});
	if (data.required !== undefined && !oneOfN)
		problems.push({
			code: "invalid-limit",
			message: "required applies to a 1-of-N group; an M-of-N group says how many with min",
			location: yaml.locate(["required"]),
		});
	for (const limit of ["min", "max"] as const) {
		if (data[limit] !== undefined && oneOfN)
			problems.push({
				code: "invalid-limit",
				message: `${limit} applies to an M-of-N group; a 1-of-N group has exactly one choice (say required: true to demand it)`,
				location: yaml.locate([limit]),
			});
	}
	if (data.min !== undefined && data.max !== undefined && data.min > data.max)
		problems.push({
			code: "invalid-limit",
			message: `min ${data.min} is more than max ${data.max}`,
			location: yaml.locate(["min"]),
		});
	if (data.min !== undefined && options.length > 0 && data.min > options.length)
		problems.push({
			code: "invalid-limit",
			message: `min ${data.min} is more than the group's ${options.length} options`,
			location: yaml.locate(["min"]),
		});
	const constraints: Constraint[] = [];
	data.options.forEach((option, index) => {
		for (const kind of ["requires", "conflicts"] as const) {
			(option[kind] ?? []).forEach((text, at) => {
				const location = yaml.locate(["options", index, kind, at]);
				const match = REFERENCE.exec(text);
				const [group, target] = [match?.[1] ?? "", match?.[2] ?? ""];
				const reason = match ? (invalidNameReason(group) ?? invalidNameReason(target)) : undefined;
				if (!match || reason) {
					problems.push({
						code: "invalid-reference",
						message: `${kind} "${text}": ${reason ?? "write it as group=option"}`,
						location,
					});
					return;
				}
				constraints.push({
					kind,
					option: normalizeName(option.name),
					target: { group: normalizeName(group), option: normalizeName(target) },
					text: `${group}=${target}`,
					location,
				});
			});
		}
	});
	const limitsAt = (["required", "min", "max"] as const).find((key) => data[key] !== undefined);
	return {
		interface: interfaceKey,
		defaults,
		required: oneOfN && data.required === true,
		min: oneOfN ? undefined : data.min,
		max: oneOfN ? undefined : data.max,
		limitsLocation: limitsAt ? yaml.locate([limitsAt]) : undefined,
		constraints,
	};
}
