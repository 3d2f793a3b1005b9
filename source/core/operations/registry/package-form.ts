import path from "node:path";
import { invalidNameReason, MODE_PATTERN } from "../../base/names.js";
import { displaySafe } from "../../base/text.js";
import {
	type Context,
	type Locator,
	loadContextRegistry,
	resolveContext,
	writableRegistry,
} from "../../plan/context.js";
import type { Registry } from "../../registry/model.js";
import type { PackageFormEnv, PackageInput } from "../../registry/new-package.js";
import { readPythonPackage } from "../../registry/python-package.js";
import { parseRequirement } from "../../registry/requirement.js";
import { invalidGitUrlReason, invalidLocalPathReason } from "../../registry/validate.js";
import { backendMetadata } from "./backend-metadata.js";
import { invalid, writtenSecretReason } from "./new-manifest.js";
import { requireRegistryFolder } from "./write-guard.js";

/*
 * Before `hpm registry add` writes: what a person must still be asked, what the form needs to check
 * answers as they are typed, and what the package's build backend can tell first.
 */

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

/**
 * What the form needs to validate answers as they are typed: the groups, indexes and packages of
 * every layer of the registry (a group another layer defines may be joined), read as every
 * command reads them.
 */
export async function packageForm(
	locator: Locator,
	cwd: string,
	given?: Partial<PackageInput>,
): Promise<PackageFormEnv> {
	const context = resolveContext(locator, cwd);
	// what would stop the add anyway is said before the form asks anything
	requireRegistryFolder(context);
	if (given) refuseInvalidGiven(given);
	return packageFormOf(context, (await loadContextRegistry(context)).registry);
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
