import { escapeHidden } from "./yaml-escape.js";
import path from "node:path";
import { stringify } from "yaml";
import { HpmError } from "../../base/errors.js";
import { DEFAULT_MODE, invalidNameReason, MODE_PATTERN, normalizeName } from "../../base/names.js";
import { holdsSecret, redactSecrets } from "../../base/secrets.js";
import { displaySafe } from "../../base/text.js";
import type { Source } from "../../registry/model.js";
import { inferredType, type PackageInput } from "../../registry/new-package.js";
import { versionOfRequirement } from "../../registry/requirement.js";
import { readPythonPackage } from "../../registry/python-package.js";
import { parseRequirement } from "../../registry/requirement.js";
import {
	invalidGitUrlReason,
	invalidLocalPathReason,
	invalidRefReason,
	invalidSubdirectoryReason,
} from "../../registry/validate.js";

/** A validated manifest ready to be written. */
export type NewManifest = {
	readonly name: string;
	readonly version: string;
	readonly description: string | undefined;
	readonly mode: string;
	readonly source: Readonly<Record<string, string | boolean>>;
};

export const invalid = (message: string, hint?: string) =>
	new HpmError("invalid-argument", message, hint ? { hint } : {});

/** What the flags of one kind of source make: the source, and what it tells of the package. */
type SourceFromFlags = {
	readonly source: Record<string, string | boolean>;
	readonly name: string | undefined;
	readonly version: string | undefined;
	readonly description: string | undefined;
};

type SourceKind = {
	/** Checks the flags that belong to this kind (refusing the others') and makes the source. */
	readonly read: (input: PackageInput, cwd: string, manifestDir: string) => SourceFromFlags;
	/** What is said when nothing gave the package's version. */
	readonly noVersion: string;
};

const NO_VERSION =
	"--version is required (neither the package's pyproject.toml, its PKG-INFO nor its build backend gave one)";

/** The flags only an index source takes, refused for the other kinds. */
function refuseIndexFlags(input: PackageInput): void {
	const indexOnly = (["requirement", "index"] as const).filter((flag) => input[flag] !== undefined);
	if (indexOnly.length > 0)
		throw invalid(
			`${indexOnly.map((f) => `--${f}`).join(" and ")} belong${indexOnly.length === 1 ? "s" : ""} to --type index`,
		);
}

/** Each kind of source: how its flags are read. In the order `--type` lists them. */
const SOURCE_KINDS: Readonly<Record<Source["type"], SourceKind>> = {
	local: {
		read: (input, cwd, manifestDir) => {
			refuseIndexFlags(input);
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
			const name = input.name;
			if (name !== undefined && found.name !== undefined && normalizeName(name) !== normalizeName(found.name)) {
				throw invalid(
					`--path ${input.path} holds package "${found.name}", not "${name}"`,
					`drop --name, or pass --name ${found.name}`,
				);
			}
			const relative = path.relative(manifestDir, absolute).split(path.sep).join("/") || ".";
			return {
				source: { type: "local", path: relative, ...(input.editable ? { editable: true } : {}) },
				name: name ?? found.name,
				version: input.version ?? found.version,
				description: input.description ?? found.description,
			};
		},
		noVersion: NO_VERSION,
	},
	git: {
		read: (input) => {
			refuseIndexFlags(input);
			if (input.path !== undefined) throw invalid("--path belongs to --type local; a git source takes --url");
			if (input.url === undefined) throw invalid("--type git needs --url URL");
			const urlProblem = invalidGitUrlReason(input.url) ?? writtenSecretReason(input.url);
			if (urlProblem) throw invalid(`--url ${urlProblem}`);
			if (input.editable) throw invalid("--editable applies only to a local source");
			const refs = (["tag", "branch", "rev"] as const).filter((kind) => input[kind] !== undefined);
			if (refs.length > 1)
				throw invalid(`give at most one of --tag, --branch, --rev (got ${refs.map((r) => `--${r}`).join(" and ")})`);
			const source: Record<string, string | boolean> = { type: "git", url: input.url };
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
			return { source, name: input.name, version: input.version, description: input.description };
		},
		noVersion: "--version is required for a git source (hpm does not fetch the repository to read it)",
	},
	index: {
		read: (input) => {
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
			const name = input.name;
			if (name !== undefined && normalizeName(name) !== parsed.name)
				throw invalid(`--requirement names "${written}", not "${name}"`, `drop --name, or pass --name ${written}`);
			if (input.index !== undefined) {
				const indexProblem = invalidNameReason(input.index);
				if (indexProblem) throw invalid(`--index "${input.index}": ${indexProblem}`);
			}
			return {
				source: {
					type: "index",
					requirement: input.requirement.trim(),
					...(input.index !== undefined ? { index: input.index } : {}),
				},
				name: name ?? written,
				// a pin is the version; a range is recorded as written (`>=0.27`), never a version made up
				version: input.version ?? versionOfRequirement(input.requirement, parsed),
				description: input.description,
			};
		},
		noVersion: NO_VERSION,
	},
};

const isKind = (type: string): type is Source["type"] => Object.hasOwn(SOURCE_KINDS, type);

/** `"local", "git" or "index"`. */
const KIND_LIST = Object.keys(SOURCE_KINDS)
	.map((kind) => `"${kind}"`)
	.join(", ")
	.replace(/, ([^,]*)$/, " or $1");

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
	if (!isKind(type)) throw invalid(`--type must be ${KIND_LIST}, got "${displaySafe(type)}"`);
	const mode = input.mode ?? DEFAULT_MODE;
	if (!MODE_PATTERN.test(mode))
		throw invalid(`--mode must be a lower-case name such as prod or dev, got ${JSON.stringify(displaySafe(mode))}`);
	const kind = SOURCE_KINDS[type];
	const { source, name, description, ...read } = kind.read(input, cwd, manifestDir);
	if (name === undefined) throw invalid("--name is required (the package's pyproject.toml did not say)");
	const reason = invalidNameReason(name);
	if (reason) throw invalid(`--name "${name}": ${reason}`);
	const version = read.version ?? knownVersion(name);
	if (version === undefined || version === "") throw invalid(kind.noVersion);
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
	return escapeHidden(
		stringify(document, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", lineWidth: 0 }),
	);
}

/** Why hpm will not write `url` into a registry file: it holds a password or token. */
export function writtenSecretReason(url: string): string | undefined {
	return holdsSecret(url)
		? `${redactSecrets(url)} holds a password or token, which hpm does not write into the registry: name an environment variable in its place (https://\${TOKEN}@host/org/repo.git), or leave the URL without credentials and let git's credential helper supply them`
		: undefined;
}
