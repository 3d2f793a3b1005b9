import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./run.js";
import { REAL_UV, uvEnv, writePackage } from "./uv.js";

/** Builds a wheel of a tiny uv_build package into `into` with the real uv; returns its source folder. */
export function buildWheel(name: string, version: string, into: string): string {
	const source = path.join(tempDir("hpm-wheel-src-"), `${name}-${version}`);
	writePackage(source, name, version);
	execFileSync(REAL_UV, ["build", "--wheel", "-q", "-o", into], {
		cwd: source,
		env: { ...process.env, ...uvEnv() },
		stdio: "ignore",
	});
	return source;
}

/**
 * A PEP 503 "simple" index folder holding each wheel in `wheels` (a folder of .whl files):
 * `simple/<name>/index.html` links each of the package's wheels, as uv reads it over file:// or http.
 */
export function simpleIndex(wheels: string): string {
	const root = tempDir("hpm-index-");
	const byName = new Map<string, string[]>();
	for (const file of readdirSync(wheels).filter((f) => f.endsWith(".whl"))) {
		const name = (file.split("-")[0] ?? "").replace(/_/g, "-").toLowerCase();
		byName.set(name, [...(byName.get(name) ?? []), file]);
	}
	for (const [name, files] of byName) {
		const folder = path.join(root, "simple", name);
		mkdirSync(folder, { recursive: true });
		for (const file of files) copyFileSync(path.join(wheels, file), path.join(folder, file));
		const links = files.map((f) => `<a href="${f}">${f}</a>`).join("\n");
		writeFileSync(path.join(folder, "index.html"), `<html><body>\n${links}\n</body></html>\n`);
	}
	return path.join(root, "simple");
}

/**
 * Serves `folder` over http on 127.0.0.1 (a free port) from a child process: the tests run hpm
 * with spawnSync, which would block a server in the test's own process. Resolves with the URL.
 * `delayMs` holds each answer back, as a slow index does.
 */
export function serveFolder(
	folder: string,
	options: { readonly delayMs?: number } = {},
): Promise<{ readonly url: string; readonly close: () => void }> {
	const script = `
const http = require("node:http"), fs = require("node:fs"), path = require("node:path");
const root = ${JSON.stringify(folder)};
const delay = ${options.delayMs ?? 0};
const server = http.createServer((req, res) => setTimeout(() => {
  const url = decodeURIComponent((req.url || "/").split("?")[0]);
  let file = path.join(root, path.normalize(url));
  if (!file.startsWith(root)) { res.writeHead(403); return res.end(); }
  try { if (fs.statSync(file).isDirectory()) file = path.join(file, "index.html"); fs.accessSync(file); }
  catch { res.writeHead(404); return res.end("not found"); }
  res.writeHead(200, { "content-type": file.endsWith(".html") ? "text/html" : "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
}, delay));
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;
	const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
	return new Promise((resolve, reject) => {
		child.stdout.once("data", (chunk: Buffer) =>
			resolve({ url: `http://127.0.0.1:${chunk.toString().trim()}`, close: () => child.kill() }),
		);
		child.once("exit", (code) => reject(new Error(`the index server exited (${code})`)));
	});
}
