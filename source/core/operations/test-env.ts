import { redactSecrets } from "../base/secrets.js";
import {
	existsSync,
	mkdtempSync,
	readdirSync,
	realpathSync,
	renameSync,
	rmSync,
	writeFileSync,
	writeSync,
} from "node:fs";
import path from "node:path";
import { HPM_VERSION } from "../base/version.js";
import { HpmError } from "../base/errors.js";
import { cacheFolder, makeCacheFolder, prepareCacheEntry, trustedCachePath } from "../os/cache-trust.js";
import { nodeCrypto } from "../os/sha256.js";
import { makeScratch } from "../os/scratch.js";
import { drain } from "../plan/events.js";
import type { Project } from "../project/project.js";
import { runUv, type Uv, type UvRun } from "../uv/driver.js";
import { fillScratch, removeScratch } from "./scratch-copy.js";

/**
 * The environments of `hpm test`: one per combination's lock, under hpm's cache folder
 * (`envs/<key>`), keyed by the would-be pyproject.toml, the uv.lock uv made for it, the
 * interpreter, uv's and hpm's versions. An environment is built whole in a temporary folder beside
 * it (`envs/.build-<pid>-XXXXXX`, a relocatable venv) and renamed into place only when every step
 * succeeded, so a half-built one is never found under its key; it is reused while it is there and
 * the cache trust check believes it. The project's own `.venv`, pyproject.toml and uv.lock are
 * never touched: uv syncs from a scratch copy.
 */

/** What uv locked for one combination: the would-be pyproject.toml and its uv.lock. */
export type Locked = { readonly pyproject: string; readonly lock: Buffer };

/** The folder environments live in. */
export function envsFolder(): string {
	return path.join(cacheFolder(), "envs");
}

/** Builds that a killed hpm left (`.build-<pid>-…` whose process is gone) are removed. */
export function removeDeadBuilds(): void {
	let names: string[];
	try {
		names = readdirSync(envsFolder());
	} catch {
		return;
	}
	for (const name of names) {
		const pid = Number(/^\.build-(\d+)-/.exec(name)?.[1] ?? Number.NaN);
		if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
		rmSync(path.join(envsFolder(), name), { recursive: true, force: true });
	}
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === "EPERM";
	}
}

/** The interpreter uv would pick for the project (its `.python-version`, `requires-python`), asked once per run. */
export async function findPython(
	uv: Uv,
	project: Project,
	locked: Locked,
	signal: AbortSignal | undefined,
): Promise<string> {
	const scratch = makeScratch("python");
	try {
		const { here, environment } = fillScratch(project, undefined, scratch);
		writeFileIn(here, "pyproject.toml", locked.pyproject);
		const run = await drain(
			runUv(uv, ["python", "find"], {
				cwd: here,
				readOnly: true,
				signal,
				env: { VIRTUAL_ENV: undefined, UV_PROJECT_ENVIRONMENT: environment },
			}),
			() => undefined,
		);
		if (run.aborted) throw interrupted();
		const found = run.lines.find((line) => path.isAbsolute(line.trim()))?.trim();
		if (run.exitCode !== 0 || !found)
			throw new HpmError("uv-broken", `uv found no Python interpreter for the project: ${run.lines.at(-1) ?? ""}`, {
				hint: "install the Python the project asks for (requires-python, .python-version)",
				exitCode: 1,
			});
		return found;
	} finally {
		removeScratch(scratch);
	}
}

/** The key of a combination's environment: what it is built from. */
export function environmentKey(locked: Locked, python: string, uv: Uv, project: Project): string {
	const hash = nodeCrypto().createHash("sha256");
	for (const [label, value] of [
		["hpm", HPM_VERSION],
		["uv", uv.version],
		["python", python],
		// the interpreter it leads to (a venv's python is a link): a new Python behind the same path is another key
		["interpreter", realOr(python)],
		// the project is installed editable from its working tree: its own pyproject.toml is part of it
		["project", project.text],
		["root", project.root],
		["pyproject", locked.pyproject],
		["lock", locked.lock],
	] as const)
		hash.update(`${label}\0${value.length}\0`).update(value);
	return hash.digest("hex").slice(0, 32);
}

function realOr(file: string): string {
	try {
		return realpathSync(file);
	} catch {
		return file;
	}
}

/** A ready environment at `folder`, or why it could not be made (uv's lines are in the log). */
export type Environment = { readonly folder: string; readonly reused: boolean } | { readonly failed: string };

/**
 * The environment for `locked`: the one under its key when it is there and believed, else built
 * in a temporary folder (uv venv, `uv sync --locked --no-install-project` from a scratch copy, the
 * project editable from its working tree when it is a package) and renamed into place. Every
 * line uv prints goes to `log` (a file descriptor).
 */
export async function environmentFor(
	uv: Uv,
	project: Project,
	locked: Locked,
	python: string,
	log: number,
	signal: AbortSignal | undefined,
	/** The credentials of the registry's sources (git settings, index logins) for uv's runs, never the command's. */
	credentials: Record<string, string> = {},
): Promise<Environment> {
	const folder = path.join(envsFolder(), environmentKey(locked, python, uv, project));
	if (trustedCachePath(folder, "folder") && existsSync(path.join(folder, "pyvenv.cfg")))
		return { folder, reused: true };
	makeCacheFolder(envsFolder());
	const build = mkdtempSync(path.join(envsFolder(), `.build-${process.pid}-`));
	const scratch = makeScratch("testenv");
	try {
		const step = async (args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<UvRun> => {
			say(log, redactSecrets(`$ uv ${args.join(" ")}`));
			const run = await drain(
				runUv(uv, args, { cwd, signal, env: { ...credentials, VIRTUAL_ENV: undefined, ...env } }),
				(event) => {
					if (event.type === "uv-line") say(log, event.line);
				},
			);
			if (run.aborted) throw interrupted();
			return run;
		};
		const failure = (run: UvRun, what: string) =>
			`${what}: ${run.lines.filter((line) => /error|fail/i.test(line))[0] ?? run.lines.at(-1) ?? `uv exited ${run.exitCode}`}`;
		const venv = await step(["venv", "--relocatable", "--quiet", "--python", python, build], scratch, {});
		if (venv.exitCode !== 0) return { failed: failure(venv, "the environment could not be made") };
		const { here } = fillScratch(project, undefined, scratch);
		writeFileIn(here, "pyproject.toml", locked.pyproject);
		writeFileIn(scratch, "uv.lock", locked.lock);
		const sync = await step(["sync", "--locked", "--no-install-project", "--directory", here], here, {
			UV_PROJECT_ENVIRONMENT: build,
		});
		if (sync.exitCode !== 0) return { failed: failure(sync, "the combination could not be installed") };
		if (isPackage(project)) {
			const editable = await step(
				["pip", "install", "--no-deps", "--python", path.join(build, "bin", "python"), "-e", project.root],
				project.root,
				{},
			);
			if (editable.exitCode !== 0) return { failed: failure(editable, "the project could not be installed editable") };
		}
		// into place whole; another hpm that got there first wins, and this build goes
		if (prepareCacheEntry(folder, "folder")) return { folder, reused: true };
		try {
			renameSync(build, folder);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
			return { folder, reused: true };
		}
		return { folder, reused: false };
	} finally {
		removeScratch(scratch);
		rmSync(build, { recursive: true, force: true });
	}
}

/** Whether the project is a package uv installs (it has a build system): then it goes in editable. */
function isPackage(project: Project): boolean {
	const build = project.data["build-system"];
	const tool = project.data.tool as { uv?: { package?: unknown } } | undefined;
	if (tool?.uv?.package === false) return false;
	return (typeof build === "object" && build !== null) || tool?.uv?.package === true;
}

function writeFileIn(folder: string, name: string, data: string | Buffer): void {
	writeFileSync(path.join(folder, name), data);
}

/** One line into a log file descriptor; a log that cannot be written costs the line only. */
export function say(log: number, line: string): void {
	try {
		writeSync(log, `${line}\n`);
	} catch {
		// a full disk: the run goes on
	}
}

const interrupted = () => new HpmError("interrupted", "test interrupted; nothing was changed", { exitCode: 1 });
