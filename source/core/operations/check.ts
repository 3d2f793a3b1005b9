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
import { lockFileProblem, MAX_FILE_BYTES } from "../project/files.js";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, stringify } from "smol-toml";
import type { Context } from "../plan/context.js";
import { HpmError, type Problem } from "../base/errors.js";
import { drain, type HpmEvent } from "../plan/events.js";
import { normalizeName, requirementName } from "../base/names.js";
import { isEmptyPlan, type Plan, type PlanEntry, planCredentialsEnv, uvSourceEntry } from "../plan/plan.js";
import { uvIndexUrl } from "../uv/index-url.js";
import type { Project } from "../project/project.js";
import { runUv, type Uv } from "../uv/driver.js";
import { type Blame, BLAME_LIMITS, type BlameLimits, minimalConflicts, type Outcome } from "./blame.js";
import { conflictReason, describeConflict, type Explained, explainFailure, uvCause } from "./conflict.js";
import { uvDetail } from "../uv/shown-lines.js";
import { prepareWithUv } from "./prepare.js";
import type { Selection } from "../plan/selection.js";

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
		/** Resolutions of subsets already answered (a matrix shares one across its combinations). */
		memo?: Map<string, Outcome<PlanEntry, Failure>> | undefined;
		/** Limits of the search for minimal conflicts (README "Verdicts" states the defaults). */
		limits?: BlameLimits | undefined;
		/** Told what the search proved: the minimal sets and the subsets that resolved. */
		onBlame?: ((blame: Blame<PlanEntry, Failure>) => void) | undefined;
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
	// a named pipe or a link to /dev/zero as uv.lock would hold uv (and hpm) forever
	const lockProblem = lockFileProblem(workspace?.root ?? project.root);
	if (lockProblem)
		all.push({
			code: lockProblem.code,
			message: lockProblem.message,
			location: { file: path.join(workspace?.root ?? project.root, "uv.lock") },
		});
	yield { type: "plan", plan };
	for (const problem of warnings) yield { type: "warning", problem };
	for (const problem of [...promoted, ...all]) yield { type: "problem", problem };
	if (all.length > 0 || !uv) return checked(plan, [...promoted, ...all], null, warnings);

	// a selection already synced, whose uv.lock is current: that lock is uv's own proof it resolves
	if (isEmptyPlan(plan, project.managed) && !options.memo) {
		const current = await lockIsCurrent(uv, workspace?.root ?? project.root, plan, options.signal);
		if (current !== undefined) {
			yield { type: "phase", phase: "resolve", message: "already synced: uv.lock is current (uv lock --check)" };
			return checked(plan, promoted, current, warnings);
		}
	}
	yield { type: "phase", phase: "resolve", message: `resolving the would-be dependencies with uv ${uv.version}` };
	const scratch = mkdtempSync(path.join(tmpdir(), "hpm-check-"));
	try {
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
		// the resolution of one subset of the choices (the project's own dependencies always in)
		const settable = choicesOf(plan);
		let runs = 0;
		const uvFound = uv;
		let resolved: number | null = null;
		let lied: Problem | undefined;
		async function* resolve(subset: readonly PlanEntry[]): AsyncGenerator<HpmEvent, Outcome<PlanEntry, Failure>> {
			const attempt = keepOnly(plan, settable, subset);
			writeFileSync(path.join(here, "pyproject.toml"), stringify(wouldBeProject(project, attempt, workspace?.members)));
			if (lockBytes) writeFileSync(path.join(scratch, "uv.lock"), lockBytes);
			else rmSync(path.join(scratch, "uv.lock"), { force: true });
			const lock = runUv(uvFound, ["lock", "--directory", here], {
				cwd: here,
				readOnly: true,
				signal: options.signal,
				env: { ...planCredentialsEnv(attempt), UV_PROJECT_ENVIRONMENT: environment },
			});
			// the first resolution is streamed; the narrowing steps after it are said once, and each
			// conflict they prove carries uv's explanation of exactly its own choices
			if (runs++ === 1)
				yield {
					type: "phase",
					phase: "resolve",
					message: "narrowing the failure down to the choices at fault (one uv resolution per step)",
				};
			let step = await lock.next();
			while (!step.done) {
				if (runs === 1) yield step.value;
				step = await lock.next();
			}
			const run = step.value;
			if (run.aborted) throw new HpmError("interrupted", "check interrupted; nothing was changed", { exitCode: 1 });
			if (run.exitCode === 0) {
				// a uv that says it locked but wrote no lock proves nothing: the check cannot pass on its word
				const why = uvLeftNoLock(path.join(scratch, "uv.lock"), lockBytes, hasChanges(attempt));
				if (why) {
					lied = { code: "uv-unreliable", message: why, detail: uvDetail(run.lines) };
					return { ok: false, suspects: [], final: true };
				}
				if (subset.length === settable.length) {
					const count = Number(/Resolved (\d+) packages?/.exec(run.lines.join("\n"))?.[1] ?? Number.NaN);
					resolved = Number.isNaN(count) ? null : count;
				}
				return { ok: true };
			}
			const explained = explainFailure(run.lines, run.exitCode, attempt.selected, workspace?.names);
			const data: Failure = { lines: run.lines, exitCode: run.exitCode, explained };
			// "No solution found" with no option named is still a resolution: the project's own requirements
			// (a workspace that does not lock is narrowed alike: a chosen option may be what its members cannot take)
			if (
				explained?.code === "resolution" ||
				explained?.code === "workspace-conflict" ||
				(!explained && /No solution found/.test(run.lines.join("\n")))
			)
				return {
					ok: false,
					data,
					suspects: (explained?.entries ?? []).filter((e) => subset.includes(e)),
					missing: missingPackages(run.lines),
				};
			if (explained && explained.entries.length > 0)
				return { ok: false, data, suspects: explained.entries, attributed: explained.entries };
			return { ok: false, data, suspects: [], final: true };
		}
		const blame = yield* minimalConflicts(settable, (entry) => entry.key, resolve, {
			...(options.limits ? { limits: options.limits } : {}),
			...(options.memo ? { memo: options.memo } : {}),
		});
		options.onBlame?.(blame);
		const found = blameProblems(blame, lied, options.limits ?? BLAME_LIMITS);
		for (const problem of found) yield { type: "problem", problem };
		if (found.length === 0) return checked(plan, promoted, resolved, warnings);
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

/**
 * The number of packages of the project's uv.lock when `uv lock --check` says it is current for
 * pyproject.toml as it is (nothing is written); undefined when it is not, or there is none. uv's
 * lines are not shown: a stale lock is no problem of the check, which then resolves in a scratch.
 */
async function lockIsCurrent(
	uv: Uv,
	folder: string,
	plan: Plan,
	signal: AbortSignal | undefined,
): Promise<number | null | undefined> {
	if (!existsSync(path.join(folder, "uv.lock"))) return undefined;
	const result = await drain(
		runUv(uv, ["lock", "--check", "--directory", folder], {
			cwd: folder,
			readOnly: true,
			signal,
			env: planCredentialsEnv(plan),
		}),
		() => undefined,
	);
	if (result.aborted) throw new HpmError("interrupted", "check interrupted; nothing was changed", { exitCode: 1 });
	if (result.exitCode !== 0) return undefined;
	const count = Number(/Resolved (\d+) packages?/.exec(result.lines.join("\n"))?.[1] ?? Number.NaN);
	return Number.isNaN(count) ? null : count;
}

/** What check keeps of a failed resolution: uv's lines and what they say in the project's terms. */
export type Failure = {
	readonly lines: readonly string[];
	readonly exitCode: number;
	readonly explained: Explained | undefined;
};

/** The selected entries hpm manages (added or recorded by it): the choices a check may set aside. */
function choicesOf(plan: Plan): PlanEntry[] {
	const managed = new Set(plan.managed);
	return plan.selected.filter((entry) => managed.has(entry.key));
}

/** The plan with only `keep` of the `settable` choices: the others are not added, and removed if recorded. */
function keepOnly(plan: Plan, settable: readonly PlanEntry[], keep: readonly PlanEntry[]): Plan {
	if (keep.length === settable.length) return plan;
	const kept = new Set(keep.map((entry) => entry.key));
	const out = settable.filter((entry) => !kept.has(entry.key));
	const aside = new Set(out.map((entry) => entry.key));
	const stays = (entry: { key: string }) => !aside.has(entry.key);
	const adding = new Set(plan.add.map((entry) => entry.key));
	return {
		...plan,
		add: plan.add.filter(stays),
		switch: plan.switch.filter(stays),
		selected: plan.selected.filter(stays),
		// a choice the project already depends on through hpm is taken out of the would-be project
		remove: [...plan.remove, ...out.filter((e) => !adding.has(e.key)).map((e) => ({ key: e.key, name: e.name }))],
	};
}

/** Packages uv could not find anywhere (`X was not found in the package registry`). */
function missingPackages(lines: readonly string[]): string[] {
	const text = lines.join(" ");
	const found = text.matchAll(
		/([A-Za-z0-9][A-Za-z0-9._-]*) was not found in the (?:package registry|cache|provided package locations)/g,
	);
	return [...new Set([...found].map((match) => normalizeName(match[1] ?? "")))];
}

/** `group=option`, once per option (its first group): the data form of a choice. */
function choiceOf(entry: PlanEntry): string {
	return `${entry.groups[0] ?? entry.name}=${entry.name}`;
}

/** uv's lines from where its explanation starts, without hints about uv's own flags. */
function detailOf(lines: readonly string[]): string {
	const start = lines.findIndex((line) => /No solution found|error:/.test(line));
	return uvDetail(lines.slice(Math.max(start, 0)));
}

/** The problems a search for minimal conflicts proved, each in group=option terms with its reason. */
function blameProblems(blame: Blame<PlanEntry, Failure>, lied: Problem | undefined, limits: BlameLimits): Problem[] {
	const problems: Problem[] = [];
	const data = (outcome: Outcome<PlanEntry, Failure>) => (outcome.ok ? undefined : outcome.data);
	for (const conflict of blame.conflicts) {
		const failure = data(conflict.outcome);
		const lines = failure?.lines ?? [];
		const choices = conflict.items.map(choiceOf);
		if (!conflict.outcome.ok && conflict.outcome.attributed && failure?.explained) {
			// a source's own failure (unreachable, missing ref, build): its package, whatever else is chosen
			problems.push({
				code: failure.explained.code,
				message: failure.explained.message,
				detail: detailOf(lines),
				choices,
				proven: false,
			});
			continue;
		}
		const reason = conflictReason(lines, conflict.items) ?? uvCause(lines);
		// the rest of the project includes the workspace's members, selected or not
		const members = failure?.explained?.code === "workspace-conflict" ? (failure.explained.members ?? []) : [];
		const workspace =
			members.length > 0 ? ` (${members.join(", ")}: a member of the uv workspace, which uv locks as a whole)` : "";
		const unsure = conflict.proven
			? ""
			: " (not proven minimal: uv failed for a reason of its own while narrowing it down)";
		problems.push({
			code: "resolution",
			message: `${describeConflict(conflict.items) ?? choices.join(", ")}${reason ? `: ${reason}` : ""}${workspace}${unsure}`,
			detail: detailOf(lines),
			choices,
			proven: conflict.proven,
		});
	}
	if (blame.projectFails) {
		const failure = data(blame.projectFails);
		const reason = conflictReason(failure?.lines ?? [], []);
		const workspace = failure?.explained?.code === "workspace-conflict" ? failure.explained : undefined;
		problems.push({
			code: workspace ? workspace.code : "project-unresolvable",
			message: workspace
				? `${workspace.message}, whatever is chosen${reason ? `: ${reason}` : ""}`
				: `the project's own dependencies do not resolve, whatever is chosen${reason ? `: ${reason}` : ""}`,
			detail: detailOf(failure?.lines ?? []),
			choices: [],
			proven: true,
		});
	}
	if (lied) problems.push(lied);
	else if (blame.unexplained) {
		const failure = data(blame.unexplained);
		const named = failure?.explained?.entries ?? [];
		problems.push({
			code: failure?.explained?.code ?? "uv-failed",
			message: failure?.explained?.message ?? `uv lock failed (exit ${failure?.exitCode ?? "?"})`,
			detail: detailOf(failure?.lines ?? []),
			// the options uv's words name (not proven to be at fault)
			...(named.length > 0 ? { choices: named.map(choiceOf) } : {}),
		});
	}
	if (blame.incomplete)
		problems.push({
			code: "more-conflicts",
			message:
				"more conflicts may exist: without the choices above, the rest lacks a package they bring, so it could not be checked on its own",
			proven: false,
		});
	if (blame.truncated) {
		const stopped =
			blame.conflicts.length >= limits.conflicts
				? `after ${limits.conflicts} conflicts`
				: `after ${limits.resolutions} resolutions`;
		problems.push({
			code: blame.conflicts.length === 0 ? "resolution" : "more-conflicts",
			message:
				blame.conflicts.length === 0
					? `the selection does not resolve; hpm stopped narrowing it down to the choices at fault ${stopped} (README "Verdicts")`
					: `more conflicts may exist: hpm stopped looking ${stopped} (README "Verdicts")`,
			proven: false,
		});
	}
	return problems;
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

function checked(
	plan: Plan,
	problems: readonly Problem[],
	resolved: number | null,
	warnings: readonly Problem[],
): CheckResult {
	const ok = problems.length === 0;
	// "more may exist" is said by its own line, not counted as a problem
	const counted = problems.filter((problem) => problem.code !== "more-conflicts").length;
	const more = counted < problems.length ? ", and more may exist" : "";
	const summary = ok
		? `ok: the selection resolves (${resolved ?? "?"} packages); nothing was changed`
		: `check failed: ${counted} problem${counted === 1 ? "" : "s"}${more}; nothing was changed`;
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

	absoluteUvPaths(data, project.root);
	const sources = table(table(table(data, "tool"), "uv"), "sources");
	for (const name of Object.keys(sources)) if (removed.has(normalizeName(name))) delete sources[name];
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

/**
 * Makes every path uv reads from a pyproject.toml relative to its folder absolute, in place: the
 * copy is read from a scratch folder, where `../ext/pkg` or `wheels` would point at nothing. Those
 * are `[tool.uv.sources]` paths (a table or a list of them), `[tool.uv] find-links`, and the URL
 * of a `[[tool.uv.index]]` given as a path (a flat index of wheels). Whether any changed.
 */
export function absoluteUvPaths(data: Record<string, unknown>, dir: string): boolean {
	const uv = asRecord(asRecord(data.tool)?.uv);
	if (!uv) return false;
	let changed = false;
	const local = (value: unknown): value is string =>
		typeof value === "string" && value !== "" && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value);
	const sources = asRecord(uv.sources);
	for (const entry of Object.values(sources ?? {}))
		for (const one of Array.isArray(entry) ? entry : [entry]) {
			const source = asRecord(one);
			if (source && typeof source.path === "string") {
				source.path = path.resolve(dir, source.path);
				changed = true;
			}
		}
	if (Array.isArray(uv["find-links"]))
		uv["find-links"] = uv["find-links"].map((link: unknown) => {
			if (!local(link)) return link;
			changed = true;
			return path.resolve(dir, link);
		});
	if (Array.isArray(uv.index))
		for (const table of uv.index) {
			const index = asRecord(table);
			if (index && local(index.url)) {
				index.url = path.resolve(dir, index.url);
				changed = true;
			}
		}
	return changed;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return typeof value === "object" && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}
