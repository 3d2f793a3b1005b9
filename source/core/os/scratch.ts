import { lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HpmError } from "../base/errors.js";

/** A scratch folder's name: `hpm-<what>-<pid>-XXXXXX`, so a later run can tell whose it was. */
const SCRATCH = /^hpm-[a-z]+-(\d+)-[A-Za-z0-9]{6}$/;

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === "EPERM";
	}
}

/**
 * Removes the scratch folders that runs of hpm killed with SIGKILL left in the temporary folder
 * (their `finally` never ran): only this user's folders (never a link) whose process is gone. A pid
 * reused by a live process keeps its folder for a later run.
 */
export function removeDeadScratch(): void {
	const root = tmpdir();
	let names: string[];
	try {
		names = readdirSync(root);
	} catch {
		return;
	}
	const uid = process.getuid?.();
	for (const name of names) {
		const pid = Number(SCRATCH.exec(name)?.[1] ?? Number.NaN);
		if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
		const folder = path.join(root, name);
		try {
			const stats = lstatSync(folder);
			if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid)) continue;
			rmSync(folder, { recursive: true, force: true });
		} catch {
			// gone meanwhile, or not ours to remove: left as it is
		}
	}
}

/**
 * A new scratch folder for `what` (a lower-case word) in the temporary folder, named for this
 * process. A temporary folder that cannot hold one (TMPDIR names nothing, a file, a read-only
 * folder) is an error naming TMPDIR; callers make the folder before they change anything.
 */
export function makeScratch(what: string): string {
	removeDeadScratch();
	const root = tmpdir();
	try {
		return mkdtempSync(path.join(root, `hpm-${what}-${process.pid}-`));
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
		throw new HpmError("io", `hpm cannot make a scratch folder in the temporary folder ${root} (${reason})`, {
			exitCode: 2,
			hint: `set TMPDIR to a folder you can write to, or unset it (it is ${JSON.stringify(process.env.TMPDIR ?? "")}); nothing was changed`,
		});
	}
}
