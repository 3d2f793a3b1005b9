import { type Context, type Locator, requireRoot, resolveContext, unfinishedChange } from "../plan/context.js";
import type { Selection } from "../plan/selection.js";
import type { HpmEvent } from "../plan/events.js";
import { type LockHooks, underProjectLockStream } from "../project/lock.js";
import type { CheckResult } from "./check.js";
import type { InstallResult } from "./install.js";
import type { RollbackResult } from "./rollback.js";
import type { SyncResult } from "./sync.js";
import type { Registry } from "../registry/model.js";
import { gitDeadlines } from "../os/git-env.js";

/** What to run: check and sync work on the selection, install on one manifest. */
export type OperationRequest =
	| {
			readonly kind: "check";
			readonly mode?: string | undefined;
			readonly strict?: boolean | undefined;
			/** `inference=a,metrics=b+c`: check exactly this selection instead of the project's. */
			readonly combination?: string | undefined;
	  }
	| {
			readonly kind: "sync";
			readonly mode?: string | undefined;
			readonly dryRun?: boolean | undefined;
			/** Move git branches and unpinned requirements to their newest (all, or the named packages). */
			readonly upgrade?: { readonly packages: readonly string[] } | undefined;
			/** `group=option,...`: this machine's options of per-machine groups, forced (`--machine-choice`, HPM_MACHINE_CHOICE). */
			readonly machineChoice?: { readonly value: string | undefined; readonly from: string } | undefined;
			/** `inference=a,metrics=b+c`: record exactly this selection (every other group unchosen) and sync it. */
			readonly combination?: string | undefined;
	  }
	| { readonly kind: "install"; readonly manifest: string; readonly mode?: string | undefined }
	/** Brings back history entry `id` (the newest when undefined) and syncs the environment. */
	| { readonly kind: "rollback"; readonly id?: number | undefined };

/** How an operation ended, tagged by `kind`; each carries the sentence a person is told. */
export type OperationResult = CheckResult | SyncResult | InstallResult | RollbackResult;

export type OperationOptions = {
	readonly locator: Locator;
	readonly cwd: string;
	/** Aborting stops uv; an operation that writes then restores the files. */
	readonly signal?: AbortSignal | undefined;
	readonly hooks?: LockHooks | undefined;
};

/**
 * The one way to start check, sync or install, from the CLI or the UI. Operations that write hold
 * the project lock from before reading the project to after the last write (undoing a killed
 * hpm's change first); check writes nothing and takes none. The stream begins with the plan and
 * ends with a tagged result; a failure is an HpmError.
 */
export async function* runOperation(
	request: OperationRequest,
	options: OperationOptions,
): AsyncGenerator<HpmEvent, OperationResult> {
	const { locator, cwd, signal } = options;
	const hooks = options.hooks ?? {};
	// git's ssh settings (one `git config` run) are asked for now, while the project and the
	// registry load, so uv never waits for them
	if (!(request.kind === "sync" && request.dryRun)) void gitDeadlines();
	// each operation's code loads only when it runs: a check never loads the transaction machinery
	if (request.kind === "check") {
		const { check } = await import("./check.js");
		const context = resolveContext(locator, cwd);
		const selection =
			request.combination === undefined ? undefined : await combinationSelection(context, request.combination, signal);
		return yield* check(context, { mode: request.mode, strict: request.strict, signal, selection });
	}
	const root = requireRoot(locator, cwd);
	const locking = { ...hooks, signal };
	if (request.kind === "sync") {
		const { sync } = await import("./sync.js");
		const run = async function* () {
			const context = resolveContext(locator, cwd);
			// the combination is read inside the lock, from the registry the sync plans with
			const selection =
				request.combination === undefined
					? undefined
					: await combinationSelection(context, request.combination, signal);
			return yield* sync(context, {
				mode: request.mode,
				dryRun: request.dryRun === true,
				signal,
				upgrade: request.upgrade,
				machineChoice: request.machineChoice,
				selection,
			});
		};
		if (!request.dryRun) return yield* underProjectLockStream(root, "sync", locking, run);
		// a dry run writes nothing: no lock, and an unfinished change is only reported
		const notice = await unfinishedChange(locator, cwd);
		if (notice) hooks.onNotice?.(notice);
		return yield* run();
	}
	if (request.kind === "rollback") {
		const { rollback } = await import("./rollback.js");
		const { env, registry } = await sourceCredentials(locator, cwd);
		return yield* underProjectLockStream(root, "rollback", locking, () =>
			rollback(root, { id: request.id, signal, env, registry }),
		);
	}
	const { install } = await import("./install.js");
	return yield* underProjectLockStream(root, "install", locking, () =>
		install(resolveContext(locator, cwd), { manifest: request.manifest, mode: request.mode, signal }),
	);
}

/**
 * The credentials of the registry's sources for uv (a rollback's files may name any of them), and
 * the registry (its per-machine groups say which `--group` this machine syncs), or none when the
 * registry cannot be read: the rollback still runs, and uv says what it cannot fetch.
 */
async function sourceCredentials(
	locator: Locator,
	cwd: string,
): Promise<{ readonly env: Record<string, string>; readonly registry?: Registry }> {
	try {
		const [{ openSelection }, { registryCredentialsEnv }] = await Promise.all([
			import("../plan/open-selection.js"),
			import("../plan/plan.js"),
		]);
		const { registry } = await openSelection({ locator, cwd }, { project: "optional" });
		return { env: registryCredentialsEnv(registry), registry };
	} catch {
		return { env: {} };
	}
}

async function combinationSelection(
	context: Context,
	text: string,
	signal: AbortSignal | undefined,
): Promise<Selection> {
	const [{ openSelection }, { parseCombination }] = await Promise.all([
		import("../plan/open-selection.js"),
		import("../plan/combination.js"),
	]);
	const { registry } = await openSelection(context, { signal });
	return parseCombination(registry, text);
}
