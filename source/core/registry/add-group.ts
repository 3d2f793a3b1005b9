import { mkdirSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { type LoadedRegistry, loadContextRegistry, type Locator, locateRoot, resolveContext } from "../context.js";
import { HpmError } from "../errors.js";
import { writeFilesChecked } from "../checked-write.js";
import { closest, invalidNameReason, normalizeName } from "../names.js";
import { type LockHooks, underProjectLockIfAny, underRegistryLock } from "../project/lock.js";
import { registryChanged } from "./add-package.js";
import { loadRegistryParts, refuseUnloadable } from "./load.js";
import { displayPath } from "../os/display-path.js";
import { STRATEGIES, type Strategy } from "./schema.js";
import { guardRegistryWrite, requireRegistryFolder } from "./write-guard.js";

export type GroupInput = {
	readonly name: string;
	readonly strategy: string | undefined;
	readonly description?: string | undefined;
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
 * Creates `registry/groups/<name>.yaml`, under the project lock when there is a project. A group
 * may start without options (`hpm registry add --group` adds them one by one); what is written is
 * first proven to load.
 */
export async function addGroup(
	locator: Locator,
	cwd: string,
	input: GroupInput,
	hooks: LockHooks = {},
): Promise<AddedGroup> {
	return underProjectLockIfAny(locateRoot(locator, cwd), "registry group add", hooks, async () => {
		const context = resolveContext(locator, cwd);
		const root = requireRegistryFolder(context);
		// with layers, the others' packages may be offered, and their groups must not be hidden unawares
		const layered = context.layers.length > 1 ? await loadContextRegistry(context) : undefined;
		return underRegistryLock(root, "registry group add", hooks, () => writeGroup(root, input, layered));
	});
}

function writeGroup(registryRoot: string, input: GroupInput, layers: LoadedRegistry | undefined): AddedGroup {
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
	const loaded = loadRegistryParts(registryRoot);
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
			options.every((option) => group.options.includes(normalizeName(option)));
		if (!same) {
			throw new HpmError("exists", `group "${input.name}" already exists`, {
				hint: "edit that file, or add options with `hpm registry add --group`",
				location: group?.location ?? { file: existingFile },
			});
		}
		return {
			name: group.name,
			strategy,
			file: existingFile,
			options: group.options,
			action: "unchanged",
			message: `group "${group.name}" (${strategy}) already exists: ${existingFile}; nothing to change`,
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
		options: options.map((name) => ({ name: packageOf(name)?.name ?? name })),
	};
	const text = stringify(document, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0 });
	// a file already there under this name did not load as the group (or it would have been found
	// above): it is never replaced, and a link is never written through
	guardRegistryWrite(registryRoot, file, "must-not-exist", "the file it points to");
	refuseUnloadable(layers?.roots ?? registryRoot, new Map([[file, text]]));
	mkdirSync(path.dirname(file), { recursive: true });
	writeFilesChecked([{ file, expected: undefined, text }], registryChanged);
	const offered =
		options.length > 0
			? ` offering ${options.join(", ")}`
			: "; add options with `hpm registry add --group " + input.name + "`";
	return {
		name: input.name,
		strategy,
		file,
		options: document.options.map((o) => o.name),
		action: "created",
		message: `wrote ${file}: group "${input.name}" (${strategy})${offered}`,
	};
}
