import { holdsSecret, redactSecrets } from "../base/secrets.js";
import { existsSync, mkdirSync } from "node:fs";
import { pathKind } from "../os/path-kind.js";
import path from "node:path";
import { HpmError } from "../base/errors.js";
import { type LockHooks, underProjectLock } from "../project/lock.js";
import { DEFAULT_MODE } from "../base/names.js";
import { type Project, readProject } from "../project/project.js";
import { writeProjectEdits } from "../project/write.js";
import type { TomlEdit } from "../project/toml-edit.js";
import { findUv, runUv } from "../uv/driver.js";
import { drain } from "../plan/events.js";
import { loadRegistry } from "../registry/load.js";
import { type GitLayer, isGitSpec, parseRegistryLayer } from "../registry/location.js";
import { defaultsProblems } from "../registry/rule-check.js";
import type { Registry } from "../registry/model.js";

export type InitResult = {
	readonly project: string;
	/** What was done, one line each; empty when everything was already there. */
	readonly done: readonly string[];
	readonly registry: string;
	/** The commands to run next, for a person. */
	readonly next: readonly string[];
};

/**
 * Makes `dir` an hpm project: `uv init --bare` when it has no pyproject.toml, then `[tool.hpm]`
 * (format-preserving), and with `registry` an empty registry (groups/, packages/) recorded in
 * `[tool.hpm] registry` unless it is the default `registry/`. Running it again changes nothing.
 */
export async function init(
	dir: string,
	options: { registry?: string | undefined; cwd?: string | undefined },
	hooks: LockHooks = {},
): Promise<InitResult> {
	const registryArg = options.registry;
	if (registryArg === "")
		throw new HpmError("invalid-argument", "--registry needs a folder", { hint: "for example --registry registry" });
	const remote = registryArg !== undefined && isGitSpec(registryArg) ? parseRegistryLayer(registryArg, dir) : undefined;
	if (typeof remote === "string")
		throw new HpmError("invalid-argument", redactSecrets(`--registry ${registryArg ?? ""}: ${remote}`), {
			hint: "write git+https://host/team/registry.git@main (git+ssh:// and git+file:// too)",
		});
	const gitRemote = remote?.kind === "git" ? remote : undefined;
	// hpm init records the URL in pyproject.toml, which is committed and shared
	if (gitRemote && holdsSecret(gitRemote.written))
		throw new HpmError(
			"invalid-argument",
			`--registry ${redactSecrets(gitRemote.written)}: hpm does not write a password or token into pyproject.toml`,
			{
				hint: "name an environment variable in its place (git+https://${REGISTRY_TOKEN}@host/team/registry.git, with REGISTRY_TOKEN set), or leave the URL without credentials and let git's credential helper supply them",
			},
		);
	if (remote === undefined && registryArg !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(registryArg)) {
		throw new HpmError(
			"invalid-argument",
			redactSecrets(`--registry ${registryArg}: a registry is a folder or a git repository`),
			{
				hint: redactSecrets(`for a git repository write git+${registryArg}`),
			},
		);
	}
	const folder = pathKind(dir);
	if (folder !== "directory") {
		throw new HpmError("project-not-found", `${dir} ${folder === "missing" ? "does not exist" : "is not a folder"}`, {
			hint: "create the folder first, or run hpm init inside it",
		});
	}
	const file = path.join(dir, "pyproject.toml");
	if (pathKind(file) === "dangling") {
		// uv init would write the new project wherever the link points
		throw new HpmError(
			"dangling-link",
			`${file} is a symbolic link to a file that does not exist; nothing was created`,
			{
				hint: "point the link at the project's pyproject.toml, or remove it, then run hpm init again",
				location: { file },
			},
		);
	}
	// a registry from git is read before anything is written: one that cannot be fetched leaves no trace
	const tree =
		gitRemote === undefined
			? undefined
			: await (await import("../registry/remote.js")).remoteTree(gitRemote, undefined, { policy: "if-missing" });
	// the lock comes first: two hpm init at once must not both run uv init
	return underProjectLock(dir, "init", hooks, async () => {
		const done: string[] = [];
		if (!existsSync(file)) {
			// a new project is what `uv init` makes, so a uv user finds what they expect
			const uv = await findUv();
			const run = await drain(
				runUv(uv, ["init", "--bare", "--no-workspace", "--vcs", "none"], { cwd: dir }),
				() => undefined,
			);
			if (run.exitCode !== 0 || !existsSync(file)) {
				const said = run.lines.filter((line) => /error|invalid/i.test(line)).join("; ") || run.lines.join("; ");
				throw new HpmError("uv-failed", `uv init could not create ${file}: ${said}`, {
					hint: "fix what uv says (a folder name that is not a valid project name: run `uv init --bare --name NAME` yourself), then run hpm init again",
				});
			}
			done.push(`created ${file} (uv init --bare)`);
		}
		const project = readProject(file);
		if (gitRemote !== undefined && tree !== undefined) return initRemote(project, gitRemote, tree, done);
		// --registry is a path like any other on the command line: from the working folder
		const registry =
			registryArg === undefined
				? (project.registryPath ?? path.join(dir, "registry"))
				: path.resolve(options.cwd ?? dir, registryArg);
		if (project.data.project === undefined) {
			throw new HpmError("not-a-project", `${file} has no [project] table: uv cannot install a selection into it`, {
				hint: "add a [project] table (name, version), or run hpm init in a folder without pyproject.toml to make one with uv",
				location: { file },
			});
		}
		const recorded = project.registrySpecs;
		const same = recorded?.length === 1 && project.registryPath === registry;
		if (registryArg !== undefined && recorded !== undefined && !same) {
			throw new HpmError(
				"registry-recorded",
				redactSecrets(`[tool.hpm] registry already names ${recorded.join(", ")}; hpm init does not replace it`),
				{ hint: "edit [tool.hpm] registry yourself to change it", location: { file } },
			);
		}
		// everything that could stop the registry is checked before anything is written
		if (registryArg !== undefined) {
			for (const target of [registry, path.join(registry, "groups"), path.join(registry, "packages")]) {
				const kind = pathKind(target);
				if (kind === "other")
					throw new HpmError("not-a-folder", `${target} exists and is not a folder; nothing was changed`, {
						hint: "move it away or choose another --registry, then run hpm init again",
					});
				if (kind === "dangling")
					throw new HpmError(
						"dangling-link",
						`${target} is a symbolic link to a folder that does not exist; nothing was changed`,
						{ hint: "point the link at a folder, or remove it, then run hpm init again" },
					);
			}
		}
		const edits: TomlEdit[] = [];
		const data = project.data as { tool?: { hpm?: unknown } };
		if (data.tool?.hpm === undefined) edits.push({ path: ["tool", "hpm", "mode"], value: DEFAULT_MODE });
		const relative = path.relative(dir, registry).split(path.sep).join("/");
		const named = registryArg !== undefined && relative !== "registry" ? relative || "." : undefined;
		if (named !== undefined && project.registryPath !== registry)
			edits.push({ path: ["tool", "hpm", "registry"], value: named });
		// a new [tool.hpm] starts from the registry's declared defaults
		const defaults = data.tool?.hpm === undefined ? defaultChoices(registry) : [];
		const chosen = defaults === "broken" ? [] : defaults;
		for (const [group, value] of chosen) edits.push({ path: ["tool", "hpm", "groups", group], value });
		if (edits.length > 0) {
			await writeProjectEdits(project, edits);
			done.push(
				data.tool?.hpm === undefined
					? `added [tool.hpm] to ${file}`
					: `recorded [tool.hpm] registry = "${named}" in ${file}`,
			);
			if (defaults === "broken")
				done.push("the registry's defaults break its own rules (`hpm registry lint` says which): none chosen");
			if (chosen.length > 0)
				done.push(
					`chose the registry's defaults: ${chosen.map(([group, value]) => `${group}=${typeof value === "string" ? value : value.join("+")}`).join(", ")}`,
				);
		}
		if (registryArg !== undefined) {
			for (const sub of ["groups", "packages"]) {
				const target = path.join(registry, sub);
				if (pathKind(target) === "directory") continue;
				mkdirSync(target, { recursive: true });
				done.push(`created ${target}${path.sep}`);
			}
		}
		const hasRegistry = pathKind(registry) === "directory";
		const next = [
			...(hasRegistry ? [] : [`hpm init --registry ${relative || "."}   # create the registry`]),
			"hpm registry group add GROUP --strategy 1-of-N   # a group of interchangeable options",
			"hpm registry add --path PATH --group GROUP     # a component, as an option of the group",
			"hpm group add GROUP --option NAME && hpm sync  # choose, then install",
		];
		return { project: file, done, registry, next };
	});
}

/**
 * `hpm init --registry git+URL`: the team's registry, read once to prove it is there (and for its
 * defaults), recorded in `[tool.hpm] registry`; the first `hpm sync` pins its commit.
 */
async function initRemote(
	project: Project,
	remote: GitLayer,
	tree: { readonly root: string; readonly commit: string },
	done: string[],
): Promise<InitResult> {
	const file = project.file;
	if (project.data.project === undefined)
		throw new HpmError("not-a-project", `${file} has no [project] table: uv cannot install a selection into it`, {
			hint: "add a [project] table (name, version), or run hpm init in a folder without pyproject.toml to make one with uv",
			location: { file },
		});
	const recorded = project.registrySpecs;
	if (recorded !== undefined && !(recorded.length === 1 && recorded[0] === remote.written))
		throw new HpmError(
			"registry-recorded",
			`[tool.hpm] registry already names ${recorded.join(", ")}; hpm init does not replace it`,
			{
				hint: "edit [tool.hpm] registry yourself to change it",
				location: { file },
			},
		);
	const data = project.data as { tool?: { hpm?: unknown } };
	const edits: TomlEdit[] = [];
	if (data.tool?.hpm === undefined) edits.push({ path: ["tool", "hpm", "mode"], value: DEFAULT_MODE });
	if (recorded === undefined) edits.push({ path: ["tool", "hpm", "registry"], value: remote.written });
	const defaults = data.tool?.hpm === undefined ? defaultChoices(tree.root) : [];
	const chosen = defaults === "broken" ? [] : defaults;
	for (const [group, value] of chosen) edits.push({ path: ["tool", "hpm", "groups", group], value });
	if (edits.length > 0) {
		await writeProjectEdits(project, edits);
		done.push(
			`recorded [tool.hpm] registry = "${redactSecrets(remote.written)}" in ${file} (read at ${tree.commit.slice(0, 12)})`,
		);
		if (chosen.length > 0)
			done.push(
				`chose the registry's defaults: ${chosen.map(([group, value]) => `${group}=${typeof value === "string" ? value : value.join("+")}`).join(", ")}`,
			);
	}
	const next = [
		"hpm list                                       # the team's groups and options",
		"hpm group add GROUP --option NAME && hpm sync  # choose, then install (sync pins the registry's commit)",
	];
	return { project: file, done, registry: redactSecrets(remote.written), next };
}

/** Each group's declared default, as `[tool.hpm.groups]` records it; none when the registry does not load. */
function defaultChoices(registryRoot: string): [string, string | string[]][] | "broken" {
	if (pathKind(registryRoot) !== "directory") return [];
	let registry: Registry;
	try {
		registry = loadRegistry(registryRoot).registry;
	} catch {
		return [];
	}
	// defaults that break the registry's own rules are not written (`hpm registry lint` says which)
	if (defaultsProblems(registry).length > 0) return "broken";
	return [...registry.groups.values()]
		.filter((group) => group.defaults.length > 0)
		.map((group) => {
			const names = group.defaults.map((key) => registry.packages.get(key)?.name ?? key);
			return [group.name, group.strategy === "1-of-N" ? (names[0] ?? "") : names];
		});
}
