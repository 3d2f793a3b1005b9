import path from "node:path";
import { type Context, loadContextRegistry, requireProject } from "../plan/context.js";
import { HpmError } from "../base/errors.js";
import type { HpmEvent } from "../plan/events.js";
import { type Plan, type PlanEntry, planCredentialsEnv } from "../plan/plan.js";
import { addBatches, addFlags } from "../plan/uv-record.js";
import { readPythonPackage } from "../registry/python-package.js";
import { localSource, namedIndex } from "../registry/source-kinds.js";
import { loadManifest } from "../registry/load.js";
import { normalizeName } from "../base/names.js";
import { findUv } from "../uv/driver.js";
import { transaction } from "./transaction.js";
import { uvAddStep } from "./transaction-steps.js";
import type { IndexDefinition } from "../registry/model.js";
import { lockFileProblem } from "../project/files.js";
import { findWorkspace } from "../project/workspace.js";

export type InstallResult = {
	readonly kind: "install";
	readonly ok: true;
	readonly plan: Plan;
	readonly name: string;
	readonly mode: string;
	readonly requirement: string;
	/** One sentence for a person: what was installed, and how uv was asked for it. */
	readonly summary: string;
};

/**
 * Installs the one package a manifest describes, with the same driver and guarantees as sync.
 * Like `uv add`, this is the user's own dependency: hpm does not record it as managed, so a later
 * `hpm sync` never removes it.
 */
export async function* install(
	context: Context,
	options: { manifest: string; mode?: string | undefined; signal?: AbortSignal | undefined },
): AsyncGenerator<HpmEvent, InstallResult> {
	const project = requireProject(context);
	const lockProblem = lockFileProblem(findWorkspace(project.root)?.root ?? project.root);
	if (lockProblem) throw lockProblem;
	const pkg = loadManifest(path.resolve(context.cwd, options.manifest));
	const mode = options.mode ?? project.mode;
	const source = pkg.sources.get(mode);
	if (!source) {
		throw new HpmError("no-source-for-mode", `${pkg.name} has no source for mode "${mode}"`, {
			hint: `pass --mode with one of: ${[...pkg.sources.keys()].join(", ")}`,
			location: pkg.location,
		});
	}
	const local = localSource(source);
	if (local) {
		const found = readPythonPackage(local.path);
		if (typeof found === "string") throw new HpmError("local-path", found, { location: pkg.location });
		if (found.name !== undefined && normalizeName(found.name) !== pkg.key) {
			throw new HpmError("local-name", `${local.rawPath} holds package "${found.name}", not "${pkg.name}"`, {
				location: pkg.location,
			});
		}
	}
	const named = namedIndex(source);
	const index = named ? await declaredIndex(context, named.name) : undefined;
	const entry: PlanEntry = { key: pkg.key, name: pkg.name, groups: [], source, ...(index ? { index } : {}) };
	// One entry makes one batch: its line, and the `--tag`/`--branch`/`--index` uv records it with.
	const [batch] = addBatches([entry], project.root);
	const added = batch ?? { ref: undefined, lines: [] };
	const requirement = [...added.lines, ...addFlags(added)].join(" ");
	const plan: Plan = {
		root: project.root,
		mode,
		add: [entry],
		switch: [],
		remove: [],
		unchanged: [],
		selected: [entry],
		managed: project.managed,
		problems: [],
	};
	yield { type: "plan", plan };
	const uv = await findUv();
	return yield* transaction(project.file, "install", options.signal, async function* (tx) {
		tx.describe(`install: +${pkg.name} (mode ${mode})`);
		yield { type: "phase", phase: "add", message: `installing ${pkg.name} (${mode})` };
		yield* uvAddStep(tx, uv, added, {
			file: project.file,
			requirements: path.join(tx.scratch, "requirements.txt"),
			lock: "sync",
			cwd: project.root,
			signal: options.signal,
			env: planCredentialsEnv({ selected: [entry] }),
			plan: { selected: [entry] },
		});
		const summary = `installed ${pkg.name} (${mode}): ${requirement}`;
		return { kind: "install", ok: true, plan, name: pkg.name, mode, requirement, summary };
	});
}

/** The index a manifest's source names, as the project's registry declares it. */
async function declaredIndex(context: Context, name: string): Promise<IndexDefinition> {
	let found: IndexDefinition | undefined;
	try {
		found = (await loadContextRegistry(context)).registry.indexes.get(name);
	} catch (error) {
		// no registry at all: the index is not declared, said below with the fix; any other failure
		// (a git registry that cannot be fetched, credentials missing) is said as itself
		if (!(error instanceof HpmError) || error.code !== "registry-not-found") throw error;
	}
	if (found) return found;
	throw new HpmError(
		"unknown-index",
		`the manifest's source names the index "${name}", which the registry does not declare`,
		{
			hint: `declare it in ${context.registryRoot}/indexes/${name}.yaml (name and url), or pass --registry DIR`,
		},
	);
}
