import { existsSync } from "node:fs";
import path from "node:path";
import { captureOnce, stoppedSentence } from "../os/child.js";
import { type CheckItem, type CheckOutcome, judge, type Looked, lookupOf } from "../plan/option-checks.js";
import { lockedPackages, projectEnvironment } from "../project/dependencies.js";
import { findWorkspace } from "../project/workspace.js";

/** How long the checks' Python may take: importing torch and CUDA libraries takes seconds, not minutes. */
export const CHECKS_TIMEOUT_MS = 180_000;

export type ChecksReport = {
	readonly ok: boolean;
	readonly outcomes: readonly CheckOutcome[];
	readonly failed: readonly CheckOutcome[];
};

/**
 * The lookups, in one run of the environment's Python: isolated (`-I`: no current folder on
 * sys.path, no PYTHON* variables), the lookups as JSON in argv, the answers as JSON on a copy of
 * stdout taken before anything is imported (what a module prints goes to stderr).
 */
const SCRIPT = `
import importlib, json, os, sys
from collections.abc import Mapping
from importlib import metadata
out = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
sys.stdout = sys.stderr
answers = []
for lookup in json.loads(sys.argv[1]):
    try:
        if lookup["kind"] == "import":
            importlib.import_module(lookup["module"])
            answers.append({"ok": True})
        elif lookup["kind"] == "installed":
            names = sorted({(dist.metadata["Name"] or "") for dist in metadata.distributions()} - {""})
            answers.append({"ok": True, "value": "\\n".join(names)})
        elif lookup["kind"] == "version":
            answers.append({"ok": True, "value": metadata.version(lookup["package"])})
        else:
            value = importlib.import_module(lookup["module"])
            for name in lookup["path"].split("."):
                value = getattr(value, name)
            if value is None or type(value) in (str, int, float, bool):
                answers.append({"ok": True, "value": None if value is None else str(value)[:4000]})
            else:
                kind = "a mapping" if isinstance(value, Mapping) else "a module" if isinstance(value, type(os)) else "a callable" if callable(value) else "an object"
                answers.append({"ok": True, "shape": kind, "type": (type(value).__module__ + "." + type(value).__qualname__)[:200]})
    except BaseException as error:
        answers.append({"ok": False, "error": (type(error).__name__ + ": " + str(error))[:400]})
out.write(json.dumps(answers))
out.flush()
`;

/** Runs `items` against the project's environment and uv.lock; never throws for a failed check. */
export async function runChecks(
	projectRoot: string,
	items: readonly CheckItem[],
	options: { readonly signal?: AbortSignal | undefined; readonly env?: NodeJS.ProcessEnv },
): Promise<ChecksReport> {
	const asked = items.map((item) => lookupOf(item.check));
	const lookups = asked.filter((lookup): lookup is Record<string, string> => lookup !== undefined);
	// a per-machine option's lock-forbids: what this machine installed, asked last
	const installedAsked = items.some((item) => item.machine && item.check.kind === "lock-forbids");
	if (installedAsked) lookups.push({ kind: "installed" });
	const answers = lookups.length > 0 ? await askPython(projectRoot, lookups, options) : [];
	const lockRoot = findWorkspace(projectRoot)?.root ?? projectRoot;
	const locked = items.some((item) => item.check.kind === "lock-forbids" && !item.machine)
		? [...lockedPackages(lockRoot).keys()]
		: [];
	const last = installedAsked ? answers.at(-1) : undefined;
	const installed =
		last === undefined ? undefined : last.ok ? (last.value ?? "").split("\n").filter(Boolean) : last.error;
	let next = 0;
	const outcomes = items.map((item, index) => {
		const answer = asked[index] === undefined ? undefined : answers[next++];
		return judge(item, answer, locked, installed);
	});
	const failed = outcomes.filter((outcome) => !outcome.ok);
	return { ok: failed.length === 0, outcomes, failed };
}

async function askPython(
	projectRoot: string,
	lookups: readonly Record<string, string>[],
	options: { readonly signal?: AbortSignal | undefined; readonly env?: NodeJS.ProcessEnv },
): Promise<Looked[]> {
	const venv = projectEnvironment(projectRoot);
	const python =
		process.platform === "win32" ? path.join(venv, "Scripts", "python.exe") : path.join(venv, "bin", "python");
	const all = (error: string): Looked[] => lookups.map(() => ({ ok: false, error }));
	if (!existsSync(python)) return all(`no Python environment at ${venv} (hpm sync makes it)`);
	const ran = await captureOnce(python, ["-I", "-c", SCRIPT, JSON.stringify(lookups)], {
		timeout: CHECKS_TIMEOUT_MS,
		env: options.env ?? process.env,
		signal: options.signal,
		orphanGuard: true,
	});
	if (ran.stopped === "timeout") return all(`Python did not finish within ${CHECKS_TIMEOUT_MS / 1000} s`);
	if (ran.stopped === "abort") return all("stopped");
	if (ran.stopped === "output") return all(`Python ${stoppedSentence(ran.stopped, CHECKS_TIMEOUT_MS) ?? ""}`);
	try {
		const parsed: unknown = JSON.parse(ran.stdout);
		if (Array.isArray(parsed) && parsed.length === lookups.length) return parsed.map(asLooked);
	} catch {
		// said below, with Python's last words
	}
	const last = ran.stderr.trim().split("\n").at(-1) ?? "";
	return all(`Python failed (exit ${ran.code ?? ran.signal ?? "?"})${last ? `: ${last.slice(0, 300)}` : ""}`);
}

function asLooked(value: unknown): Looked {
	const record = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
	if (record.ok === true && typeof record.shape === "string")
		return { ok: true, shape: `${record.shape} (${typeof record.type === "string" ? record.type : "?"})` };
	if (record.ok === true)
		return { ok: true, value: typeof record.value === "string" || record.value === null ? record.value : undefined };
	return { ok: false, error: typeof record.error === "string" ? record.error : "no answer" };
}
