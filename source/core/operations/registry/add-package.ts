import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { HpmError } from "../../base/errors.js";
import { displayPath } from "../../base/display-path.js";
import { normalizeName } from "../../base/names.js";
import { readRegularFile } from "../../os/read-file.js";
import type { LoadedRegistry, Locator } from "../../plan/context.js";
import type { LockHooks } from "../../project/lock.js";
import { brokenFile } from "../../registry/broken.js";
import type { loadRegistryParts } from "../../registry/load.js";
import type { PackageInput } from "../../registry/new-package.js";
import { MAX_YAML_BYTES } from "../../registry/yaml-file.js";
import { appendGroupOption, groupOptionNames } from "./group-file-edit.js";
import { mergeSource, saysAlready } from "./manifest-merge.js";
import { manifestYaml, type NewManifest, validateManifest } from "./new-manifest.js";
import { withBackendMetadata } from "./package-form.js";
import { type PlannedFile, type RegistryEdit, type RegistryTarget, writeRegistry } from "./registry-write.js";

export { manifestYaml, type NewManifest, validateManifest } from "./new-manifest.js";
export { needsAnswers, packageForm, packageFormOf, withBackendMetadata } from "./package-form.js";
export { registryChanged } from "./registry-write.js";

export type AddedPackage = {
	readonly manifest: NewManifest;
	readonly file: string;
	/**
	 * created: a new manifest; added / replaced: the mode's source in an existing one (nothing else
	 * in it changed); overwrote: a manifest that did not load, replaced (with --force); unchanged:
	 * the manifest already says exactly this (nothing is written to it).
	 */
	readonly action: "created" | "added" | "replaced" | "overwrote" | "unchanged";
	/** What a person is told about the manifest. */
	readonly message: string;
	/** The group it was offered in, if any, and what happened there. */
	readonly group: { readonly name: string; readonly added: boolean } | undefined;
	/** What a person is told about the group, or "" without one. */
	readonly groupMessage: string;
};
/**
 * Validates, then writes `registry/packages/<name>.yaml` (and the group's new option) atomically,
 * under the project lock when there is a project (registry-write.ts). The CLI and the form both
 * come here.
 */
export async function addPackage(
	locator: Locator,
	cwd: string,
	input: PackageInput,
	hooks: LockHooks = {},
): Promise<AddedPackage> {
	input = await withBackendMetadata(input, cwd);
	return writeRegistry(locator, cwd, "registry add", hooks, (target) => planPackage(target, cwd, input));
}

/** --group naming a group another registry layer defines: hpm writes only to the first folder layer. */
function refuseOtherLayersGroup(layered: LoadedRegistry, root: string, name: string): void {
	const group = layered.registry.groups.get(normalizeName(name));
	const file = group?.location.file;
	if (file === undefined || path.dirname(path.dirname(file)) === root) return;
	throw new HpmError(
		"registry-read-only",
		`group "${group?.name}" is defined by another registry layer (${displayPath(file)}); hpm adds packages and options only to ${root}`,
		{
			hint: "add the option in that layer (for a registry from git: in a checkout of it, then commit and push), or offer the package in a group of this folder",
			location: group?.location,
		},
	);
}

function planPackage(
	{ root, loaded, layered }: RegistryTarget,
	cwd: string,
	input: PackageInput,
): RegistryEdit<AddedPackage> {
	if (input.group !== undefined && layered) refuseOtherLayersGroup(layered, root, input.group);
	const packagesDir = path.join(root, "packages");
	const registry = loaded.registry;
	// a package already in the registry lends its version to a new mode's source
	const manifest = validateManifest(
		input,
		cwd,
		packagesDir,
		(name) => registry.packages.get(normalizeName(name))?.version,
	);
	const key = normalizeName(manifest.name);
	const existing = registry.packages.get(key);
	const leftOut = loaded.leftOut.find((pkg) => pkg.key === key);
	const file = existing?.location.file ?? leftOut?.location.file ?? path.join(packagesDir, `${manifest.name}.yaml`);

	let text: string;
	// what the manifest held when read: it is replaced only while it still holds that
	let expected: string | undefined;
	let action: AddedPackage["action"];
	// the line editor could not keep the file's layout (an anchor, explicit keys, flow style)
	let normalized = false;
	if (existing && saysAlready(existing, manifest, input)) {
		text = readRegularFile(file, MAX_YAML_BYTES).toString("utf8");
		action = "unchanged";
	} else if (existing) {
		({ text, old: expected, normalized } = mergeSource(existing, manifest, input));
		action = existing.sources.has(manifest.mode) ? "replaced" : "added";
	} else if (existsSync(file)) {
		if (!input.force) {
			throw new HpmError("exists", `${file} exists but does not load (\`hpm registry lint\` says why)`, {
				hint: "fix it and run this again to add a source, or pass --force to overwrite it with a new manifest",
				location: { file },
			});
		}
		expected = readFileSync(file, "utf8");
		text = manifestYaml(manifest);
		action = "overwrote";
	} else {
		text = manifestYaml(manifest);
		action = "created";
	}

	// Prepare every write before the first one, so a bad --group leaves no half-added package.
	const { write: groupWrite, group } =
		input.group === undefined
			? { write: undefined, group: undefined }
			: groupFileWrite(loaded, input.group, manifest.name);

	// the manifest first: if hpm is killed between the two, the registry still loads (the package
	// is simply not offered yet) and running the same command again adds the group's line
	const files: PlannedFile[] = [
		{
			file,
			expected,
			text,
			guard:
				action === "unchanged"
					? undefined
					: {
							existing:
								action === "created" ? "must-not-exist" : action === "overwrote" ? "may-exist" : "may-be-linked",
							replacing: "the manifest it points to",
						},
		},
		...(groupWrite
			? [{ ...groupWrite, guard: { existing: "may-be-linked", replacing: "the group file it points to" } } as const]
			: []),
	];
	const hint = (at: string) =>
		at === file
			? "the manifest as it would be written does not load"
			: "fix the group file first (`hpm registry lint` lists its problems)";
	const groupMessage = group
		? group.added
			? `added as an option of group "${group.name}"`
			: `group "${group.name}" already lists it; nothing to add`
		: "";
	const kept = normalized
		? "its other sources say what they said; the YAML library rewrote the file's layout, comments kept"
		: "its other sources are unchanged";
	const message = {
		created: `wrote ${file}`,
		added: `added the ${manifest.mode} source to ${file} (${kept})`,
		replaced: `replaced the ${manifest.mode} source in ${file} (${kept})`,
		overwrote: `wrote ${file} (replacing a manifest that did not load)`,
		unchanged: `${file} already has this ${manifest.mode} source; nothing to change`,
	}[action];
	return { files, hint, result: { manifest, file, action, message, group, groupMessage } };
}

/** A group file's text as read, and as it is to be written. */
type GroupWrite = { readonly file: string; readonly expected: string; readonly text: string };

/** The group file's new text when it does not list the package yet; the group may not load yet. */
function groupFileWrite(
	loaded: ReturnType<typeof loadRegistryParts>,
	name: string,
	option: string,
): { write: GroupWrite | undefined; group: NonNullable<AddedPackage["group"]> } {
	const key = normalizeName(name);
	const file = loaded.registry.groups.get(key)?.location.file ?? loaded.groupFiles.get(key);
	if (!file) {
		// a group file that does not load is named with its problem, never offered to be created again
		const broken = brokenFile(loaded.registry, loaded.problems, "groups", name);
		if (broken)
			throw new HpmError(broken.code, `group "${name}" cannot be used: ${broken.message}`, {
				hint: "fix the group's file (`hpm registry lint` lists every problem), then run this again",
				...(broken.location ? { location: broken.location } : {}),
			});
		const names = [...loaded.groupFiles.keys()];
		throw new HpmError("unknown-group", `unknown group "${name}"`, {
			hint: names.length
				? `groups: ${names.join(", ")}; or create it with \`hpm registry group add ${name} --strategy 1-of-N|M-of-N\``
				: `the registry has no groups yet; create one with \`hpm registry group add ${name} --strategy 1-of-N|M-of-N\``,
		});
	}
	const groupName = loaded.registry.groups.get(key)?.name ?? name;
	const text = readRegularFile(file, MAX_YAML_BYTES).toString("utf8");
	if (groupOptionNames(text).includes(normalizeName(option)))
		return { write: undefined, group: { name: groupName, added: false } };
	return {
		write: { file, expected: text, text: appendGroupOption(text, option, file) },
		group: { name: groupName, added: true },
	};
}
