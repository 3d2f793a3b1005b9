import { existsSync, mkdirSync } from "node:fs";
import { readRegularFile } from "../os/read-file.js";
import { MAX_YAML_BYTES } from "./yaml-file.js";
import path from "node:path";
import { stringify } from "yaml";
import { type Context, type Locator, locateRoot, resolveContext } from "../context.js";
import { HpmError } from "../errors.js";
import { writeFileAtomic } from "../fs-atomic.js";
import { invalidNameReason, MODE_PATTERN, normalizeName } from "../names.js";
import { type LockHooks, underProjectLock } from "../project/lock.js";
import { readPythonPackage } from "../python-package.js";
import { appendGroupOption } from "./group-file-edit.js";
import { loadRegistry } from "./load.js";
import type { Registry } from "./model.js";
import type { PackageFormEnv, PackageInput } from "./new-package.js";
import {
	invalidGitUrlReason,
	invalidLocalPathReason,
	invalidRefReason,
	invalidSubdirectoryReason,
} from "./validate.js";

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
	/** The group it was offered in, if any, and what happened there. */
	readonly group: { readonly name: string; readonly added: boolean } | undefined;
	/** What a person is told about the group, or "" without one. */
	readonly groupMessage: string;
};

const invalid = (message: string, hint?: string) => new HpmError("invalid-argument", message, hint ? { hint } : {});

/** Checks the inputs and fills what the package itself can tell (name, version) for a local path. */
export function validateManifest(input: PackageInput, cwd: string, manifestDir: string): NewManifest {
	const type = input.type ?? (input.path !== undefined ? "local" : input.url !== undefined ? "git" : undefined);
	if (type === undefined)
		throw invalid("say where the package comes from: --type local --path DIR, or --type git --url URL");
	if (type !== "local" && type !== "git") throw invalid(`--type must be "local" or "git", got "${type}"`);
	const mode = input.mode ?? "prod";
	if (!MODE_PATTERN.test(mode)) throw invalid(`--mode must be a lower-case name such as prod or dev, got "${mode}"`);

	let name = input.name;
	let version = input.version;
	let source: Record<string, string | boolean>;
	if (type === "local") {
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
		const relative = path.relative(manifestDir, absolute).split(path.sep).join("/") || ".";
		source = { type: "local", path: relative, ...(input.editable ? { editable: true } : {}) };
	} else {
		if (input.path !== undefined) throw invalid("--path belongs to --type local; a git source takes --url");
		if (input.url === undefined) throw invalid("--type git needs --url URL");
		const urlProblem = invalidGitUrlReason(input.url);
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
	if (version === undefined || version === "")
		throw invalid("--version is required (the package's pyproject.toml did not give a static version)");
	return { name, version, description: input.description, mode, source };
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
	if (input.path === undefined && input.url === undefined) return true;
	if (input.path !== undefined) {
		const found = readPythonPackage(path.resolve(cwd, input.path));
		return (
			typeof found !== "string" &&
			((input.name ?? found.name) === undefined || (input.version ?? found.version) === undefined)
		);
	}
	return input.name === undefined || input.version === undefined;
}

/** What the form needs to validate answers as they are typed: the registry's groups and packages. */
export function packageForm(locator: Locator, cwd: string): PackageFormEnv {
	const context = resolveContext(locator, cwd);
	const { registry } = existsSync(context.registryRoot) ? loadRegistry(context.registryRoot) : { registry: undefined };
	return packageFormOf(context, registry);
}

/** The same, from a registry already loaded (the UI has one). */
export function packageFormOf(context: Context, registry: Registry | undefined): PackageFormEnv {
	return {
		cwd: context.cwd,
		packagesDir: path.join(context.registryRoot, "packages"),
		groups: registry ? [...registry.groups.values()].map((g) => g.name) : [],
		existing: new Set(registry?.packages.keys() ?? []),
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
	const root = locateRoot(locator, cwd);
	const write = () => writePackage(locator, cwd, input);
	return root === undefined ? write() : underProjectLock(root, "registry add", hooks, write);
}

function writePackage(locator: Locator, cwd: string, input: PackageInput): AddedPackage {
	const context = resolveContext(locator, cwd);
	const packagesDir = path.join(context.registryRoot, "packages");
	const manifest = validateManifest(input, cwd, packagesDir);
	const { registry } = existsSync(context.registryRoot) ? loadRegistry(context.registryRoot) : { registry: undefined };
	const key = normalizeName(manifest.name);
	const existing = registry?.packages.get(key);
	const file = existing?.location.file ?? path.join(packagesDir, `${manifest.name}.yaml`);
	if ((existing || existsSync(file)) && !input.force) {
		throw new HpmError("exists", `package "${manifest.name}" already exists: ${file}`, {
			hint: "pass --force to overwrite it",
			location: { file },
		});
	}

	// Prepare every write before the first one, so a bad --group leaves no half-added package.
	let groupWrite: { file: string; text: string } | undefined;
	let group: AddedPackage["group"];
	if (input.group !== undefined) {
		const found = registry?.groups.get(normalizeName(input.group));
		if (!found) {
			const names = registry ? [...registry.groups.values()].map((g) => g.name) : [];
			throw new HpmError("unknown-group", `unknown group "${input.group}"`, {
				hint: names.length ? `groups: ${names.join(", ")}` : "the registry has no groups yet",
			});
		}
		const added = !found.options.includes(key);
		if (added) {
			const groupFile = found.location.file;
			groupWrite = {
				file: groupFile,
				text: appendGroupOption(readRegularFile(groupFile, MAX_YAML_BYTES).toString("utf8"), manifest.name, groupFile),
			};
		}
		group = { name: found.name, added };
	}

	mkdirSync(path.dirname(file), { recursive: true });
	writeFileAtomic(file, manifestYaml(manifest));
	if (groupWrite) writeFileAtomic(groupWrite.file, groupWrite.text);
	const groupMessage = group
		? group.added
			? `added as an option of group "${group.name}"`
			: `already an option of group "${group.name}"`
		: "";
	return { manifest, file, group, groupMessage };
}
