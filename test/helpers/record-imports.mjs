// Loaded with `node --import`: records every module the program loads into $HPM_IMPORT_LOG, so a
// test can prove which packages a command loads: ESM through a resolve hook, CommonJS (hpm's
// bundle is CommonJS) through Module._load, as file URLs either way.
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";
import { pathToFileURL } from "node:url";

const log = process.env.HPM_IMPORT_LOG;
register("./record-imports-hooks.mjs", import.meta.url, { data: { log } });

const load = Module._load;
Module._load = function (request, parent, isMain) {
	if (log) {
		try {
			const file = Module._resolveFilename(request, parent, isMain);
			appendFileSync(log, `${file.startsWith("/") ? pathToFileURL(file).href : file}\n`);
		} catch {
			// the real load reports it
		}
	}
	return load.apply(this, arguments);
};
