import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * One private temporary folder for the whole run, removed at its end: every test, and every hpm,
 * uv and git it starts, makes its folders there (TMPDIR is inherited), so a run leaves nothing
 * behind in the machine's TMPDIR. At its end the folder must be empty: what a test left there is
 * named and fails the run.
 */
export default function setup(): () => void {
	const outer = tmpdir();
	const run = mkdtempSync(path.join(outer, "hpm-tests-"));
	// others may pass through it (not write): tests acting as another local user reach their folders
	chmodSync(run, 0o755);
	process.env.TMPDIR = run;
	return () => {
		process.env.TMPDIR = outer;
		// every test removes what it made: a folder left here is a leak, named so it can be fixed
		// uv's own inter-process lock files (empty, kept by uv by design, named by a hash) are not a test's
		const left = readdirSync(run).filter((name) => !/^uv-[0-9a-f]{16}\.lock$/.test(name));
		rmSync(run, { recursive: true, force: true, maxRetries: 5 });
		if (left.length === 0) return;
		process.exitCode = 1; // an error here alone would be printed and the run still pass
		throw new Error(
			`the tests left ${left.length} entr${left.length === 1 ? "y" : "ies"} in their temporary folder (each test must remove what it makes): ${left.sort().join(", ")}`,
		);
	};
}
