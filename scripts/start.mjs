#!/usr/bin/env node
// `npm start`: opens the full-screen UI on a scratch copy of the bundled example (or lists it when
// there is no terminal). The copy lives in $TMPDIR/hpm-example and is made fresh on every start, so
// picks and syncs never write into the checkout.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const scratch = path.resolve(process.env.HPM_EXAMPLE_DIR || path.join(tmpdir(), "hpm-example"));
// only a copy this script made (it carries MARKER) or an empty folder is ever replaced
const MARKER = ".hpm-example-copy";
if (existsSync(scratch)) {
	if (!statSync(scratch).isDirectory()) {
		console.error(`${scratch} is not a folder; choose another: HPM_EXAMPLE_DIR=/some/new/folder npm start`);
		process.exit(2);
	}
	// a copy holds the example's own entries and what hpm and uv make in it, nothing else
	const own = new Set([...readdirSync(path.join(root, "registry-examples")), MARKER, ".venv", "uv.lock", ".hpm.lock"]);
	const entries = readdirSync(scratch);
	const foreign = entries.filter((name) => !own.has(name) && !name.startsWith(".hpm"));
	if (entries.length > 0 && (!entries.includes(MARKER) || foreign.length > 0)) {
		console.error(
			`${scratch} holds files that are not a copy of the example; npm start replaces only its own copies.\nChoose another folder: HPM_EXAMPLE_DIR=/some/new/folder npm start`,
		);
		process.exit(2);
	}
	rmSync(scratch, { recursive: true, force: true });
}
cpSync(path.join(root, "registry-examples"), scratch, {
	recursive: true,
	filter: (source) => !/[\\/](\.venv|uv\.lock|__pycache__|\.hpm[^\\/]*)$/.test(source),
});
writeFileSync(
	path.join(scratch, MARKER),
	"a copy of registry-examples made by npm start; it is replaced on every start\n",
);
const interactive = process.stdin.isTTY && process.stdout.isTTY;
const args = interactive ? ["ui"] : ["list"];
const env = { ...process.env };
if (interactive) delete env.CI; // npm sets nothing here, but some shells export CI
console.error(`the example: ${scratch} (a fresh copy; the checkout is never changed)`);
const result = spawnSync(process.execPath, [path.join(root, "dist/hpm.js"), ...args], {
	cwd: scratch,
	stdio: "inherit",
	env,
});
process.exit(result.status ?? 1);
