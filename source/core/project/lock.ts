import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { HpmError } from "../errors.js";

export const LOCK_FILE = ".hpm.lock";

type Owner = { readonly pid: number; readonly host: string; readonly command: string; readonly started: string };

export type ProjectLock = { release(): void };

/**
 * Takes the project lock (`.hpm.lock` beside pyproject.toml, holding the owner's pid), like git's
 * index.lock. A lock whose owner process is gone is stale and taken over. While another live hpm
 * holds it, this waits up to `timeoutMs`, telling the user once, then gives up with a clear error.
 */
export async function lockProject(
	root: string,
	command: string,
	options: { timeoutMs?: number; onWait?: (owner: Owner) => void } = {},
): Promise<ProjectLock> {
	const file = path.join(root, LOCK_FILE);
	const timeoutMs = options.timeoutMs ?? Number(process.env.HPM_LOCK_TIMEOUT_MS ?? 60_000);
	const deadline = Date.now() + timeoutMs;
	let told = false;
	for (;;) {
		const owner: Owner = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
		try {
			const fd = openSync(file, "wx");
			writeSync(fd, `${JSON.stringify(owner)}\n`);
			closeSync(fd);
			let released = false;
			return {
				release: () => {
					if (released) return;
					released = true;
					try {
						if (readOwner(file)?.pid === process.pid) unlinkSync(file);
					} catch {
						// already gone
					}
				},
			};
		} catch (error) {
			if (!isCode(error, "EEXIST")) {
				throw new HpmError("lock-failed", `cannot create ${file}: ${(error as Error).message}`, {
					hint: "check that the project folder is writable",
				});
			}
		}
		const current = readOwner(file);
		// An empty lock file is an owner between creating and filling it, unless it is old.
		const stale = current === undefined ? ageMs(file) > 2_000 : isStale(current);
		if (stale) {
			try {
				unlinkSync(file);
			} catch {
				// someone else removed it first
			}
			continue;
		}
		if (current === undefined) {
			await sleep(50);
			continue;
		}
		if (Date.now() >= deadline) {
			throw new HpmError(
				"locked",
				`another hpm is running in this project (pid ${current.pid}: hpm ${current.command}, since ${current.started})`,
				{
					hint: `wait for it to finish; if no hpm is running, delete ${file}`,
				},
			);
		}
		if (!told) {
			told = true;
			options.onWait?.(current);
		}
		await sleep(100);
	}
}

function ageMs(file: string): number {
	try {
		return Date.now() - statSync(file).mtimeMs;
	} catch {
		return 0;
	}
}

function readOwner(file: string): Owner | undefined {
	try {
		const data = JSON.parse(readFileSync(file, "utf8")) as Partial<Owner>;
		return typeof data.pid === "number" ? (data as Owner) : undefined;
	} catch {
		return undefined;
	}
}

/** A lock is stale when its owner is on this machine and no longer alive. */
function isStale(owner: Owner): boolean {
	if (owner.host !== hostname()) return false;
	try {
		process.kill(owner.pid, 0);
		return false;
	} catch (error) {
		return isCode(error, "ESRCH");
	}
}

function isCode(error: unknown, code: string): boolean {
	return typeof error === "object" && error !== null && "code" in error && error.code === code;
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
