#!/usr/bin/env node
// `npm start`: opens the full-screen UI on the bundled example, or lists it when there is no terminal.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const interactive = process.stdin.isTTY && process.stdout.isTTY;
const args = interactive ? ["ui"] : ["list"];
const env = { ...process.env };
if (interactive) delete env.CI; // npm sets nothing here, but some shells export CI
const result = spawnSync(process.execPath, [path.join(root, "dist/hpm.js"), ...args], {
	cwd: path.join(root, "registry-examples"),
	stdio: "inherit",
	env,
});
process.exit(result.status ?? 1);
