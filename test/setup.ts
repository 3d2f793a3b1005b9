import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { realUv } from "../scripts/real-uv.mjs";

// Every test process gets its own registry index cache, so no test sees another's.
process.env.HPM_CACHE_DIR ??= mkdtempSync(path.join(tmpdir(), "hpm-cache-"));

// uv's own binary first on PATH: a version manager's shim in front of it would add its own cost
// (and its own reading of .python-version) to every uv call of every test. Resolved once per run.
process.env.HPM_TEST_UV_DIR ??= path.dirname(realUv());
if (!process.env.PATH?.startsWith(`${process.env.HPM_TEST_UV_DIR}${path.delimiter}`))
	process.env.PATH = `${process.env.HPM_TEST_UV_DIR}${path.delimiter}${process.env.PATH ?? ""}`;
