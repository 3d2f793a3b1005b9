import path from "node:path";
import type { Problem } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import { displaySafe } from "../base/text.js";
import { checkName } from "./file-names.js";
import type { Indexes } from "./index-files.js";
import type { Package, Source } from "./model.js";
import { readChecks, readNeeds } from "./option-proof.js";
import { readSource } from "./package-sources.js";
import type { PackageFile } from "./schema.js";
import type { YamlFile } from "./yaml-file.js";

/**
 * The package a manifest describes, checking every part the schema let through (`whole` is false
 * when some parts were left out by it: then only those that passed are checked, and nothing is
 * said about what is missing, which the schema already reported).
 */
export function toPackage(
	yaml: YamlFile,
	data: PackageFile,
	whole: boolean,
	problems: Problem[],
	/** Declared indexes; without them (a manifest on its own) any index name is taken as declared. */
	indexes?: Indexes,
	/** The git registry the manifest comes from, if it does: it cannot offer a local path. */
	remote?: string,
): { package: Package; complete: boolean } {
	const before = problems.length;
	if (whole || data.name !== "") checkName(yaml, data.name, "package", problems);
	const sources = new Map<string, Source>();
	const name = data.name || path.basename(yaml.file).replace(/\.ya?ml$/, "");
	for (const [mode, written] of Object.entries(data.sources)) {
		const source = readSource(written, { yaml, mode, name, problems, indexes, remote });
		if (source) sources.set(mode, source);
	}
	if (whole && sources.size === 0) {
		problems.push({
			code: "no-sources",
			message: `package "${data.name}" has no sources; add one per mode (e.g. prod)`,
			location: yaml.locate(["sources"]),
		});
	}
	const provides: string[] = [];
	(data.provides ?? []).forEach((interfaceName, index) => {
		const reason = invalidNameReason(interfaceName);
		if (reason)
			problems.push({
				code: "invalid-name",
				message: `provides: "${interfaceName}": ${reason}`,
				location: yaml.locate(["provides", index]),
			});
		else provides.push(normalizeName(interfaceName));
	});
	const needs = readNeeds(yaml, data, problems);
	const checks = readChecks(yaml, data, problems);
	const replaces = replacedNames(yaml, data, ownDistributions(normalizeName(name), sources), problems);
	return {
		complete: whole && problems.length === before,
		package: {
			name,
			key: normalizeName(name),
			// free text is kept display-safe from here on: every view (CLI, JSON, UI) shows it escaped
			version: displaySafe(data.version),
			description: displaySafe(data.description ?? ""),
			sources,
			provides,
			...(replaces.length > 0 ? { replaces } : {}),
			location: yaml.locate(["name"]),
			...(needs ? { needs } : {}),
			...(checks.length > 0 ? { checks } : {}),
		},
	};
}

/**
 * The distributions a manifest's `replaces:` names, normalized: each a PEP 508 name, and none the
 * package itself installs (an option that excluded its own distribution would install nothing).
 */
function replacedNames(yaml: YamlFile, data: PackageFile, own: readonly string[], problems: Problem[]): string[] {
	const replaces: string[] = [];
	(data.replaces ?? []).forEach((written, index) => {
		const location = yaml.locate(["replaces", index]);
		const reason = invalidNameReason(written);
		if (reason) problems.push({ code: "invalid-name", message: `replaces: "${written}": ${reason}`, location });
		else if (own.includes(normalizeName(written)))
			problems.push({
				code: "invalid-value",
				message: `replaces: "${written}" is what package "${data.name}" itself installs; an option replaces other distributions`,
				location,
			});
		else if (!replaces.includes(normalizeName(written))) replaces.push(normalizeName(written));
	});
	return replaces;
}

/** The distributions an option installs in any mode: the package, and each family's members. */
function ownDistributions(key: string, sources: ReadonlyMap<string, Source>): readonly string[] {
	const family = [...sources.values()].flatMap((source) =>
		source.type === "index" ? (source.family ?? []).map((member) => member.name) : [],
	);
	return [...new Set([key, ...family])];
}
