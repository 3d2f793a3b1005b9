import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "smol-toml";
import { pathKind } from "../os/path-kind.js";
import { readRegularFile } from "../os/read-file.js";
import { projectEnvironment } from "../project/dependencies.js";
import { MAX_FILE_BYTES } from "../project/files.js";
import type { Project } from "../project/project.js";
import type { Workspace } from "../project/workspace.js";
import { absoluteUvPaths } from "./would-be-project.js";

/** What a check's scratch copy holds, beside the would-be pyproject.toml each resolution writes. */
export type Scratch = {
	/** The scratch folder that stands for the project (in a workspace, its mirror inside the scratch). */
	readonly here: string;
	/** The project's uv.lock, which every resolution starts from (undefined: there is none). */
	readonly lockBytes: Buffer | undefined;
	/** The environment uv locks with (the project's own when it has one). */
	readonly environment: string;
};

/** Fills `scratch` with what uv reads beside the project's pyproject.toml, so that uv resolves as it would in place. */
export function fillScratch(project: Project, workspace: Workspace | undefined, scratch: string): Scratch {
	// In a uv workspace uv locks every member together: the scratch mirrors the workspace (its
	// folders linked, not copied) so that uv resolves exactly what it would lock in place.
	const here = workspace ? mirrorWorkspace(workspace.root, project.root, workspace.members, scratch) : scratch;
	const lockDir = workspace?.root ?? project.root;
	const lockBytes = existsSync(path.join(lockDir, "uv.lock"))
		? // a regular file of bounded size only: a named pipe here must not hang the check
			readRegularFile(path.join(lockDir, "uv.lock"), MAX_FILE_BYTES)
		: undefined;
	// uv locks in place with the interpreter of the project's environment when it has one; `uv lock`
	// only reads it (it never creates or changes an environment), and finding another interpreter
	// can cost more than the resolution (a pyenv shim: ~150 ms). Without one, uv searches as in place.
	const venv = projectEnvironment(lockDir);
	const environment = pathKind(venv) === "directory" ? venv : path.join(scratch, ".venv");
	// the interpreter request uv reads next to pyproject.toml goes along
	if (!workspace) {
		copyIfRegular(path.join(project.root, ".python-version"), path.join(scratch, ".python-version"));
		// uv's settings beside pyproject.toml go along too, their paths made absolute
		copyUvToml(path.join(project.root, "uv.toml"), path.join(scratch, "uv.toml"));
	}
	return { here, lockBytes, environment };
}

/** Removes the scratch folder: its few files one by one (rmSync's recursive walk costs ~1 ms to load), else the walk. */
export function removeScratch(scratch: string): void {
	try {
		for (const entry of readdirSync(scratch, { withFileTypes: true })) {
			if (entry.isDirectory()) throw new Error("a folder");
			unlinkSync(path.join(scratch, entry.name));
		}
		rmdirSync(scratch);
	} catch {
		// a folder inside (a workspace's mirror), or something already gone
		rmSync(scratch, { recursive: true, force: true });
	}
}

/** A project's uv.toml in the scratch copy, its paths made absolute (as pyproject.toml's `[tool.uv]`). */
function copyUvToml(from: string, to: string): void {
	let data: Record<string, unknown>;
	try {
		data = parse(readRegularFile(from, 1_000_000).toString("utf8")) as Record<string, unknown>;
	} catch {
		return; // none, or not one uv could read either: uv says so in place, the check without it
	}
	absoluteUvPaths({ tool: { uv: data } }, path.dirname(from));
	writeFileSync(to, stringify(data));
}

/** Copies `from` to `to` when it is a regular file of bounded size; anything else is left out. */
function copyIfRegular(from: string, to: string): void {
	let bytes: Buffer;
	try {
		bytes = readRegularFile(from, 64 * 1024);
	} catch {
		return;
	}
	writeFileSync(to, bytes);
}

/**
 * Mirrors the workspace at `root` into `scratch`: entries are linked, except the files a check
 * replaces (uv.lock, .venv) and the project's pyproject.toml (the check writes it). The root's and
 * every member's pyproject.toml are copies with their path sources made absolute: uv reads a
 * relative path from where it finds the file, and a linked file is found in the scratch
 * (`../ext/pkg` of the root would point outside the scratch, at nothing). Folders on the way to
 * those files are real folders. Returns the scratch folder that stands for `project`.
 */
function mirrorWorkspace(root: string, project: string, members: Iterable<string>, scratch: string): string {
	const rewritten = new Set<string>([root, project, ...members]);
	const folders = new Set<string>();
	for (const folder of rewritten)
		for (let at = folder; at.startsWith(root) && !folders.has(at); at = path.dirname(at)) {
			folders.add(at);
			if (at === root) break;
		}
	const mirror = (from: string, to: string) => {
		for (const entry of readdirSync(from)) {
			const full = path.join(from, entry);
			if (entry === "uv.lock" || entry === ".venv") continue;
			if (entry === "pyproject.toml" && rewritten.has(from)) {
				// the project's own is written by the check; the others, with absolute paths
				if (from !== project)
					writeFileSync(path.join(to, entry), absolutePaths(full) ?? readRegularFile(full, MAX_FILE_BYTES));
				continue;
			}
			if (folders.has(full) && pathKind(full) === "directory") {
				mkdirSync(path.join(to, entry));
				mirror(full, path.join(to, entry));
			} else symlinkSync(full, path.join(to, entry));
		}
	};
	mirror(root, scratch);
	return path.join(scratch, path.relative(root, project));
}

/** A pyproject.toml's text with its paths made absolute (absoluteUvPaths); undefined when it cannot be read as TOML or has none. */
function absolutePaths(file: string): string | undefined {
	let data: Record<string, unknown>;
	try {
		data = parse(readRegularFile(file, MAX_FILE_BYTES).toString("utf8")) as Record<string, unknown>;
	} catch {
		return undefined;
	}
	return absoluteUvPaths(data, path.dirname(file)) ? stringify(data) : undefined;
}
