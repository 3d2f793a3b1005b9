import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmdirSync,
	rmSync,
	symlinkSync,
	unlinkSync,
	writeFileSync,
} from "node:fs";
import { pathKind } from "../os/path-kind.js";
import { readRegularFile } from "../os/read-file.js";
import { projectEnvironment } from "../project/dependencies.js";
import { MAX_FILE_BYTES } from "../project/files.js";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "smol-toml";
import type { Context } from "../context.js";
import { HpmError, type Problem } from "../errors.js";
import type { HpmEvent } from "../events.js";
import { normalizeName, requirementName } from "../names.js";
import { type Plan, planCredentialsEnv, uvSourceEntry } from "../plan.js";
import { uvIndexUrl } from "../registry/index-url.js";
import type { Project } from "../project/project.js";
import { runUv, type Uv } from "../uv/driver.js";
import { explainFailure, involvedOptions, uvDetail } from "./conflict.js";
import { prepareWithUv } from "./prepare.js";
import type { Selection } from "../selection.js";

export type CheckResult = {
	readonly kind: "check";
	readonly ok: boolean;
	readonly problems: readonly Problem[];
	/** Packages uv resolved, or null when it did not get that far. */
	readonly resolved: number | null;
	readonly plan: Plan;
	/** Problems of registry files the selection does not use: reported, never blocking. */
	readonly warnings: readonly Problem[];
	/** One sentence for a person: `ok: the selection resolves (12 packages); nothing was changed`. */
	readonly summary: string;
};

/**
 * Static validation, then a real resolution by uv of the would-be dependency set, done in a
 * scratch copy outside the project: the project's files are never opened for writing, so
 * pyproject.toml, uv.lock and .venv stay byte-identical even if hpm is killed half-way.
 */
export async function* check(
	context: Context,
	options: {
		mode?: string | undefined;
		strict?: boolean | undefined;
		signal?: AbortSignal | undefined;
		/** Check this selection instead of the project's (the project's files are still never written). */
		selection?: Selection | undefined;
		/** Stop at the first conflict uv explains (a matrix needs one answer per combination). */
		firstConflictOnly?: boolean | undefined;
	},
): AsyncGenerator<HpmEvent, CheckResult> {
	const prepared = await prepareWithUv(context, options.mode, options.selection);
	const { project, plan, problems, workspace, uv: uvProbe } = prepared;
	// --strict: every warning is a problem; it fails the check but does not stop the resolution,
	// so that what uv would say is reported in the same run
	const promoted = options.strict ? prepared.warnings : [];
	const warnings = options.strict ? [] : prepared.warnings;
	const all: Problem[] = [...problems];
	let uv: Uv | undefined;
	try {
		uv = await uvProbe;
	} catch (error) {
		if (!(error instanceof HpmError) || error.code === "interrupted") throw error;
		all.push({ code: error.code, message: `${error.message}${error.hint ? ` (${error.hint})` : ""}` });
	}
	yield { type: "plan", plan };
	for (const problem of warnings) yield { type: "warning", problem };
	for (const problem of [...promoted, ...all]) yield { type: "problem", problem };
	if (all.length > 0 || !uv) return checked(plan, [...promoted, ...all], null, warnings);

	yield { type: "phase", phase: "resolve", message: `resolving the would-be dependencies with uv ${uv.version}` };
	const scratch = mkdtempSync(path.join(tmpdir(), "hpm-check-"));
	try {
		// In a uv workspace uv locks every member together: the scratch mirrors the workspace (its
		// folders linked, not copied) so that uv resolves exactly what it would lock in place.
		const here = workspace ? mirrorWorkspace(workspace.root, project.root, scratch) : scratch;
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
		if (!workspace) copyIfRegular(path.join(project.root, ".python-version"), path.join(scratch, ".python-version"));
		// uv explains one conflict per resolution: after each, the options it involves are set aside
		// and the rest resolved again, so that every independent conflict is reported at once
		const found: Problem[] = [];
		let attempt = plan;
		for (let round = 0; round < MAX_CONFLICT_ROUNDS; round++) {
			writeFileSync(path.join(here, "pyproject.toml"), stringify(wouldBeProject(project, attempt, workspace?.members)));
			if (lockBytes) writeFileSync(path.join(scratch, "uv.lock"), lockBytes);
			else rmSync(path.join(scratch, "uv.lock"), { force: true });
			const run = yield* runUv(uv, ["lock", "--directory", here], {
				cwd: here,
				readOnly: true,
				signal: options.signal,
				env: { ...planCredentialsEnv(attempt), UV_PROJECT_ENVIRONMENT: environment },
			});
			if (run.aborted) throw new HpmError("interrupted", "check interrupted; nothing was changed", { exitCode: 1 });
			const text = run.lines.join("\n");
			const resolved = Number(/Resolved (\d+) packages?/.exec(text)?.[1] ?? Number.NaN);
			if (run.exitCode === 0) {
				// a uv that says it locked but wrote no lock proves nothing: the check cannot pass on its word
				const lied = uvLeftNoLock(path.join(scratch, "uv.lock"), lockBytes, hasChanges(attempt));
				if (lied) {
					const problem: Problem = { code: "uv-unreliable", message: lied, detail: uvDetail(run.lines) };
					found.push(problem);
					yield { type: "problem", problem };
					break;
				}
				if (found.length === 0) return checked(plan, promoted, Number.isNaN(resolved) ? null : resolved, warnings);
				break;
			}
			const explained = explainFailure(run.lines, run.exitCode, attempt.selected, workspace?.names);
			const start = run.lines.findIndex((line) => /No solution found|error:/.test(line));
			const problem: Problem = {
				code: explained?.code ?? "uv-failed",
				message: explained?.message ?? `uv lock failed (exit ${run.exitCode})`,
				detail: uvDetail(run.lines.slice(Math.max(start, 0))),
			};
			// later rounds report only new conflicts between options: setting options aside can bring
			// the same failure back, or one that does not involve options at all
			if (round > 0 && (explained?.code !== "resolution" || found.some((e) => e.message === problem.message))) break;
			found.push(problem);
			yield { type: "problem", problem };
			if (explained?.code !== "resolution" || options.firstConflictOnly) break;
			const involved = new Set(involvedOptions(text, attempt.selected).map((entry) => entry.key));
			const next = without(attempt, involved);
			if (involved.size === 0 || next.selected.length === attempt.selected.length) break;
			attempt = next;
		}
		return checked(plan, [...promoted, ...found], null, warnings);
	} finally {
		removeScratch(scratch);
	}
}

/** Removes the scratch folder: its few files one by one (rmSync's recursive walk costs ~1 ms to load), else the walk. */
function removeScratch(scratch: string): void {
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

function hasChanges(plan: Plan): boolean {
	return plan.add.length > 0 || plan.switch.length > 0 || plan.remove.length > 0;
}

/**
 * Why a `uv lock` that exited 0 cannot be believed, or undefined: it left no readable lock, or
 * (when the dependencies it was given differ from the project's) the very lock it started from.
 */
function uvLeftNoLock(lock: string, before: Buffer | undefined, changed: boolean): string | undefined {
	let after: Buffer;
	try {
		after = readRegularFile(lock, MAX_FILE_BYTES);
	} catch {
		return "uv lock exited 0 but wrote no uv.lock: the check cannot tell whether the selection resolves";
	}
	if (!/^\s*version\s*=|^\[\[package\]\]/m.test(after.toString("utf8")))
		return "uv lock exited 0 but the uv.lock it wrote is not a lock file: the check cannot tell whether the selection resolves";
	if (changed && before !== undefined && after.equals(before))
		return "uv lock exited 0 but left uv.lock as it was, though the dependencies changed: the check cannot tell whether the selection resolves";
	return undefined;
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

/** How many resolutions a check runs at most to find independent conflicts. */
const MAX_CONFLICT_ROUNDS = 4;

/** The plan with the options in `keys` set aside (not added, not switched). */
function without(plan: Plan, keys: ReadonlySet<string>): Plan {
	const keep = (entry: { key: string }) => !keys.has(entry.key);
	return {
		...plan,
		add: plan.add.filter(keep),
		switch: plan.switch.filter(keep),
		selected: plan.selected.filter(keep),
	};
}

function checked(
	plan: Plan,
	problems: readonly Problem[],
	resolved: number | null,
	warnings: readonly Problem[],
): CheckResult {
	const ok = problems.length === 0;
	const summary = ok
		? `ok: the selection resolves (${resolved ?? "?"} packages); nothing was changed`
		: `check failed: ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was changed`;
	return { kind: "check", ok, problems, resolved, plan, warnings, summary };
}

/**
 * The project's pyproject.toml data as it would be after the plan, with every path source
 * made absolute so the copy resolves from another folder.
 */
export function wouldBeProject(
	project: Project,
	plan: Plan,
	members: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
	const data = structuredClone(project.data);
	const table = (parent: Record<string, unknown>, key: string): Record<string, unknown> => {
		const value = parent[key];
		if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
		const created: Record<string, unknown> = {};
		parent[key] = created;
		return created;
	};
	const projectTable = table(data, "project");
	const removed = new Set(plan.remove.map((r) => r.key));
	const dependencies = (Array.isArray(projectTable.dependencies) ? projectTable.dependencies : []).filter(
		(r) => !removed.has(normalizeName(requirementName(r) ?? "")),
	);
	// an index source's requirement is recorded as written (uv rewrites it, to the same meaning)
	const line = (entry: Plan["add"][number]) =>
		entry.source.type === "index" ? entry.source.requirement.trim() : entry.name;
	for (const entry of plan.add) dependencies.push(line(entry));
	for (const entry of plan.switch) {
		if (entry.source.type !== "index") continue;
		const at = dependencies.findIndex((r) => normalizeName(requirementName(r) ?? "") === entry.key);
		if (at !== -1) dependencies[at] = line(entry);
	}
	projectTable.dependencies = dependencies;

	const sources = table(table(table(data, "tool"), "uv"), "sources");
	for (const [name, entry] of Object.entries(sources)) {
		if (removed.has(normalizeName(name))) delete sources[name];
		else if (typeof entry === "object" && entry !== null && "path" in entry && typeof entry.path === "string") {
			sources[name] = { ...entry, path: path.resolve(project.root, entry.path) };
		}
	}
	for (const entry of [...plan.add, ...plan.switch]) {
		for (const name of Object.keys(sources)) if (normalizeName(name) === entry.key) delete sources[name];
		const { source } = entry;
		const recorded =
			source.type === "local" && members.has(source.path)
				? { workspace: true, ...(source.editable ? {} : { editable: false }) }
				: uvSourceEntry(source, entry.index);
		if (recorded) sources[entry.name] = recorded;
	}
	addIndexTables(table(data, "tool"), [...plan.add, ...plan.switch]);
	return data;
}

/**
 * The `[[tool.uv.index]]` table of each declared index the entries use, as `uv add --index`
 * records it (the URL as uv writes it; an existing table of that name gets the URL). `explicit`
 * is what `hpm sync` writes for an explicit index.
 */
function addIndexTables(tool: Record<string, unknown>, entries: readonly Plan["add"][number][]): void {
	const uv = tool.uv as Record<string, unknown>;
	const tables: Record<string, unknown>[] = Array.isArray(uv.index) ? (uv.index as Record<string, unknown>[]) : [];
	for (const entry of entries) {
		const index = entry.index;
		if (!index) continue;
		const found = tables.find((t) => typeof t === "object" && t !== null && t.name === index.name);
		if (found) found.url = uvIndexUrl(index.url);
		else tables.push({ name: index.name, url: uvIndexUrl(index.url), ...(index.explicit ? { explicit: true } : {}) });
	}
	if (tables.length > 0) uv.index = tables;
}

/**
 * Links `root`'s entries into `scratch`, except the files a check replaces (pyproject.toml, uv.lock,
 * .venv), with real folders on the way to `project` so that its pyproject.toml can be replaced too.
 * Returns the scratch folder that stands for `project`.
 */
function mirrorWorkspace(root: string, project: string, scratch: string): string {
	const path_ = path.relative(root, project).split(path.sep).filter(Boolean);
	let from = root;
	let to = scratch;
	for (let depth = 0; ; depth++) {
		const next = path_[depth];
		for (const entry of readdirSync(from)) {
			if (entry === next || entry === "uv.lock" || entry === ".venv") continue;
			// the workspace root's own pyproject.toml is linked when the project is a member below it
			if (entry === "pyproject.toml" && next === undefined) continue;
			symlinkSync(path.join(from, entry), path.join(to, entry));
		}
		if (next === undefined) return to;
		from = path.join(from, next);
		to = path.join(to, next);
		mkdirSync(to);
	}
}
