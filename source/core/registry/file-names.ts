import path from "node:path";
import type { Location, Problem } from "../base/errors.js";
import { invalidNameReason, normalizeName } from "../base/names.js";
import type { YamlFile } from "./yaml-file.js";

/** A name a registry file defines: a valid name, and the one its file is named after. */
export function checkName(
	yaml: YamlFile,
	name: string,
	kind: "group" | "package" | "index",
	problems: Problem[],
): void {
	const at = yaml.locate(["name"]);
	const reason = invalidNameReason(name);
	if (reason) {
		problems.push({
			code: "invalid-name",
			message: `${kind} name "${name}": ${reason}`,
			location: at,
		});
		return;
	}
	const stem = path.basename(yaml.file).replace(/\.ya?ml$/, "");
	if (normalizeName(stem) !== normalizeName(name)) {
		problems.push({
			code: "name-mismatch",
			message: `${kind} name "${name}" does not match the file name "${path.basename(yaml.file)}"; rename the file to ${normalizeName(name)}.yaml or fix the name`,
			location: at,
		});
	}
}

/** The second definition of a name, pointing at the first. */
export function duplicate(kind: "package" | "group" | "index", name: string, at: Location, first: Location): Problem {
	return {
		code: `duplicate-${kind}`,
		message: `${kind} "${name}" is defined twice; it is already defined in ${first.file}:${first.line ?? 1}`,
		location: at,
	};
}
