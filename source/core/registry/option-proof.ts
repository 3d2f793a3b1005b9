import type { Problem } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import { hasControlCharacter } from "../base/text.js";
import type { Needs, OptionCheck } from "./model.js";
import type { PackageFile } from "./schema.js";
import { parseVersionRange } from "./version-range.js";
import type { YamlFile } from "./yaml-file.js";

/**
 * An option's `needs:` (what `choose: auto` asks of the machine) and `checks:` (proof after
 * install), read from what the schema let through into the model, each problem at its line.
 * Check items are data passed to Python as JSON, never code: these rules are for clear messages
 * at load time, not for safety.
 */

const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const LOCAL_TAG = /^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$/;
const GLOB = /^[A-Za-z0-9._*?[\]!-]+$/;

export function readNeeds(yaml: YamlFile, data: PackageFile, problems: Problem[]): Needs | undefined {
	const written = data.needs;
	if (written === undefined) return undefined;
	const range = (key: "cuda" | "rocm") => {
		const text = written[key];
		if (text === undefined) return undefined;
		const parsed = parseVersionRange(text);
		if (typeof parsed !== "string") return parsed;
		problems.push({
			code: "invalid-needs",
			message: `needs.${key} ${JSON.stringify(text)} ${parsed}`,
			location: yaml.locate(["needs", key]),
		});
		return undefined;
	};
	if (written["apple-silicon"] === false)
		problems.push({
			code: "invalid-needs",
			message: "needs.apple-silicon can only be true (leave it out when the option does not need Apple silicon)",
			location: yaml.locate(["needs", "apple-silicon"]),
		});
	const needs: Needs = {
		cuda: range("cuda"),
		rocm: range("rocm"),
		appleSilicon: written["apple-silicon"] === true ? true : undefined,
	};
	return needs.cuda || needs.rocm || needs.appleSilicon ? needs : undefined;
}

export function readChecks(yaml: YamlFile, data: PackageFile, problems: Problem[]): OptionCheck[] {
	const checks: OptionCheck[] = [];
	(data.checks ?? []).forEach((item, index) => {
		const at = (...rest: (string | number)[]) => yaml.locate(["checks", index, ...rest]);
		const bad = (message: string, ...rest: (string | number)[]) =>
			problems.push({ code: "invalid-check", message: `checks[${index}]: ${message}`, location: at(...rest) });
		const keys = Object.keys(item).filter((key) => item[key as keyof typeof item] !== undefined);
		if (keys.length !== 1) {
			bad(
				`give exactly one of import, version, attribute, lock-forbids (found ${keys.length === 0 ? "none" : keys.join(", ")})`,
			);
			return;
		}
		const texts = [item.version?.equals, item.version?.startswith, item.attribute?.equals, item.attribute?.startswith];
		if (texts.some((text) => text !== undefined && hasControlCharacter(text))) {
			bad("an expected value must not contain control characters");
			return;
		}
		const location = at();
		if (item.import !== undefined) {
			if (!DOTTED.test(item.import)) bad(`import ${JSON.stringify(item.import)} is not a module name`, "import");
			else checks.push({ kind: "import", module: item.import, location });
		} else if (item.version !== undefined) {
			const { package: name, local, equals, startswith } = item.version;
			const reason = invalidNameReason(name);
			if (reason) bad(`version.package ${JSON.stringify(name)}: ${reason}`, "version", "package");
			else if (local !== undefined && !LOCAL_TAG.test(local))
				bad(`version.local ${JSON.stringify(local)} is not a local version tag (such as cu128)`, "version", "local");
			else checks.push({ kind: "version", package: normalizeName(name), local, equals, startswith, location });
		} else if (item.attribute !== undefined) {
			const { module, path, equals, startswith } = item.attribute;
			if (!DOTTED.test(module)) bad(`attribute.module ${JSON.stringify(module)} is not a module name`, "attribute");
			else if (!DOTTED.test(path))
				bad(`attribute.path ${JSON.stringify(path)} is not a dotted attribute path (version.cuda)`, "attribute");
			else if (path.split(".").some((part) => part.startsWith("_")))
				// __class__.__mro__, __globals__, _Environ...: walks to anything in the process, not a version
				bad(
					`attribute.path ${JSON.stringify(path)} names a private attribute (a part starting with _); name a public one (version.cuda)`,
					"attribute",
					"path",
				);
			else if (equals === undefined && startswith === undefined)
				bad("attribute needs equals or startswith (what the value must be)", "attribute");
			else checks.push({ kind: "attribute", module, path, equals, startswith, location });
		} else if (item["lock-forbids"] !== undefined) {
			const pattern = item["lock-forbids"];
			if (!GLOB.test(pattern))
				bad(`lock-forbids ${JSON.stringify(pattern)} is not a package name glob (such as nvidia-*)`, "lock-forbids");
			else checks.push({ kind: "lock-forbids", pattern, location });
		}
	});
	return checks;
}
