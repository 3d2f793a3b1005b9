import { execSync, spawn } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./run.js";
import { REAL_UV } from "./uv.js";

/**
 * Serves `root` over http on 127.0.0.1 from a child process (hpm runs with spawnSync, which would
 * block a server in the test's own process): paths holding `.git/` through `git http-backend`
 * (git's smart http), anything else as files. Every path prefix in `auth` answers only a request
 * with that `user:password` as Basic authorization (401 otherwise, as a hosting service does).
 */
export function serveWithAuth(
	root: string,
	auth: Record<string, string>,
): Promise<{ readonly url: string; readonly close: () => void }> {
	const script = `
const http = require("node:http"), fs = require("node:fs"), path = require("node:path"), { spawn } = require("node:child_process");
const root = ${JSON.stringify(root)}, auth = ${JSON.stringify(auth)};
const server = http.createServer((req, res) => {
  const url = new URL(req.url || "/", "http://127.0.0.1");
  const prefix = Object.keys(auth).find((p) => url.pathname.startsWith(p));
  if (prefix === undefined) { res.writeHead(404); return res.end(); }
  if (req.headers.authorization !== "Basic " + Buffer.from(auth[prefix]).toString("base64")) {
    res.writeHead(401, { "www-authenticate": 'Basic realm="test"' }); return res.end();
  }
  if (url.pathname.includes(".git/")) {
    const cgi = spawn("git", ["http-backend"], { env: { PATH: process.env.PATH, GIT_PROJECT_ROOT: root, GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: decodeURIComponent(url.pathname), QUERY_STRING: url.search.slice(1), REQUEST_METHOD: req.method,
      CONTENT_TYPE: req.headers["content-type"] || "", HTTP_CONTENT_ENCODING: req.headers["content-encoding"] || "",
      GIT_PROTOCOL: req.headers["git-protocol"] || "", REMOTE_ADDR: "127.0.0.1" } });
    req.pipe(cgi.stdin);
    const chunks = [];
    cgi.stdout.on("data", (c) => chunks.push(c));
    cgi.on("close", () => {
      const out = Buffer.concat(chunks);
      let end = out.indexOf("\\r\\n\\r\\n"), skip = 4;
      if (end === -1) { end = out.indexOf("\\n\\n"); skip = 2; }
      const headers = {}; let status = 200;
      for (const line of out.subarray(0, end).toString().split(/\\r?\\n/)) {
        const i = line.indexOf(":"); if (i === -1) continue;
        const name = line.slice(0, i).trim().toLowerCase(), value = line.slice(i + 1).trim();
        if (name === "status") status = Number.parseInt(value, 10); else headers[name] = value;
      }
      res.writeHead(status, headers); res.end(out.subarray(end + skip));
    });
    return;
  }
  let file = path.join(root, path.normalize(decodeURIComponent(url.pathname)));
  try { if (fs.statSync(file).isDirectory()) file = path.join(file, "index.html"); fs.accessSync(file); }
  catch { res.writeHead(404); return res.end("not found"); }
  res.writeHead(200, { "content-type": file.endsWith(".html") ? "text/html" : "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;
	const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
	return new Promise((resolve, reject) => {
		child.stdout.once("data", (chunk: Buffer) =>
			resolve({ url: `http://127.0.0.1:${chunk.toString().trim()}`, close: () => child.kill() }),
		);
		child.once("exit", (code) => reject(new Error(`the test server exited (${code})`)));
	});
}

/**
 * A folder of `git` and `uv` that log their argv and the NAMES of their environment variables to
 * one file, then exec the real program: what any local user could read in /proc, written down.
 */
export function loggingWrappers(): { readonly path: string; readonly log: () => string } {
	const dir = tempDir("hpm-wrappers-");
	const log = path.join(dir, "calls.log");
	const realGit = execSync("command -v git", { encoding: "utf8" }).trim();
	for (const [name, real] of [
		["git", realGit],
		["uv", REAL_UV],
	] as const) {
		const file = path.join(dir, name);
		writeFileSync(
			file,
			`#!/bin/sh\n{ printf '%s argv:' '${name}'; for a in "$@"; do printf ' [%s]' "$a"; done; printf '\\n%s env:' '${name}'; env | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/ \\1/p' | tr -d '\\n'; printf '\\n'; } >> '${log}'\nexec '${real}' "$@"\n`,
		);
		chmodSync(file, 0o755);
	}
	return { path: dir, log: () => (existsSync(log) ? readFileSync(log, "utf8") : "") };
}
