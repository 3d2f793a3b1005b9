import { existsSync, statSync } from "node:fs";
import { readRegularFile, UnreadableFile } from "./os/read-file.js";
import path from "node:path";
import { parse } from "smol-toml";

export type PythonPackage = {
	readonly name: string | undefined;
	readonly version: string | undefined;
	readonly file: string;
};

/**
 * What the folder `dir` holds as a Python package: the name and version from its
 * pyproject.toml `[project]` table. Returns a reason string when it is not a package.
 */
export function readPythonPackage(dir: string): PythonPackage | string {
	let stat: ReturnType<typeof statSync>;
	try {
		stat = statSync(dir);
	} catch {
		return `${dir} does not exist`;
	}
	if (!stat.isDirectory()) return `${dir} is not a folder`;
	const file = path.join(dir, "pyproject.toml");
	if (!existsSync(file)) {
		const legacy = ["setup.py", "setup.cfg"].find((name) => existsSync(path.join(dir, name)));
		return legacy
			? { name: undefined, version: undefined, file: path.join(dir, legacy) }
			: `${dir} holds no pyproject.toml, setup.py or setup.cfg: it is not a Python package`;
	}
	let data: { project?: { name?: unknown; version?: unknown } };
	try {
		data = parse(
			readRegularFile(file, 10_000_000)
				.toString("utf8")
				.replace(/^\uFEFF/, ""),
		) as typeof data;
	} catch (error) {
		if (error instanceof UnreadableFile) return `${file} ${error.message}`;
		return `${file} is not valid TOML: ${(error as Error).message.split("\n")[0]}`;
	}
	const name = typeof data.project?.name === "string" ? data.project.name : undefined;
	const version = typeof data.project?.version === "string" ? data.project.version : undefined;
	return { name, version, file };
}
