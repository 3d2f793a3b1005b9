import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "smol-toml";
import { HpmError, refusal } from "../base/errors.js";
import { makeScratch } from "../os/scratch.js";
import { formatCombination, NO_CHOICE } from "../plan/combination.js";
import type { Context } from "../plan/context.js";
import type { HpmEvent } from "../plan/events.js";
import { planCredentialsEnv } from "../plan/plan.js";
import { resolveSelection, type Selection } from "../plan/selection.js";
import { lockFileProblem } from "../project/files.js";
import { runUv } from "../uv/driver.js";
import { explainFailure } from "./conflict.js";
import { prepareWithUv } from "./prepare.js";
import { fillScratch, removeScratch } from "./scratch-copy.js";
import { wouldBeProject } from "./would-be-project.js";

/** What `hpm export` writes: pip's requirements format, or PEP 751's `pylock.toml`. */
export type ExportFormat = "requirements" | "pylock";

const UV_FORMAT: Record<ExportFormat, { readonly flag: string; readonly file: string }> = {
	requirements: { flag: "requirements-txt", file: "requirements.txt" },
	pylock: { flag: "pylock.toml", file: "pylock.toml" },
};

export type ExportResult = {
	/** The file's text: uv's export, its paths relative to where it is read from (see `exportSelection`). */
	readonly text: string;
	/** The combination exported, as `--combination` takes it. */
	readonly combination: string;
	readonly mode: string;
};

/**
 * What an image build needs for one combination (the project's own choice when `selection` is
 * undefined), through `uv export`: uv resolves the would-be project in a scratch copy, as check
 * does, so pyproject.toml, uv.lock and .venv are never opened for writing. Local paths are made
 * relative to where uv would have written them in place: a requirements file's to the project,
 * a pylock.toml's (PEP 751) to the folder `into`, where it will be written.
 */
export async function* exportSelection(
	context: Context,
	options: {
		readonly format: ExportFormat;
		readonly mode?: string | undefined;
		readonly selection?: Selection | undefined;
		readonly into: string;
		readonly signal?: AbortSignal | undefined;
	},
): AsyncGenerator<HpmEvent, ExportResult> {
	const prepared = await prepareWithUv(context, options.mode, options.selection, options.signal);
	const { project, plan, problems, warnings, workspace, registry } = prepared;
	yield { type: "plan", plan };
	for (const problem of warnings) yield { type: "warning", problem };
	if (problems.length > 0) {
		for (const problem of problems) yield { type: "problem", problem };
		throw refusal("export", problems, "hpm export");
	}
	const uv = await prepared.uv;
	const lockProblem = lockFileProblem(workspace?.root ?? project.root);
	if (lockProblem) throw lockProblem;
	const combination = formatCombination(
		registry,
		options.selection ?? resolveSelection(registry, project, []).selection,
	);
	const { flag, file } = UV_FORMAT[options.format];
	yield {
		type: "phase",
		phase: "resolve",
		message: `resolving ${combination === NO_CHOICE ? "the project without a choice" : combination} with uv ${uv.version} in a scratch copy`,
	};
	const scratch = makeScratch("export");
	try {
		const { here, lockBytes, environment } = fillScratch(project, workspace, scratch);
		writeFileSync(path.join(here, "pyproject.toml"), stringify(wouldBeProject(project, plan, workspace?.members)));
		if (lockBytes) writeFileSync(path.join(scratch, "uv.lock"), lockBytes);
		const out = path.join(scratch, ".hpm-export");
		mkdirSync(out);
		const target = path.join(out, file);
		const args = ["export", "--format", flag, "--no-header", "--directory", here, "--output-file", target, "--quiet"];
		const run = yield* runUv(uv, args, {
			cwd: here,
			readOnly: true,
			signal: options.signal,
			env: { ...planCredentialsEnv(plan), UV_PROJECT_ENVIRONMENT: environment },
		});
		if (run.aborted) throw new HpmError("interrupted", "export interrupted; nothing was changed", { exitCode: 1 });
		if (run.exitCode !== 0) {
			const explained = explainFailure(run.lines, run.exitCode, plan.selected, workspace?.names);
			throw new HpmError(
				explained?.code ?? "uv-failed",
				`uv export failed (exit ${run.exitCode})${explained ? `: ${explained.message}` : ""}; nothing was changed`,
				{
					exitCode: 1,
					hint: "uv's output above says why; `hpm check` with the same choice narrows it down",
					choices: (explained?.entries ?? []).flatMap((e) => e.groups.map((g) => `${g}=${e.name}`)),
				},
			);
		}
		// a path in the scratch is the same path in the project (or its workspace)
		const real = (folder: string) => (p: string) => {
			const at = path.resolve(folder, p);
			const inside = path.relative(scratch, at);
			return inside.startsWith("..") || path.isAbsolute(inside)
				? at
				: path.join(workspace?.root ?? project.root, inside);
		};
		const text = readFileSync(target, "utf8");
		const body =
			options.format === "requirements"
				? relativeRequirements(text, real(here), project.root)
				: relativePylock(text, real(out), options.into);
		const header = `# hpm export --format ${options.format}${combination ? ` --combination "${combination}"` : ""} --mode ${plan.mode}\n`;
		return { text: header + body, combination, mode: plan.mode };
	} finally {
		removeScratch(scratch);
	}
}

/** `./x` for a path below `from`, `../x` above it: how uv writes a local path. */
function relativeTo(from: string, to: string): string {
	const relative = path.relative(from, to);
	return relative === "" || relative.startsWith("..") ? relative || "." : `./${relative}`;
}

/** A requirements file's local paths (`./pkg`, `-e ../pkg`, `file:///pkg`, `name @ file:///pkg`) made relative to `root`. */
export function relativeRequirements(text: string, real: (p: string) => string, root: string): string {
	return text
		.split("\n")
		.map((line) => {
			const match = /^(-e |[A-Za-z0-9._-]+ @ )?(\.{1,2}\/\S*|\/\S*|file:\/\/\S+|\.)(.*)$/.exec(line);
			if (!match) return line;
			const [, before = "", where = "", after = ""] = match;
			const local = where.startsWith("file://") ? fileURLToPath(where) : where;
			return `${before}${relativeTo(root, real(local))}${after}`;
		})
		.join("\n");
}

/** A pylock.toml's `path = "..."` values (relative to the lock file, PEP 751) made relative to `folder`. */
export function relativePylock(text: string, real: (p: string) => string, folder: string): string {
	return text.replace(/\bpath = "((?:[^"\\]|\\.)*)"/g, (_, written: string) => {
		const value = JSON.parse(`"${written}"`) as string;
		return `path = ${JSON.stringify(path.relative(folder, real(value)) || ".")}`;
	});
}
