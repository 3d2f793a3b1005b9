import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * One private temporary folder for the whole run, removed at its end: every test, and every hpm,
 * uv and git it starts, makes its folders there (TMPDIR is inherited), so a run leaves nothing
 * behind in the machine's TMPDIR, whatever a test forgets to remove.
 */
export default function setup(): () => void {
	const outer = tmpdir();
	const run = mkdtempSync(path.join(outer, "hpm-tests-"));
	// others may pass through it (not write): tests acting as another local user reach their folders
	chmodSync(run, 0o755);
	process.env.TMPDIR = run;
	return () => {
		process.env.TMPDIR = outer;
		rmSync(run, { recursive: true, force: true });
	};
}
