import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// Every test process gets its own registry index cache, so no test sees another's.
process.env.HPM_CACHE_DIR ??= mkdtempSync(path.join(tmpdir(), "hpm-cache-"));
