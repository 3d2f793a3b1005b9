import { existsSync, renameSync, writeFileSync } from "node:fs";

/**
 * Where a test may stop hpm at an exact moment, or make one step fail, through the environment:
 * `HPM_TEST_PAUSE` (a file path) and `HPM_TEST_FAIL` (a step's name). Nothing else sets them;
 * without them each costs one look at a variable.
 */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Holds a checked write between its last check and its rename: writes the target's path to the
 * file `HPM_TEST_PAUSE` names and waits until the test removes it (at most 60 s), so the test can
 * save an edit in exactly that moment.
 */
export function pauseBeforeRename(target: string): void {
	const flag = process.env.HPM_TEST_PAUSE;
	if (!flag) return;
	writeFileSync(`${flag}.${process.pid}`, target);
	renameSync(`${flag}.${process.pid}`, flag); // the test never reads half a name
	const deadline = Date.now() + 60_000;
	while (existsSync(flag) && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 5);
}

/** The failure a test asked for at `step` (a full disk), or undefined. */
export function injectedFailure(step: "history-write"): Error | undefined {
	if (process.env.HPM_TEST_FAIL !== step) return undefined;
	return Object.assign(new Error(`ENOSPC: no space left on device (HPM_TEST_FAIL=${step})`), { code: "ENOSPC" });
}
