import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { readRegularFile } from "../os/read-file.js";
import type { Problem } from "../base/errors.js";
import { normalizeName } from "../base/names.js";
import { MAX_FILE_BYTES } from "./files.js";

/** A uv workspace the project belongs to (`[tool.uv.workspace]` in its own or an ancestor's pyproject.toml). */
export type Workspace = {
	/** The folder whose pyproject.toml declares the workspace; uv.lock and .venv live here. */
	readonly root: string;
	/** Absolute folders of every member (the root too, unless it is virtual). */
	readonly members: ReadonlySet<string>;
	/** The root has no [project] table: it only groups its members. */
	readonly virtual: boolean;
	/** Normalized project names of the members. */
	readonly names: readonly string[];
};

/**
 * The workspace `projectRoot` is part of, as uv finds it: the nearest folder at or above it whose
 * pyproject.toml has `[tool.uv.workspace]` and whose members include the project. Undefined for a
 * plain project (or when `[tool.uv] managed = false` or the files cannot be read).
 */
export function findWorkspace(projectRoot: string): Workspace | undefined {
	let dir = projectRoot;
	for (let depth = 0; depth < 64; depth++) {
		const data = readToml(path.join(dir, "pyproject.toml"));
		const uv = table(table(data?.tool)?.uv);
		const declared = table(uv?.workspace);
		if (declared) {
			const members = expandMembers(dir, declared);
			const virtual = table(data?.project) === undefined;
			if (!virtual) members.add(dir);
			// a workspace that does not include the project leaves it standalone (a virtual root is itself)
			if (!members.has(projectRoot) && dir !== projectRoot) return undefined;
			const names = [...members].flatMap((member) => {
				const name = table(readToml(path.join(member, "pyproject.toml"))?.project)?.name;
				return typeof name === "string" ? [normalizeName(name)] : [];
			});
			return { root: dir, members, virtual, names };
		}
		const parent = path.dirname(dir);
		if (parent === dir) return undefined;
		dir = parent;
	}
	return undefined;
}

function readToml(file: string): Record<string, unknown> | undefined {
	try {
		return parse(readRegularFile(file, MAX_FILE_BYTES).toString("utf8")) as Record<string, unknown>;
	} catch {
		return undefined;
	}
}

function table(value: unknown): Record<string, unknown> | undefined {
	return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)
		? (value as Record<string, unknown>)
		: undefined;
}

function strings(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The member folders the `members` globs name (those holding a pyproject.toml), minus `exclude`. */
function expandMembers(root: string, declared: Record<string, unknown>): Set<string> {
	const excluded = strings(declared.exclude).map(globRegex);
	const members = new Set<string>();
	for (const pattern of strings(declared.members)) {
		for (const dir of expandGlob(
			root,
			pattern.split("/").filter((part) => part !== "" && part !== "."),
		)) {
			const relative = path.relative(root, dir).split(path.sep).join("/");
			if (excluded.some((regex) => regex.test(relative))) continue;
			if (isFile(path.join(dir, "pyproject.toml"))) members.add(dir);
		}
	}
	return members;
}

/** Folders matching glob `parts` under `dir` (`*`, `?`, `[…]` within a name; `**` across folders). */
function expandGlob(dir: string, parts: readonly string[], budget = { left: 10_000 }): string[] {
	const [part, ...rest] = parts;
	if (part === undefined) return [dir];
	if (--budget.left < 0) return [];
	if (part === "..") return expandGlob(path.dirname(dir), rest, budget);
	if (!/[*?[]/.test(part)) return expandGlob(path.join(dir, part), rest, budget);
	const children = subfolders(dir);
	if (part === "**") {
		// zero folders, or one and `**` again
		return [...expandGlob(dir, rest, budget), ...children.flatMap((child) => expandGlob(child, parts, budget))];
	}
	const regex = globRegex(part);
	return children
		.filter((child) => regex.test(path.basename(child)))
		.flatMap((child) => expandGlob(child, rest, budget));
}

function subfolders(dir: string): string[] {
	try {
		return readdirSync(dir, { withFileTypes: true })
			.filter((entry) => (entry.isDirectory() || entry.isSymbolicLink()) && !entry.name.startsWith("."))
			.map((entry) => path.join(dir, entry.name))
			.filter((child) => isFolder(child));
	} catch {
		return [];
	}
}

/** A glob as an anchored regular expression over a `/`-separated relative path. */
export function globRegex(glob: string): RegExp {
	let out = "";
	for (let i = 0; i < glob.length; i++) {
		const c = glob[i] ?? "";
		if (c === "*") {
			if (glob[i + 1] === "*") {
				out += ".*";
				i++;
				if (glob[i + 1] === "/") i++;
			} else out += "[^/]*";
		} else if (c === "?") out += "[^/]";
		else if (c === "[") {
			const end = glob.indexOf("]", i + 1);
			if (end === -1) out += "\\[";
			else {
				out += `[${glob
					.slice(i + 1, end)
					.replace(/^!/, "^")
					.replace(/\\/g, "\\\\")}]`;
				i = end;
			}
		} else out += c.replace(/[.+^${}()|\\]/g, "\\$&");
	}
	return new RegExp(`^${out.replace(/^\.\//, "")}/?$`);
}

function isFile(file: string): boolean {
	try {
		return statSync(file).isFile();
	} catch {
		return false;
	}
}

function isFolder(dir: string): boolean {
	try {
		return statSync(dir).isDirectory();
	} catch {
		return false;
	}
}

/**
 * The problem of running hpm at a virtual workspace root (no [project] table): there are no
 * dependencies to record a selection in. Names the members to run in instead, the user's own
 * projects first (`components` are the folders of the registry's local packages).
 */
export function virtualRootProblem(
	projectRoot: string,
	projectFile: string,
	workspace: Workspace | undefined,
	components: ReadonlySet<string> = new Set(),
): Problem | undefined {
	if (!workspace?.virtual || workspace.root !== projectRoot) return undefined;
	const all = [...workspace.members].sort();
	const ordered = [...all.filter((dir) => !components.has(dir)), ...all.filter((dir) => components.has(dir))];
	const shown = ordered.slice(0, 4).map((dir) => path.relative(projectRoot, dir) || ".");
	const more = ordered.length > shown.length ? ` and ${ordered.length - shown.length} more` : "";
	const where = shown.length
		? `run hpm in a member (${shown.join(", ")}${more}) or pass --project MEMBER, or give the root a [project] table`
		: "give the root a [project] table, or run hpm in a member project";
	return {
		code: "virtual-workspace-root",
		message: `this is a virtual uv workspace root ([tool.uv.workspace] and no [project] table): it has no dependencies to install a selection into; ${where}`,
		location: { file: projectFile },
	};
}
