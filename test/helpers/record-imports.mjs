// Loaded with `node --import`: records every module URL the program resolves into
// $HPM_IMPORT_LOG, so a test can prove which packages a command loads.
import { register } from "node:module";

register("./record-imports-hooks.mjs", import.meta.url, {
	data: { log: process.env.HPM_IMPORT_LOG },
});
