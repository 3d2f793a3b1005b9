import { HpmError } from "../source/core/base/errors.js";

/**
 * What a screen ends with when the person presses Ctrl-C: the command stops with exit code 130,
 * as a shell's Ctrl-C does, and nothing was changed (a cancel with Esc exits 1 instead).
 */
export function interrupted(what = "nothing was changed"): HpmError {
	return new HpmError("interrupted", `interrupted; ${what}`, { exitCode: 130 });
}
