import { existsSync, statSync } from "node:fs";
import { readRegularFile, UnreadableFile } from "../os/read-file.js";
import path from "node:path";
import { parse } from "smol-toml";

export type PythonPackage = {
	readonly name: string | undefined;
	readonly version: string | undefined;
	/** The one-line summary (`[project] description`, PKG-INFO's `Summary`). */
	readonly description?: string | undefined;
	readonly file: string;
};

/**
 * What the folder `dir` holds as a Python package: the name, version and description from its
 * pyproject.toml `[project]` table, and what a static one leaves open (a dynamic version, as
 * setuptools-scm or hatch-vcs compute it) from the PKG-INFO an sdist carries. Returns a reason
 * string when it is not a package. The build backend itself is asked by `backendMetadata`.
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
			? withPkgInfo(dir, { name: undefined, version: undefined, file: path.join(dir, legacy) })
			: `${dir} holds no pyproject.toml, setup.py or setup.cfg: it is not a Python package`;
	}
	let data: { project?: { name?: unknown; version?: unknown; description?: unknown } };
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
	const description = typeof data.project?.description === "string" ? data.project.description : undefined;
	return withPkgInfo(dir, { name, version, description, file });
}

/** The package with what its PKG-INFO says where pyproject.toml is silent (an sdist's, unpacked). */
function withPkgInfo(dir: string, found: PythonPackage): PythonPackage {
	if (found.name !== undefined && found.version !== undefined && found.description !== undefined) return found;
	let text: string;
	try {
		text = readRegularFile(path.join(dir, "PKG-INFO"), 10_000_000).toString("utf8");
	} catch {
		return found;
	}
	const info = metadataFields(text);
	return {
		...found,
		name: found.name ?? info.name,
		version: found.version ?? info.version,
		description: found.description ?? info.description,
	};
}

/**
 * The name, version and summary of core metadata (PKG-INFO, METADATA: RFC 822 headers, then a
 * blank line and the long description, which is not read).
 */
export function metadataFields(text: string): Pick<PythonPackage, "name" | "version" | "description"> {
	const headers = text.replace(/^\uFEFF/, "").split(/\r?\n\r?\n/, 1)[0] ?? "";
	const field = (key: string) => {
		const match = new RegExp(`^${key}:[ \t]*(.*)$`, "mi").exec(headers)?.[1]?.trim();
		return match === undefined || match === "" || match === "UNKNOWN" ? undefined : match;
	};
	return { name: field("Name"), version: field("Version"), description: field("Summary") };
}
