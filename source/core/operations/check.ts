import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readRegularFile } from "../os/read-file.js";
import { MAX_FILE_BYTES } from "../project/files.js";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "smol-toml";
import type { Context } from "../context.js";
import { HpmError, type Problem } from "../errors.js";
import type { HpmEvent } from "../events.js";
import { normalizeName, requirementName } from "../names.js";
import { type Plan, uvSourceEntry } from "../plan.js";
import type { Project } from "../project/project.js";
import { runUv, type Uv } from "../uv/driver.js";
import { explainFailure } from "./conflict.js";
import { prepareWithUv } from "./prepare.js";

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
	options: { mode?: string | undefined; strict?: boolean | undefined; signal?: AbortSignal | undefined },
): AsyncGenerator<HpmEvent, CheckResult> {
	const {
		project,
		plan,
		problems,
		warnings,
		uv: uvProbe,
	} = await prepareWithUv(context, options.mode, {
		strict: options.strict,
	});
	const all: Problem[] = [...problems];
	let uv: Uv | undefined;
	try {
		uv = await uvProbe;
	} catch (error) {
		if (!(error instanceof HpmError)) throw error;
		all.push({ code: error.code, message: `${error.message}${error.hint ? ` (${error.hint})` : ""}` });
	}
	yield { type: "plan", plan };
	for (const problem of warnings) yield { type: "warning", problem };
	for (const problem of all) yield { type: "problem", problem };
	if (all.length > 0 || !uv) return checked(plan, all, null, warnings);

	yield { type: "phase", phase: "resolve", message: `resolving the would-be dependencies with uv ${uv.version}` };
	const scratch = mkdtempSync(path.join(tmpdir(), "hpm-check-"));
	try {
		writeFileSync(path.join(scratch, "pyproject.toml"), stringify(wouldBeProject(project, plan)));
		if (existsSync(path.join(project.root, "uv.lock"))) {
			// a regular file of bounded size only: a named pipe here must not hang the check
			const bytes = readRegularFile(path.join(project.root, "uv.lock"), MAX_FILE_BYTES);
			writeFileSync(path.join(scratch, "uv.lock"), bytes);
		}
		const run = yield* runUv(uv, ["lock", "--directory", scratch], {
			cwd: scratch,
			signal: options.signal,
			env: { UV_PROJECT_ENVIRONMENT: path.join(scratch, ".venv") },
		});
		if (run.aborted) throw new HpmError("interrupted", "check interrupted; nothing was changed", { exitCode: 1 });
		const text = run.lines.join("\n");
		const resolved = Number(/Resolved (\d+) packages?/.exec(text)?.[1] ?? Number.NaN);
		if (run.exitCode === 0) return checked(plan, [], Number.isNaN(resolved) ? null : resolved, warnings);
		const explained = explainFailure(run.lines, run.exitCode, plan.selected);
		const start = run.lines.findIndex((line) => /No solution found|error:/.test(line));
		const problem: Problem = {
			code: explained?.code ?? "uv-failed",
			message: explained?.message ?? `uv lock failed (exit ${run.exitCode})`,
			detail: run.lines.slice(Math.max(start, 0)).join("\n").trim(),
		};
		yield { type: "problem", problem };
		return checked(plan, [problem], null, warnings);
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
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
export function wouldBeProject(project: Project, plan: Plan): Record<string, unknown> {
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
	for (const entry of plan.add) dependencies.push(entry.name);
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
		sources[entry.name] = uvSourceEntry(entry.source);
	}
	return data;
}
