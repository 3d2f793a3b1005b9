import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Context } from "../../core/context.js";
import { isInteractive } from "../interactive.js";
import type { Output } from "../output.js";
import { HpmError } from "../../core/errors.js";
import { writeFileAtomic } from "../../core/fs-atomic.js";
import { invalidNameReason, MODE_PATTERN, normalizeName } from "../../core/names.js";
import { readPythonPackage } from "../../core/python-package.js";
import { appendGroupOption } from "../../core/registry/group-file-edit.js";
import { loadRegistry } from "../../core/registry/load.js";

import { invalidGitUrlReason, invalidRefReason } from "../../core/registry/validate.js";

export type RegistryAddFlags = {
	readonly name?: string | undefined;
	readonly type?: string | undefined;
	readonly path?: string | undefined;
	readonly url?: string | undefined;
	readonly tag?: string | undefined;
	readonly branch?: string | undefined;
	readonly rev?: string | undefined;
	readonly subdirectory?: string | undefined;
	readonly version?: string | undefined;
	readonly mode?: string | undefined;
	readonly editable: boolean;
	readonly description?: string | undefined;
	readonly group?: string | undefined;
	readonly force: boolean;
};

/** A validated manifest ready to be written. */
export type NewManifest = {
	readonly name: string;
	readonly version: string;
	readonly description: string | undefined;
	readonly mode: string;
	readonly source: Record<string, string | boolean>;
};

const usage = (message: string, hint?: string) => new HpmError("invalid-argument", message, hint ? { hint } : {});

/** Checks the flags and fills what the package itself can tell (name, version) for a local path. */
export function validateManifest(flags: RegistryAddFlags, cwd: string, manifestDir: string): NewManifest {
	const type = flags.type ?? (flags.path !== undefined ? "local" : flags.url !== undefined ? "git" : undefined);
	if (type === undefined)
		throw usage("say where the package comes from: --type local --path DIR, or --type git --url URL");
	if (type !== "local" && type !== "git") throw usage(`--type must be "local" or "git", got "${type}"`);
	const mode = flags.mode ?? "prod";
	if (!MODE_PATTERN.test(mode)) throw usage(`--mode must be a lower-case name such as prod or dev, got "${mode}"`);

	let name = flags.name;
	let version = flags.version;
	let source: Record<string, string | boolean>;
	if (type === "local") {
		if (flags.url !== undefined) throw usage("--url belongs to --type git; a local source takes --path");
		if (flags.path === undefined)
			throw usage("--type local needs --path DIR (the folder holding the package's pyproject.toml)");
		const absolute = path.resolve(cwd, flags.path);
		const found = readPythonPackage(absolute);
		if (typeof found === "string") throw usage(`--path: ${found}`);
		if (name !== undefined && found.name !== undefined && normalizeName(name) !== normalizeName(found.name)) {
			throw usage(
				`--path ${flags.path} holds package "${found.name}", not "${name}"`,
				`drop --name, or pass --name ${found.name}`,
			);
		}
		name ??= found.name;
		version ??= found.version;
		const relative = path.relative(manifestDir, absolute).split(path.sep).join("/") || ".";
		source = { type: "local", path: relative, ...(flags.editable ? { editable: true } : {}) };
	} else {
		if (flags.path !== undefined) throw usage("--path belongs to --type local; a git source takes --url");
		if (flags.url === undefined) throw usage("--type git needs --url URL");
		const urlProblem = invalidGitUrlReason(flags.url);
		if (urlProblem) throw usage(`--url ${urlProblem}`);
		if (flags.editable) throw usage("--editable applies only to a local source");
		const refs = (["tag", "branch", "rev"] as const).filter((kind) => flags[kind] !== undefined);
		if (refs.length > 1)
			throw usage(`give at most one of --tag, --branch, --rev (got ${refs.map((r) => `--${r}`).join(" and ")})`);
		source = { type: "git", url: flags.url };
		for (const kind of refs) {
			const value = flags[kind] ?? "";
			const refProblem = invalidRefReason(value);
			if (refProblem) throw usage(`--${kind} ${refProblem}`);
			source[kind] = value;
		}
		if (flags.subdirectory !== undefined) source.subdirectory = flags.subdirectory;
	}
	if (name === undefined) throw usage("--name is required (the package's pyproject.toml did not say)");
	const reason = invalidNameReason(name);
	if (reason) throw usage(`--name "${name}": ${reason}`);
	if (version === undefined || version === "")
		throw usage("--version is required (the package's pyproject.toml did not give a static version)");
	return { name, version, description: flags.description, mode, source };
}

export function manifestYaml(manifest: NewManifest): string {
	const q = (value: string) => JSON.stringify(value);
	const lines = [`name: ${q(manifest.name)}`, `version: ${q(manifest.version)}`];
	if (manifest.description) lines.push(`description: ${q(manifest.description)}`);
	lines.push("sources:", `  ${manifest.mode}:`);
	for (const [key, value] of Object.entries(manifest.source))
		lines.push(`    ${key}: ${typeof value === "string" ? q(value) : String(value)}`);
	return `${lines.join("\n")}\n`;
}

export type AddedPackage = { readonly manifest: NewManifest; readonly file: string; readonly groupMessage: string };

export async function runRegistryAdd(context: Context, output: Output, given: RegistryAddFlags): Promise<number> {
	let flags = given;
	if (isInteractive(output.json) && missingRequired(given, context.cwd)) {
		const { registry } = existsSync(context.registryRoot)
			? loadRegistry(context.registryRoot)
			: { registry: undefined };
		const { runWizard } = await import("../../../screens/run-wizard.js");
		const answered = await runWizard(
			context.registryRoot,
			context.cwd,
			registry ? [...registry.groups.values()].map((g) => g.name) : [],
			new Set(registry?.packages.keys() ?? []),
			withoutUndefined({ ...given, editable: given.editable || undefined, force: given.force || undefined }),
		);
		if (!answered) throw new HpmError("cancelled", "nothing was written", { exitCode: 1 });
		flags = answered;
	}
	const { manifest, file, groupMessage } = addPackage(context, flags);
	if (output.json) {
		output.data({
			name: manifest.name,
			version: manifest.version,
			file,
			mode: manifest.mode,
			source: manifest.source,
			group: flags.group ?? null,
		});
		return 0;
	}
	output.out(`wrote ${file}`);
	if (groupMessage) output.out(groupMessage);
	return 0;
}

/** Whether the flags lack something only a person can supply (the source, or a git package's name or version). */
function missingRequired(flags: RegistryAddFlags, cwd: string): boolean {
	if (flags.path === undefined && flags.url === undefined) return true;
	if (flags.path !== undefined) {
		const found = readPythonPackage(path.resolve(cwd, flags.path));
		return (
			typeof found !== "string" &&
			((flags.name ?? found.name) === undefined || (flags.version ?? found.version) === undefined)
		);
	}
	return flags.name === undefined || flags.version === undefined;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Validates, then writes the manifest (and the group's new option) atomically; the CLI and the wizard share it. */
export function addPackage(context: Context, flags: RegistryAddFlags): AddedPackage {
	const packagesDir = path.join(context.registryRoot, "packages");
	const manifest = validateManifest(flags, context.cwd, packagesDir);
	const { registry } = existsSync(context.registryRoot) ? loadRegistry(context.registryRoot) : { registry: undefined };
	const key = normalizeName(manifest.name);
	const existing = registry?.packages.get(key);
	const file = existing?.location.file ?? path.join(packagesDir, `${manifest.name}.yaml`);
	if ((existing || existsSync(file)) && !flags.force) {
		throw new HpmError("exists", `package "${manifest.name}" already exists: ${file}`, {
			hint: "pass --force to overwrite it",
			location: { file },
		});
	}

	// Prepare every write before the first one, so a bad --group leaves no half-added package.
	let groupWrite: { file: string; text: string } | undefined;
	let groupMessage = "";
	if (flags.group !== undefined) {
		const group = registry?.groups.get(normalizeName(flags.group));
		if (!group) {
			const names = registry ? [...registry.groups.values()].map((g) => g.name) : [];
			throw new HpmError("unknown-group", `unknown group "${flags.group}"`, {
				hint: names.length ? `groups: ${names.join(", ")}` : "the registry has no groups yet",
			});
		}
		if (group.options.includes(key)) {
			groupMessage = `already an option of group "${group.name}"`;
		} else {
			const groupFile = group.location.file;
			groupWrite = {
				file: groupFile,
				text: appendGroupOption(readFileSync(groupFile, "utf8"), manifest.name, groupFile),
			};
			groupMessage = `added as an option of group "${group.name}"`;
		}
	}

	mkdirSync(path.dirname(file), { recursive: true });
	writeFileAtomic(file, manifestYaml(manifest));
	if (groupWrite) writeFileAtomic(groupWrite.file, groupWrite.text);
	return { manifest, file, groupMessage };
}
