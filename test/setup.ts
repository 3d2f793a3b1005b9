import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { realUv } from "../scripts/real-uv.mjs";
import { removeTempDirs } from "./helpers/run.js";
import { TERMINAL_BASELINE, TERMINAL_VARIABLES } from "./helpers/terminal.js";

// The caller's terminal settings never reach a test: every test process starts from one known
// terminal (colour allowed, UTF-8, not CI), and a test that is about one of them sets it itself.
// Without this, `NO_COLOR=1 npm test` or a CI's `CI=true`/`TERM=dumb` changed what hpm draws.
for (const name of TERMINAL_VARIABLES) delete process.env[name];
Object.assign(process.env, TERMINAL_BASELINE);

// Every test process gets its own registry index cache, so no test sees another's.
if (process.env.HPM_CACHE_DIR === undefined) {
	const cache = mkdtempSync(path.join(tmpdir(), "hpm-cache-"));
	process.env.HPM_CACHE_DIR = cache;
	afterAll(() => {
		rmSync(cache, { recursive: true, force: true, maxRetries: 5 });
		delete process.env.HPM_CACHE_DIR;
	});
}

// every folder a test made with tempDir goes when its file ends (global-setup.ts checks that none is left)
afterAll(() => removeTempDirs());

// uv's own binary first on PATH: a version manager's shim in front of it would add its own cost
// (and its own reading of .python-version) to every uv call of every test. Resolved once per run.
process.env.HPM_TEST_UV_DIR ??= path.dirname(realUv());
if (!process.env.PATH?.startsWith(`${process.env.HPM_TEST_UV_DIR}${path.delimiter}`))
	process.env.PATH = `${process.env.HPM_TEST_UV_DIR}${path.delimiter}${process.env.PATH ?? ""}`;
