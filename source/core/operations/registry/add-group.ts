import { escapeHidden } from "./yaml-escape.js";
import path from "node:path";
import { stringify } from "yaml";
import type { Locator } from "../../plan/context.js";
import { HpmError } from "../../base/errors.js";
import { closest, invalidNameReason, normalizeName } from "../../base/names.js";
import type { LockHooks } from "../../project/lock.js";
import { displayPath } from "../../base/display-path.js";
import { STRATEGIES, type Strategy } from "../../registry/schema.js";
import type { InputSpecs, InputValues } from "../../base/inputs.js";
import { type RegistryEdit, type RegistryTarget, writeRegistry } from "./registry-write.js";

/**
 * The one declaration of a new group's inputs, one per field a group file has: `hpm registry
 * group add` takes them as flags (help from `value` and `help`). Adding a field is one entry here
 * and its line in `groupDocument`.
 */
export const GROUP_INPUTS = {
	strategy: { type: "string", value: "1-of-N|M-of-N", help: "how many options a project picks" },
	description: { type: "string", value: "TEXT", help: "one line for list and search" },
	option: { type: "string", short: "o", multiple: true, value: "NAME", help: "a package to offer (repeatable)" },
	default: {
		type: "string",
		multiple: true,
		value: "NAME",
		help: "an option chosen when none is given (hpm init, group add); repeatable for M-of-N",
	},
	required: { type: "boolean", help: "1-of-N: a project must choose an option (a check fails without one)" },
	min: { type: "string", value: "N", help: "M-of-N: the fewest options a choice has" },
	max: { type: "string", value: "N", help: "M-of-N: the most options a choice has" },
	interface: {
		type: "string",
		value: "NAME",
		help: "the interface every option implements (each option's manifest `provides` it)",
	},
} as const satisfies InputSpecs;

export type GroupInput = Partial<Omit<InputValues<typeof GROUP_INPUTS>, "option">> & {
	readonly name: string;
	/** Packages to offer from the start (each must be in the registry). */
	readonly options?: readonly string[];
};

export type AddedGroup = {
	readonly name: string;
	readonly strategy: Strategy;
	readonly file: string;
	readonly options: readonly string[];
	/** created: a new group file; unchanged: the group already exists exactly so. */
	readonly action: "created" | "unchanged";
	readonly message: string;
};

const invalid = (message: string, hint?: string) => new HpmError("invalid-argument", message, hint ? { hint } : {});

/**
 * Creates `registry/groups/<name>.yaml`, under the project lock when there is a project
 * (registry-write.ts). A group may start without options (`hpm registry add --group` adds them one
 * by one); what is written is first proven to load, with layers among them all (the others'
 * packages may be offered, and their groups must not be hidden unawares).
 */
export async function addGroup(
	locator: Locator,
	cwd: string,
	input: GroupInput,
	hooks: LockHooks = {},
): Promise<AddedGroup> {
	return writeRegistry(locator, cwd, "registry group add", hooks, (target) => planGroup(target, input));
}

function planGroup(
	{ root: registryRoot, loaded, layered: layers }: RegistryTarget,
	input: GroupInput,
): RegistryEdit<AddedGroup> {
	const layered = layers?.registry;
	const reason = invalidNameReason(input.name);
	if (reason) throw invalid(`group name "${input.name}": ${reason}`);
	const strategy = STRATEGIES.find((s) => s === input.strategy);
	if (input.strategy === undefined)
		throw invalid("--strategy is required: 1-of-N (exactly one option) or M-of-N (any subset)");
	if (!strategy) {
		const guess = closest(input.strategy, STRATEGIES);
		throw invalid(
			`--strategy must be 1-of-N or M-of-N, got "${input.strategy}"`,
			guess ? `did you mean ${guess}?` : undefined,
		);
	}
	const fields = groupFields(input, strategy);
	const key = normalizeName(input.name);
	const options = input.options ?? [];
	const packageOf = (option: string) =>
		loaded.registry.packages.get(normalizeName(option)) ?? layered?.packages.get(normalizeName(option));
	const unknown = options.filter((option) => packageOf(option) === undefined);
	if (unknown.length > 0) {
		throw new HpmError("unknown-package", `no package ${unknown.map((o) => `"${o}"`).join(", ")} in the registry`, {
			hint: "add it first with `hpm registry add`, then offer it here",
		});
	}
	const existingFile = loaded.groupFiles.get(key);
	if (existingFile) {
		const group = loaded.registry.groups.get(key);
		const same =
			group !== undefined &&
			group.strategy === strategy &&
			(input.description === undefined || input.description === group.description) &&
			options.every((option) => group.options.includes(normalizeName(option))) &&
			(!input.required || group.required) &&
			(fields.min === undefined || fields.min === group.min) &&
			(fields.max === undefined || fields.max === group.max) &&
			(fields.interface === undefined || normalizeName(fields.interface) === group.interface) &&
			(fields.default === undefined || [fields.default].flat().map(normalizeName).join() === group.defaults.join());
		if (!same) {
			throw new HpmError("exists", `group "${input.name}" already exists`, {
				hint: "edit that file, or add options with `hpm registry add --group`",
				location: group?.location ?? { file: existingFile },
			});
		}
		return {
			files: [],
			result: {
				name: group.name,
				strategy,
				file: existingFile,
				options: group.options,
				action: "unchanged",
				message: `group "${group.name}" (${strategy}) already exists: ${existingFile}; nothing to change`,
			},
		};
	}

	const hidden = layered?.groups.get(key);
	if (hidden) {
		throw new HpmError(
			"exists",
			`group "${hidden.name}" is already defined by another registry layer (${displayPath(hidden.location?.file ?? "")}); a second one in ${registryRoot} would hide it, or be hidden by it`,
			{
				hint: "add options to it where it is defined; to replace it in this project on purpose, write the group's file in this folder yourself (`hpm show` and `hpm registry lint` will say what it hides)",
				...(hidden.location ? { location: hidden.location } : {}),
			},
		);
	}
	const file = path.join(registryRoot, "groups", `${input.name}.yaml`);
	const document = {
		name: input.name,
		strategy,
		...(input.description ? { description: input.description } : {}),
		...fields,
		options: options.map((name) => ({ name: packageOf(name)?.name ?? name })),
	};
	const text = escapeHidden(
		stringify(document, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0 }),
	);
	const offered =
		options.length > 0
			? ` offering ${options.join(", ")}`
			: "; add options with `hpm registry add --group " + input.name + "`";
	return {
		// a file already there under this name did not load as the group (or it would have been found
		// above): it is never replaced, and a link is never written through
		files: [
			{ file, expected: undefined, text, guard: { existing: "must-not-exist", replacing: "the file it points to" } },
		],
		result: {
			name: input.name,
			strategy,
			file,
			options: document.options.map((o) => o.name),
			action: "created",
			message: `wrote ${file}: group "${input.name}" (${strategy})${offered}`,
		},
	};
}

/**
 * The group file's fields beyond name, strategy and description, in the order the examples write
 * them, from the inputs: numbers checked here, the rest (a default that is no option, an option
 * that does not provide the interface) by loading what would be written.
 */
function groupFields(
	input: GroupInput,
	strategy: Strategy,
): {
	readonly interface?: string;
	readonly default?: string | readonly string[];
	readonly required?: true;
	readonly min?: number;
	readonly max?: number;
} {
	const whole = (flag: "min" | "max", least: number) => {
		const value = input[flag];
		if (value === undefined) return undefined;
		if (!/^\d+$/.test(value.trim()) || Number(value) < least)
			throw invalid(`--${flag} must be a whole number, ${least} or more, got "${value}"`);
		if (strategy !== "M-of-N") throw invalid(`--${flag} applies to an M-of-N group`);
		return Number(value);
	};
	const min = whole("min", 0);
	const max = whole("max", 1);
	if (min !== undefined && max !== undefined && min > max) throw invalid(`--min ${min} is more than --max ${max}`);
	if (input.required && strategy !== "1-of-N")
		throw invalid("--required applies to a 1-of-N group", "for an M-of-N group, --min 1 says at least one");
	const defaults = input.default ?? [];
	if (strategy === "1-of-N" && defaults.length > 1)
		throw invalid(`a 1-of-N group has one default, got ${defaults.length} (${defaults.join(", ")})`);
	const unknownDefault = defaults.find(
		(name) => !(input.options ?? []).some((option) => normalizeName(option) === normalizeName(name)),
	);
	if (unknownDefault !== undefined)
		throw invalid(
			`--default ${unknownDefault} is not an option of the group`,
			`offer it too: --option ${unknownDefault}`,
		);
	if (input.interface !== undefined) {
		const reason = invalidNameReason(input.interface);
		if (reason) throw invalid(`--interface "${input.interface}": ${reason}`);
	}
	return {
		...(input.interface !== undefined ? { interface: input.interface } : {}),
		...(defaults.length > 0 ? { default: strategy === "1-of-N" ? (defaults[0] ?? "") : [...defaults] } : {}),
		...(input.required ? { required: true as const } : {}),
		...(min !== undefined ? { min } : {}),
		...(max !== undefined ? { max } : {}),
	};
}
