import { type Context, writableRegistry } from "../../plan/context.js";
import { lstatSync, realpathSync } from "node:fs";
import { pathKind } from "../../os/path-kind.js";
import path from "node:path";
import { HpmError, isCode } from "../../base/errors.js";

/**
 * Refuses a registry write that would land anywhere but a regular file of the registry itself:
 * a folder on the way that leads outside it, or a link at `file` (a link is followed by the
 * atomic write, so replacing a manifest could clobber the file it points to: another manifest,
 * or something outside the registry). `replacing` says what was going to be replaced, for the
 * message. A file that is already there is accepted only when `existing` says it may be; a link
 * only for `may-be-linked` (a file the loader read, through a link inside the registry).
 */
export function guardRegistryWrite(
	registryRoot: string,
	file: string,
	existing: "must-not-exist" | "may-exist" | "may-be-linked",
	replacing = "it",
): void {
	const realRoot = realOrSelf(registryRoot);
	const existingFolder = nearestExisting(path.dirname(file));
	if (pathKind(existingFolder) === "dangling") {
		// mkdir would fail on it, or a folder made through it would land wherever it points
		throw new HpmError("dangling-link", `${existingFolder} is a symbolic link to a folder that does not exist`, {
			hint: "point the link at a folder of the registry, or remove it; nothing was written",
			location: { file: existingFolder },
		});
	}
	const folder = realOrSelf(existingFolder);
	if (!within(realRoot, folder)) {
		throw new HpmError("outside-registry", `${path.dirname(file)} leads outside the registry ${registryRoot}`, {
			hint: "hpm writes only inside the registry; make that folder a real folder of the registry",
			location: { file },
		});
	}
	let stats: ReturnType<typeof lstatSync>;
	try {
		stats = lstatSync(file);
	} catch (error) {
		if (isCode(error, "ENOENT")) return;
		throw error;
	}
	if (stats.isSymbolicLink()) {
		if (existing === "may-be-linked" && within(realRoot, realOrSelf(file))) return;
		throw new HpmError("link", `${file} is a symbolic link; hpm will not write through it to replace ${replacing}`, {
			hint: "remove the link (or replace it with the file it points to), then run this again",
			location: { file },
		});
	}
	// the user's chmod is respected: a rename would replace even a read-only file
	if (stats.isFile() && (stats.mode & 0o222) === 0) {
		throw new HpmError("read-only", `${file} is read-only; nothing was written`, {
			hint: `make it writable (chmod u+w ${file}) and run the command again`,
			location: { file },
		});
	}
	if (existing === "must-not-exist" || !stats.isFile()) {
		throw new HpmError(
			"exists",
			stats.isFile()
				? `${file} already exists and does not load (\`hpm registry lint\` says why)`
				: `${file} exists and is not a regular file`,
			{ hint: "fix or remove it, then run this again", location: { file } },
		);
	}
}

function nearestExisting(folder: string): string {
	let current = folder;
	for (;;) {
		try {
			lstatSync(current);
			return current;
		} catch {
			const parent = path.dirname(current);
			if (parent === current) return current;
			current = parent;
		}
	}
}

function realOrSelf(target: string): string {
	try {
		return realpathSync(target);
	} catch {
		return path.resolve(target);
	}
}

function within(root: string, target: string): boolean {
	const relative = path.relative(root, target);
	return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * A registry is a folder someone made (`hpm init --registry DIR` makes one): hpm adds files to it,
 * but never creates it as a side effect of adding a package or a group.
 */
export function requireRegistryFolder(context: Context): string {
	const registryRoot = writableRegistry(context);
	const { cwd, project } = context;
	const kind = pathKind(registryRoot);
	if (kind === "directory") return registryRoot;
	// `hpm init --registry` takes the path as this command line would: from the working folder
	const asTyped = path.relative(cwd, registryRoot) || ".";
	const inProject = project !== undefined && within(project.root, registryRoot);
	if (kind === "dangling") {
		throw new HpmError(
			"dangling-link",
			`the registry path ${registryRoot} is a symbolic link to a folder that does not exist`,
			{ hint: "point the link at the registry folder, or remove it", location: { file: registryRoot } },
		);
	}
	throw new HpmError(
		"registry-not-found",
		kind === "other" ? `the registry path ${registryRoot} is not a folder` : `no registry at ${registryRoot}`,
		{
			hint: inProject
				? `create it with \`hpm init --registry ${asTyped}\`, or pass --registry DIR`
				: project
					? `create its folders (mkdir -p ${asTyped}/groups ${asTyped}/packages), or pass --registry DIR`
					: "run `hpm init --registry registry` to make this folder a project with a registry, or pass --registry DIR",
		},
	);
}
