// The uv binary itself, never a shim in front of it. A version manager's shim (pyenv's is a shell
// script) costs tens of ms per call and reads `.python-version` to choose what to run; tests and
// benchmarks run the binary it would have run.
import { execFileSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";

/** The real uv binary behind `uv` on PATH; throws when there is none. */
export function realUv() {
	const found = realpathSync(execFileSync("sh", ["-c", "command -v uv"], { encoding: "utf8" }).trim());
	if (readFileSync(found).subarray(0, 2).toString("latin1") !== "#!") return found;
	// a script: ask the version manager that wrote it which binary it runs
	try {
		return realpathSync(execFileSync("pyenv", ["which", "uv"], { encoding: "utf8" }).trim());
	} catch {
		throw new Error(`${found} is a script, not uv itself; put the uv binary first on PATH`);
	}
}
