// Loaded with `node --import`: records every module the program loads into $HPM_IMPORT_LOG, so a
// test can prove which packages a command loads: ESM through a resolve hook, CommonJS (hpm's
// bundle is CommonJS) through Module._load, and a bundle the launcher compiles itself through V8's
// code cache (a vm.Script named after its file), as file URLs every way.
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";
import { pathToFileURL } from "node:url";
import vm from "node:vm";

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

const Script = vm.Script;
vm.Script = function (code, options) {
	const file = typeof options === "object" ? options?.filename : options;
	if (log && typeof file === "string" && file.startsWith("/")) appendFileSync(log, `${pathToFileURL(file).href}\n`);
	return new Script(code, options);
};
