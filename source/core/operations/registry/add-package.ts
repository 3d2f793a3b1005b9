import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { readRegularFile } from "../../os/read-file.js";
import { MAX_YAML_BYTES } from "../../registry/yaml-file.js";
import path from "node:path";
import { isNode, isScalar, type Node, parseDocument, stringify, visit } from "yaml";
import {
	type Context,
	type LoadedRegistry,
	loadContextRegistry,
	type Locator,
	locateRoot,
	resolveContext,
	writableRegistry,
} from "../../plan/context.js";
import { HpmError } from "../../base/errors.js";
import { writeFilesChecked } from "../../os/checked-write.js";
import { invalidNameReason, MODE_PATTERN, normalizeName } from "../../base/names.js";
import { displaySafe } from "../../base/text.js";
import { displayPath } from "../../base/display-path.js";
import { holdsSecret, redactSecrets } from "../../base/secrets.js";
import { type LockHooks, underProjectLockIfAny, underRegistryLock } from "../../project/lock.js";
import { readPythonPackage } from "../../registry/python-package.js";
import { backendMetadata } from "./backend-metadata.js";
import { appendGroupOption, groupOptionNames } from "./group-file-edit.js";
import { editManifestText, type ManifestChange } from "./manifest-edit.js";
import { loadRegistry, loadRegistryParts, refuseUnloadable } from "../../registry/load.js";
import type { Package, Registry } from "../../registry/model.js";
import { guardRegistryWrite, requireRegistryFolder } from "./write-guard.js";
import type { LayerRoot } from "../../registry/location.js";
import {
	inferredType,
	type PackageFormEnv,
	type PackageInput,
	versionOfRequirement,
} from "../../registry/new-package.js";
import {
	invalidGitUrlReason,
	invalidLocalPathReason,
	invalidRefReason,
	invalidSubdirectoryReason,
} from "../../registry/validate.js";
import { parseRequirement } from "../../registry/requirement.js";

/** A validated manifest ready to be written. */
export type NewManifest = {
	readonly name: string;
	readonly version: string;
	readonly description: string | undefined;
	readonly mode: string;
	readonly source: Readonly<Record<string, string | boolean>>;
};

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

/** A registry file edited by someone else between hpm reading it and writing it. */
export const registryChanged = (file: string): HpmError =>
	new HpmError("registry-changed", `${file} changed while hpm was working; nothing was written`, {
		hint: "run the command again",
		location: { file },
	});

const invalid = (message: string, hint?: string) => new HpmError("invalid-argument", message, hint ? { hint } : {});

/** Checks the inputs and fills what the package itself can tell (name, version) for a local path. */
export function validateManifest(
	input: PackageInput,
	cwd: string,
	manifestDir: string,
	/** The version a manifest already in the registry gives the package, if any. */
	knownVersion: (name: string) => string | undefined = () => undefined,
): NewManifest {
	const type = input.type ?? inferredType(input);
	if (type === undefined)
		throw invalid(
			"say where the package comes from: --type local --path DIR, --type git --url URL, or --type index --requirement REQ",
		);
	if (type !== "local" && type !== "git" && type !== "index")
		throw invalid(`--type must be "local", "git" or "index", got "${displaySafe(type)}"`);
	const mode = input.mode ?? "prod";
	if (!MODE_PATTERN.test(mode))
		throw invalid(`--mode must be a lower-case name such as prod or dev, got ${JSON.stringify(displaySafe(mode))}`);

	let name = input.name;
	let version = input.version;
	let description = input.description;
	let source: Record<string, string | boolean>;
	const indexOnly = (["requirement", "index"] as const).filter((flag) => input[flag] !== undefined);
	if (type !== "index" && indexOnly.length > 0)
		throw invalid(
			`${indexOnly.map((f) => `--${f}`).join(" and ")} belong${indexOnly.length === 1 ? "s" : ""} to --type index`,
		);
	if (type === "index") {
		const other = (["path", "url", "tag", "branch", "rev", "subdirectory"] as const).filter(
			(flag) => input[flag] !== undefined,
		);
		if (other.length > 0 || input.editable)
			throw invalid(
				`${[...other.map((f) => `--${f}`), ...(input.editable ? ["--editable"] : [])].join(" and ")} do${other.length + (input.editable ? 1 : 0) === 1 ? "es" : ""} not apply to an index source; it takes --requirement (and --index)`,
			);
		if (input.requirement === undefined) throw invalid('--type index needs --requirement, e.g. "name>=1.0,<2"');
		const parsed = parseRequirement(input.requirement);
		if (typeof parsed === "string") throw invalid(`--requirement ${parsed}`);
		const written = /^\s*([A-Za-z0-9._-]+)/.exec(input.requirement)?.[1] ?? parsed.name;
		if (name !== undefined && normalizeName(name) !== parsed.name)
			throw invalid(`--requirement names "${written}", not "${name}"`, `drop --name, or pass --name ${written}`);
		name ??= written;
		// a pin is the version; a range is recorded as written (`>=0.27`), never a version made up
		version ??= versionOfRequirement(input.requirement, parsed);
		if (input.index !== undefined) {
			const indexProblem = invalidNameReason(input.index);
			if (indexProblem) throw invalid(`--index "${input.index}": ${indexProblem}`);
		}
		source = {
			type: "index",
			requirement: input.requirement.trim(),
			...(input.index !== undefined ? { index: input.index } : {}),
		};
	} else if (type === "local") {
		if (input.url !== undefined) throw invalid("--url belongs to --type git; a local source takes --path");
		const gitOnly = (["tag", "branch", "rev", "subdirectory"] as const).filter((flag) => input[flag] !== undefined);
		if (gitOnly.length > 0)
			throw invalid(
				`${gitOnly.map((f) => `--${f}`).join(" and ")} belong${gitOnly.length === 1 ? "s" : ""} to a git source; a local source takes only --path (and --editable)`,
			);
		if (input.path === undefined)
			throw invalid("--type local needs --path DIR (the folder holding the package's pyproject.toml)");
		const pathProblem = invalidLocalPathReason(input.path);
		if (pathProblem) throw invalid(`--path ${pathProblem}`);
		const absolute = path.resolve(cwd, input.path);
		const found = readPythonPackage(absolute);
		if (typeof found === "string") throw invalid(`--path: ${found}`);
		if (name !== undefined && found.name !== undefined && normalizeName(name) !== normalizeName(found.name)) {
			throw invalid(
				`--path ${input.path} holds package "${found.name}", not "${name}"`,
				`drop --name, or pass --name ${found.name}`,
			);
		}
		name ??= found.name;
		version ??= found.version;
		description ??= found.description;
		const relative = path.relative(manifestDir, absolute).split(path.sep).join("/") || ".";
		source = { type: "local", path: relative, ...(input.editable ? { editable: true } : {}) };
	} else {
		if (input.path !== undefined) throw invalid("--path belongs to --type local; a git source takes --url");
		if (input.url === undefined) throw invalid("--type git needs --url URL");
		const urlProblem = invalidGitUrlReason(input.url) ?? writtenSecretReason(input.url);
		if (urlProblem) throw invalid(`--url ${urlProblem}`);
		if (input.editable) throw invalid("--editable applies only to a local source");
		const refs = (["tag", "branch", "rev"] as const).filter((kind) => input[kind] !== undefined);
		if (refs.length > 1)
			throw invalid(`give at most one of --tag, --branch, --rev (got ${refs.map((r) => `--${r}`).join(" and ")})`);
		source = { type: "git", url: input.url };
		for (const kind of refs) {
			const value = input[kind] ?? "";
			const refProblem = invalidRefReason(value);
			if (refProblem) throw invalid(`--${kind} ${refProblem}`);
			source[kind] = value;
		}
		if (input.subdirectory !== undefined) {
			const subdirectoryProblem = invalidSubdirectoryReason(input.subdirectory);
			if (subdirectoryProblem) throw invalid(`--subdirectory ${subdirectoryProblem}`);
			source.subdirectory = input.subdirectory;
		}
	}
	if (name === undefined) throw invalid("--name is required (the package's pyproject.toml did not say)");
	const reason = invalidNameReason(name);
	if (reason) throw invalid(`--name "${name}": ${reason}`);
	version ??= knownVersion(name);
	if (version === undefined || version === "")
		throw invalid(
			type === "git"
				? "--version is required for a git source (hpm does not fetch the repository to read it)"
				: "--version is required (neither the package's pyproject.toml, its PKG-INFO nor its build backend gave one)",
		);
	return { name, version, description, mode, source };
}

/** The manifest file's text, written by the YAML library (strings double-quoted, as the examples are). */
export function manifestYaml(manifest: NewManifest): string {
	const document = {
		name: manifest.name,
		version: manifest.version,
		...(manifest.description ? { description: manifest.description } : {}),
		sources: { [manifest.mode]: manifest.source },
	};
	return stringify(document, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0 });
}

/** Whether the inputs lack something only a person can supply (the source, or a name or version). */
export function needsAnswers(input: PackageInput, cwd: string): boolean {
	if (input.path === undefined && input.url === undefined && input.requirement === undefined) return true;
	if (input.path !== undefined) {
		const found = readPythonPackage(path.resolve(cwd, input.path));
		return (
			typeof found !== "string" &&
			((input.name ?? found.name) === undefined || (input.version ?? found.version) === undefined)
		);
	}
	// a requirement says its version: a pin, or the range as written
	if (input.requirement !== undefined) return typeof parseRequirement(input.requirement) === "string";
	return input.name === undefined || input.version === undefined;
}

/** What the form needs to validate answers as they are typed: the registry's groups and packages. */
export function packageForm(locator: Locator, cwd: string, given?: Partial<PackageInput>): PackageFormEnv {
	const context = resolveContext(locator, cwd);
	// what would stop the add anyway is said before the form asks anything
	const root = requireRegistryFolder(context);
	if (given) refuseInvalidGiven(given);
	return packageFormOf(context, loadRegistry(root).registry);
}

/** Why hpm will not write `url` into a registry file: it holds a password or token. */
function writtenSecretReason(url: string): string | undefined {
	return holdsSecret(url)
		? `${redactSecrets(url)} holds a password or token, which hpm does not write into the registry: name an environment variable in its place (https://\${TOKEN}@host/org/repo.git), or leave the URL without credentials and let git's credential helper supply them`
		: undefined;
}

/** The flags given on the command line that could never be written, refused before any question. */
function refuseInvalidGiven(input: Partial<PackageInput>): void {
	const name = input.name === undefined ? undefined : invalidNameReason(input.name);
	if (name) throw invalid(`--name "${input.name}": ${name}`);
	const url = input.url === undefined ? undefined : (invalidGitUrlReason(input.url) ?? writtenSecretReason(input.url));
	if (url) throw invalid(`--url ${url}`);
	const local = input.path === undefined ? undefined : invalidLocalPathReason(input.path);
	if (local) throw invalid(`--path ${local}`);
	const requirement = input.requirement === undefined ? undefined : parseRequirement(input.requirement);
	if (typeof requirement === "string") throw invalid(`--requirement ${requirement}`);
	if (input.mode !== undefined && !MODE_PATTERN.test(input.mode))
		throw invalid(
			`--mode must be a lower-case name such as prod or dev, got ${JSON.stringify(displaySafe(input.mode))}`,
		);
}

/** The same, from a registry already loaded (the UI has one). */
export function packageFormOf(context: Context, registry: Registry | undefined): PackageFormEnv {
	return {
		cwd: context.cwd,
		packagesDir: path.join(writableRegistry(context), "packages"),
		groups: registry ? [...registry.groups.values()].map((g) => g.name) : [],
		indexes: registry ? [...registry.indexes.values()].map((i) => i.name) : [],
		existing: new Map([...(registry?.packages.values() ?? [])].map((pkg) => [pkg.key, [...pkg.sources.keys()]])),
	};
}

/**
 * The inputs with what a local package's build backend says where its files do not (a dynamic
 * version, as setuptools-scm computes it; its name and summary): the one slow read, done once
 * before the form or the write. Other inputs come back as they were.
 */
export async function withBackendMetadata(input: PackageInput, cwd: string): Promise<PackageInput> {
	if (input.path === undefined || input.version !== undefined) return input;
	if (input.type !== undefined && input.type !== "local") return input;
	if (invalidLocalPathReason(input.path)) return input;
	const dir = path.resolve(cwd, input.path);
	const found = readPythonPackage(dir);
	if (typeof found === "string" || found.version !== undefined) return input;
	// no uv to run it with is no answer either: the person is asked for --version, as before
	const metadata = await backendMetadata(dir).catch(() => undefined);
	if (metadata?.version === undefined) return input;
	return {
		...input,
		version: metadata.version,
		name: input.name ?? found.name ?? metadata.name,
		description: input.description ?? found.description ?? metadata.description,
	};
}

/**
 * Validates, then writes `registry/packages/<name>.yaml` (and the group's new option) atomically,
 * under the project lock when there is a project. The CLI and the form both come here.
 */
export async function addPackage(
	locator: Locator,
	cwd: string,
	input: PackageInput,
	hooks: LockHooks = {},
): Promise<AddedPackage> {
	input = await withBackendMetadata(input, cwd);
	return underProjectLockIfAny(locateRoot(locator, cwd), "registry add", hooks, async () => {
		const context = resolveContext(locator, cwd);
		const root = requireRegistryFolder(context);
		// with layers, what is written is proven to load among them all (a group may offer another layer's package)
		const layered = context.layers.length > 1 ? await loadContextRegistry(context) : undefined;
		if (input.group !== undefined && layered) refuseOtherLayersGroup(layered, root, input.group);
		return underRegistryLock(root, "registry add", hooks, () => writePackage(root, cwd, input, layered?.roots));
	});
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

function writePackage(
	root: string,
	cwd: string,
	input: PackageInput,
	layers: readonly LayerRoot[] | undefined,
): AddedPackage {
	const packagesDir = path.join(root, "packages");
	const loaded = loadRegistryParts(root);
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
		input.group === undefined ? { write: undefined, group: undefined } : groupEdit(loaded, input.group, manifest.name);

	// Nothing is written that the loader would then reject.
	const planned = new Map([[file, text], ...(groupWrite ? ([[groupWrite.file, groupWrite.text]] as const) : [])]);
	const hint = (at: string) =>
		at === file
			? "the manifest as it would be written does not load"
			: "fix the group file first (`hpm registry lint` lists its problems)";
	refuseUnloadable(layers ?? root, planned, hint);

	if (action !== "unchanged")
		guardRegistryWrite(
			root,
			file,
			action === "created" ? "must-not-exist" : action === "overwrote" ? "may-exist" : "may-be-linked",
			"the manifest it points to",
		);
	if (groupWrite) guardRegistryWrite(root, groupWrite.file, "may-be-linked", "the group file it points to");
	mkdirSync(path.dirname(file), { recursive: true });
	// the manifest first: if hpm is killed between the two, the registry still loads (the package
	// is simply not offered yet) and running the same command again adds the group's line
	writeFilesChecked(
		[...(action === "unchanged" ? [] : [{ file, expected, text }]), ...(groupWrite ? [groupWrite] : [])],
		registryChanged,
	);
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
	return { manifest, file, action, message, group, groupMessage };
}

/** Whether the manifest already has exactly this source for the mode, and nothing else would change. */
function saysAlready(existing: Package, manifest: NewManifest, input: PackageInput): boolean {
	if (manifest.version !== existing.version) return false;
	if (input.description !== undefined && input.description !== existing.description) return false;
	return sameModeSource(existing, manifest);
}

/**
 * Whether the manifest's source for the mode is the one being added, compared as the loader reads
 * them: a local folder by where it is (`../../pkg/` and `../../pkg` are one folder), a git source by
 * URL, ref and subdirectory.
 */
function sameModeSource(existing: Package, manifest: NewManifest): boolean {
	const had = existing.sources.get(manifest.mode);
	const want = manifest.source;
	if (!had || had.type !== want.type) return false;
	if (had.type === "local") {
		const folder = path.resolve(path.dirname(existing.location.file), String(want.path));
		return had.path === folder && had.editable === (want.editable === true);
	}
	if (had.type === "index")
		return (
			had.requirement.trim() === want.requirement &&
			had.index === (want.index === undefined ? undefined : normalizeName(String(want.index)))
		);
	const ref = (["tag", "branch", "rev"] as const).find((kind) => want[kind] !== undefined);
	return (
		had.url === want.url &&
		had.ref?.kind === ref &&
		(ref === undefined || had.ref?.value === want[ref]) &&
		had.subdirectory === (want.subdirectory === undefined ? undefined : String(want.subdirectory))
	);
}

/** The existing manifest's text with the mode's source added or (with --force) replaced. */
function mergeSource(
	existing: Package,
	manifest: NewManifest,
	input: PackageInput,
): { text: string; old: string; normalized: boolean } {
	const file = existing.location.file;
	if (existing.sources.has(manifest.mode) && !sameModeSource(existing, manifest) && !input.force) {
		throw new HpmError("exists", `package "${existing.name}" already has another ${manifest.mode} source`, {
			hint: `pass --force to replace it (its other sources stay), or --mode for another mode (it has: ${[...existing.sources.keys()].join(", ")})`,
			location: existing.location,
		});
	}
	const version = manifest.version !== existing.version ? manifest.version : undefined;
	if (version !== undefined && !input.force) {
		throw new HpmError(
			"version-mismatch",
			`package "${existing.name}" is version ${existing.version} in its manifest, but the new source says ${version}`,
			{
				hint: `pass --version ${existing.version}, or --force to make the manifest say ${version}`,
				location: existing.location,
			},
		);
	}
	const description =
		input.description !== undefined && input.description !== existing.description ? input.description : undefined;
	if (description !== undefined && existing.description !== "" && !input.force) {
		throw new HpmError("description-mismatch", `package "${existing.name}" already has another description`, {
			hint: "drop --description, or pass --force to replace it",
			location: existing.location,
		});
	}
	const old = readRegularFile(file, MAX_YAML_BYTES).toString("utf8");
	const change = { mode: manifest.mode, source: manifest.source, version, description };
	const edited = editManifestText(old, change);
	return edited === undefined
		? { text: renderManifestChange(old, change), old, normalized: true }
		: { text: edited, old, normalized: false };
}

/** The YAML library's rendering of the change, for files in a shape the line editor leaves alone. */
function renderManifestChange(text: string, change: ManifestChange): string {
	const document = parseDocument(text);
	// another mode that is an alias of the source being replaced (`dev: *prod`) keeps what it said:
	// the alias becomes a copy of the old source before that is replaced
	const old: unknown = document.getIn(["sources", change.mode], true);
	const anchor = isNode(old) ? old.anchor : undefined;
	if (isNode(old) && anchor !== undefined) {
		visit(document, {
			Alias: (_, alias) => {
				if (alias.source !== anchor) return undefined;
				const copy = old.clone() as Node;
				copy.anchor = undefined;
				return copy;
			},
		});
	}
	// strings double-quoted, as every manifest hpm writes
	const quoted = (value: unknown) => {
		const node = document.createNode(value);
		const quote = (scalar: unknown) => {
			if (isScalar(scalar) && typeof scalar.value === "string") scalar.type = "QUOTE_DOUBLE";
		};
		quote(node);
		visit(node, { Pair: (_, pair) => quote(pair.value) });
		return node;
	};
	document.setIn(["sources", change.mode], quoted({ ...change.source }));
	if (change.version !== undefined) document.setIn(["version"], quoted(change.version));
	if (change.description !== undefined) document.setIn(["description"], quoted(change.description));
	return document.toString({ lineWidth: 0 });
}

/** A group file's text as read, and as it is to be written. */
type GroupWrite = { readonly file: string; readonly expected: string; readonly text: string };

/** The group file's new text when it does not list the package yet; the group may not load yet. */
function groupEdit(
	loaded: ReturnType<typeof loadRegistryParts>,
	name: string,
	option: string,
): { write: GroupWrite | undefined; group: NonNullable<AddedPackage["group"]> } {
	const key = normalizeName(name);
	const file = loaded.registry.groups.get(key)?.location.file ?? loaded.groupFiles.get(key);
	if (!file) {
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
