import { readdirSync } from "node:fs";
import path from "node:path";
import { isCode, type Problem } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import { pathKind } from "../os/path-kind.js";
import { readRegularFile, UnreadableFile } from "../os/read-file.js";
import { MAX_YAML_BYTES, parseYamlFile, type YamlFile } from "./yaml-file.js";

/** A registry file's name without `.yaml`, PEP 503-normalized: the name it should define. */
export function fileStem(file: string): string {
	return normalizeName(path.basename(file).replace(/\.ya?ml$/, ""));
}

/** The YAML files of `dir` (and those `overlay` plans there), sorted; a folder that cannot be read is a problem. */
export function listYaml(dir: string, problems: Problem[], overlay: ReadonlyMap<string, string>): string[] {
	let names: string[];
	const planned = [...overlay.keys()].filter((file) => path.dirname(file) === dir).map((file) => path.basename(file));
	try {
		names = [...new Set([...readdirSync(dir), ...planned])];
	} catch (error) {
		if (isCode(error, "ENOENT") && pathKind(dir) === "dangling") {
			problems.push({
				code: "dangling-link",
				message: `${path.basename(dir)}/ is a symbolic link to a folder that does not exist`,
				location: { file: dir },
			});
			return [];
		}
		if (isCode(error, "ENOENT")) return planned.sort().map((name) => path.join(dir, name));
		problems.push({
			code: "unreadable",
			message: `cannot read the folder: ${String(error)}`,
			location: { file: dir },
		});
		return [];
	}
	return names
		.filter((name) => /\.ya?ml$/.test(name) && !name.startsWith("."))
		.sort()
		.map((name) => path.join(dir, name));
}

/** Reads one registry file: a regular file under the size limit, inside `within` when given. */
export function readYaml(
	file: string,
	problems: Problem[],
	within?: string,
	overlay?: ReadonlyMap<string, string>,
): YamlFile | undefined {
	let bytes: Buffer;
	try {
		const planned = overlay?.get(file);
		bytes = planned === undefined ? readRegularFile(file, MAX_YAML_BYTES, within) : Buffer.from(planned, "utf8");
	} catch (error) {
		const message = error instanceof UnreadableFile ? error.message : `cannot be read: ${(error as Error).message}`;
		problems.push({ code: "unreadable", message, location: { file } });
		return undefined;
	}
	if (bytes.toString("utf8").trim() === "") {
		problems.push({
			code: "empty-file",
			message: "file is empty; expected a YAML mapping with name",
			location: { file, line: 1, column: 1 },
		});
		return undefined;
	}
	const parsed = parseYamlFile(file, bytes);
	if (!parsed.ok) {
		problems.push(...parsed.problems);
		return undefined;
	}
	return parsed.yaml;
}
