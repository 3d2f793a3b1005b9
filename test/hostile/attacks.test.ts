import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
	chmodSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	statSync,
	symlinkSync,
	utimesSync,
	writeFileSync,
} from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, copyExample, hpm, snapshot, tempDir } from "../helpers/run.js";
import { REAL_UV, slowPackage, uvEnv } from "../helpers/uv.js";

/**
 * Attacks on the safety net itself (issue 10): each names the class it stands for. Every one
 * must end with a clear message, the right exit code, no stack trace and nothing a user wrote lost.
 */
const reg = (dir: string, file: string) => path.join(dir, "registry", file);
const noTrace = (text: string) => expect(text).not.toMatch(/\n\s+at [\w.<]+ \(|node:internal/);
const ESC = "\u001b";
/** The built hpm with a deadline: a hang fails the test instead of stalling the suite. */
const timed = (args: string[], dir: string, env: NodeJS.ProcessEnv = {}) =>
	spawnSync(process.execPath, [BIN, ...args], {
		cwd: dir,
		encoding: "utf8",
		timeout: 20_000,
		env: { ...process.env, NO_COLOR: "1", ...env },
	});

describe("injection through the registry is refused at load, by lint and by registry add", () => {
	it.each([
		["a newline in a local path (a second requirements line)", 'path: "../../packages/metric_bleu\\n./packages/evil"'],
		["a tab in a local path", 'path: "../../packages/metric_bleu\\t-e ."'],
		["a # in a local path", 'path: "../../packages/metric_bleu#egg=evil"'],
	])("%s", (_what, line) => {
		const dir = copyExample();
		const file = reg(dir, "packages/metric-bleu.yaml");
		writeFileSync(file, readFileSync(file, "utf8").replace(/path: "[^"]*"/, line));
		for (const args of [["sync"], ["check"], ["registry", "lint"]]) {
			const result = hpm(args, { cwd: dir, env: uvEnv() });
			expect(result.code, args.join(" ")).not.toBe(0);
			expect(result.stdout + result.stderr).toMatch(
				/registry\/packages\/metric-bleu\.yaml:\d+:\d+: sources\.\w+\.path must not contain/,
			);
			noTrace(result.stderr);
		}
		expect(existsSync(path.join(dir, "uv.lock"))).toBe(false);
	});

	it.each([
		["#subdirectory=../../.. smuggled in a URL", "https://example.org/repo.git#subdirectory=../../.."],
		["a query in a URL", "https://example.org/repo.git?x=1"],
		["an escape in a URL", "https://example.org/repo\\e]52;c;ZXZpbA==\\a.git"],
	])("git URL with %s", (_what, url) => {
		const dir = copyExample();
		writeFileSync(
			reg(dir, "packages/metric-bleu.yaml"),
			`name: "metric-bleu"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "git"\n    url: "${url}"\n`,
		);
		const lint = hpm(["registry", "lint"], { cwd: dir });
		expect(lint.code).toBe(1);
		expect(lint.stdout).toMatch(/metric-bleu\.yaml:6:\d+: sources\.prod\.url must not contain/);
		expect(lint.stdout).not.toContain(ESC);
		const add = hpm(
			["registry", "add", "--name", "x", "--version", "1", "--url", url.replace(/\\e/g, ESC).replace(/\\a/g, "\u0007")],
			{
				cwd: dir,
			},
		);
		expect(add.code).toBe(2);
		expect(add.stderr).toContain("--url must not contain");
		expect(add.stderr).not.toContain(ESC);
	});

	it("registry add refuses a subdirectory that leaves the repository", () => {
		const dir = copyExample();
		const add = hpm(
			[
				"registry",
				"add",
				"--name",
				"x",
				"--version",
				"1",
				"--url",
				"https://e.org/r.git",
				"--subdirectory",
				"../../etc",
			],
			{ cwd: dir },
		);
		expect(add.code).toBe(2);
		expect(add.stderr).toContain('--subdirectory must not contain ".."');
		expect(existsSync(reg(dir, "packages/x.yaml"))).toBe(false);
	});
});

describe("terminal injection: text from files is shown escaped", () => {
	const hostile = `evil${ESC}]52;c;ZXZpbA==\u0007${ESC}[2J${ESC}[31mred\u009b1m\u202eend`;
	const setup = () => {
		const dir = copyExample();
		const file = reg(dir, "packages/metric-rouge.yaml");
		writeFileSync(
			file,
			readFileSync(file, "utf8")
				.replace(/description: "[^"]*"/, `description: ${JSON.stringify(hostile)}`)
				.replace(/version: "[^"]*"/, `version: "0.1.0${ESC}[8m"`),
		);
		return dir;
	};

	it.each([[["list"]], [["search", "rouge"]], [["show", "metric-rouge"]], [["show", "metrics"]]])(
		"hpm %s prints no control character, in text and JSON",
		(args) => {
			const dir = setup();
			const text = hpm(args, { cwd: dir, env: { NO_COLOR: "1" } });
			expect(text.code, text.stderr).toBe(0);
			expect(text.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
			if (args[0] !== "show" || args[1] === "metric-rouge")
				expect(text.stdout).toContain("evil\\x1b]52;c;ZXZpbA==\\x07");
			const json = hpm([...args, "--json"], { cwd: dir });
			expect(json.code).toBe(0);
			expect(json.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
			// what a script gets out of the JSON (jq -r) is escaped too
			expect(JSON.stringify(JSON.parse(json.stdout))).not.toContain("\\u001b");
		},
	);
});

describe("secrets and special files in the registry", () => {
	it("a manifest that links to a private key outside the registry is refused unread, and never cached", () => {
		const dir = copyExample();
		const secret = path.join(tempDir("hpm-secret-"), "id_ed25519");
		writeFileSync(secret, "-----BEGIN OPENSSH PRIVATE KEY-----\nSECRETSECRET\n", { mode: 0o600 });
		symlinkSync(secret, reg(dir, "packages/stolen.yaml"));
		const cache = tempDir("hpm-cache-");
		for (const args of [
			["list"],
			["list", "--json"],
			["registry", "lint"],
			["registry", "lint", "--json"],
			["show", "stolen"],
		]) {
			const result = hpm(args, { cwd: dir, env: { HPM_CACHE_DIR: cache } });
			// no project uses it: list shows the rest and warns, lint and show refuse it; never its contents
			expect(result.code, args.join(" ")).toBe(args[0] === "list" ? 0 : args[0] === "show" ? 2 : 1);
			if (args[0] !== "list" || args.includes("--json"))
				expect(result.stdout + result.stderr).toContain("is a link to a file outside");
			expect(result.stdout + result.stderr).not.toContain("SECRET");
		}
		// every file hpm keeps (the index, the key, compiled code in code/) is private and holds no secret
		const kept = readdirSync(cache, { recursive: true, encoding: "utf8" }).map((name) => path.join(cache, name));
		expect(kept.some((file) => file.includes(`${path.sep}code${path.sep}`))).toBe(true);
		for (const file of kept) {
			expect(statSync(file).mode & 0o077).toBe(0);
			if (statSync(file).isFile()) expect(readFileSync(file, "latin1")).not.toContain("SECRET");
		}
	});

	it("a manifest that is a named pipe is refused at once, not waited on", () => {
		const dir = copyExample();
		execFileSync("mkfifo", [reg(dir, "packages/pipe.yaml")]);
		const result = timed(["registry", "lint"], dir);
		expect(result.status).toBe(1);
		expect(result.stdout).toContain("pipe.yaml: is not a regular file");
	});

	it("a manifest that links to /dev/zero is refused without reading it", () => {
		const dir = copyExample();
		symlinkSync("/dev/zero", reg(dir, "packages/zero.yaml"));
		const result = timed(["registry", "lint"], dir);
		expect(result.status).toBe(1);
		expect(result.stdout).toContain("zero.yaml: is a link to a file outside");
	});

	it("a cache file someone else could have written is not believed", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-cache-");
		expect(hpm(["list"], { cwd: dir, env: { HPM_CACHE_DIR: cache } }).code).toBe(0);
		const name = readdirSync(cache).find((f) => f.startsWith("registry-"));
		if (!name) throw new Error("no cache written");
		const file = path.join(cache, name);
		// a forged entry: a local path with a newline, which the loader refuses
		const original = readFileSync(file, "utf8");
		const forged = original.replace('"rawPath":"../../packages/metric_bleu"', '"rawPath":"x\\n-e /tmp"');
		expect(forged).not.toBe(original);
		writeFileSync(file, forged);
		const result = hpm(["show", "metric-bleu", "--json"], { cwd: dir, env: { HPM_CACHE_DIR: cache } });
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).sources.prod.path).toBe("../../packages/metric_bleu");
	});
});

describe("wrong verdicts", () => {
	it("a U+FFFD written in a description is text, not bad UTF-8", () => {
		const dir = copyExample();
		const file = reg(dir, "packages/metric-rouge.yaml");
		writeFileSync(
			file,
			readFileSync(file, "utf8").replace(/description: "[^"]*"/, 'description: "replacement \uFFFD char"'),
		);
		const result = hpm(["show", "metric-rouge", "--json"], { cwd: dir });
		expect(result.code, result.stderr).toBe(0);
		expect(JSON.parse(result.stdout).description).toBe("replacement \uFFFD char");
	});

	it("two selection keys that name one group are an error at the second key's line", () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(
			file,
			readFileSync(file, "utf8").replace(
				"[tool.hpm.groups]\n",
				'[tool.hpm.groups]\nInference = "vlm-adapter-deepseek"\n',
			),
		);
		const result = hpm(["list"], { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/pyproject\.toml:\d+:\d+: \[tool\.hpm\.groups\] names group "inference" twice/);
	});

	it("a uv that exits 0 without doing anything is caught: sync fails and restores", () => {
		const dir = copyExample();
		const bin = tempDir("hpm-lying-uv-");
		writeFileSync(
			path.join(bin, "uv"),
			`#!/bin/sh\n# lies about \`uv add\`; everything else is the real uv\nif [ "$1" = "add" ]; then exit 0; fi\nexec "${REAL_UV}" "$@"\n`,
			{ mode: 0o755 },
		);
		const before = readFileSync(path.join(dir, "pyproject.toml"));
		const result = hpm(["sync"], { cwd: dir, env: { ...uvEnv(), PATH: `${bin}:${process.env.PATH}` } });
		expect(result.code).toBe(1);
		expect(result.stderr).toContain("uv reported success, but vlm-adapter-qwen is not in [project.dependencies]");
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(before);
		expect(existsSync(path.join(dir, ".hpm.journal.json"))).toBe(false);
	});

	it.each([
		["writes no lock", 'rm -f "$dir/uv.lock"'],
		["leaves the lock it was given", ":"],
		["writes something that is no lock", 'echo hello > "$dir/uv.lock"'],
	])("a `uv lock` that exits 0 but %s does not pass the check", (_, act) => {
		const dir = copyExample();
		// a real lock first, so that the lie has a lock to leave in place
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		expect(hpm(["group", "add", "metrics", "--option", "metric-rouge"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const bin = tempDir("hpm-lying-lock-");
		writeFileSync(
			path.join(bin, "uv"),
			`#!/bin/sh\n# lies about \`uv lock\`; everything else is the real uv\nif [ "$1" = "lock" ]; then dir="$5"; ${act}; echo "Resolved 4 packages in 1ms" >&2; exit 0; fi\nexec "${REAL_UV}" "$@"\n`,
			{ mode: 0o755 },
		);
		const before = snapshot(dir);
		const result = hpm(["check"], { cwd: dir, env: { ...uvEnv(), PATH: `${bin}:${process.env.PATH}` } });
		expect(result.code, result.stdout + result.stderr).toBe(1);
		expect(result.stdout + result.stderr).toMatch(
			/uv lock exited 0 but .*the check cannot tell whether the selection resolves/,
		);
		expect(snapshot(dir)).toEqual(before);
		// the real uv: the same project checks fine
		expect(hpm(["check"], { cwd: dir, env: uvEnv() }).code).toBe(0);
	});

	it.each([
		["check", "SIGINT", 130],
		["sync", "SIGINT", 130],
		["check", "SIGTERM", 143],
	] as const)(
		"hpm %s given %s while uv tells its version: interrupted (exit %i), not a broken uv, nothing changed",
		async (command, signal, code) => {
			const dir = copyExample();
			const bin = tempDir("hpm-slow-version-");
			const asked = path.join(bin, "asked");
			writeFileSync(
				path.join(bin, "uv"),
				`#!/bin/sh\nif [ "$1 $2" = "self version" ]; then touch "${asked}"; sleep 30; fi\nexec "${REAL_UV}" "$@"\n`,
				{ mode: 0o755 },
			);
			const before = snapshot(dir);
			// its own process group, as a terminal's foreground job: the signal reaches hpm and uv alike
			const child = spawn(process.execPath, [BIN, command], {
				cwd: dir,
				detached: true,
				env: { ...uvEnv(), PATH: `${bin}:${process.env.PATH}`, HPM_CACHE_DIR: tempDir("hpm-cache-"), NO_COLOR: "1" },
			});
			let output = "";
			child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
			child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
			const exited = new Promise<number | null>((resolve) => child.on("close", (status) => resolve(status)));
			const deadline = Date.now() + 60_000;
			while (!existsSync(asked) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
			process.kill(-(child.pid ?? 0), signal);
			expect(await exited, output).toBe(code);
			expect(output).toContain("interrupted while asking uv its version; nothing was changed");
			expect(output).not.toContain("failed");
			expect(snapshot(dir)).toEqual(before);
		},
	);

	it("a signing key others can read stops a writing command before anything changes, naming the file and the fix", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-open-key-");
		writeFileSync(path.join(cache, "hpm.key"), Buffer.alloc(32, 7), { mode: 0o644 });
		chmodSync(path.join(cache, "hpm.key"), 0o644);
		const before = snapshot(dir);
		const result = hpm(["sync"], { cwd: dir, env: { ...uvEnv(), HPM_CACHE_DIR: cache } });
		expect(result.code).toBe(2);
		const key = path.join(cache, "hpm.key");
		expect(result.stderr).toContain(
			`error: hpm cannot sign its journal: ${key} can be read or written by others (mode 644): run \`chmod 600 ${key}\`, or remove it`,
		);
		expect(snapshot(dir)).toEqual(before);
	});

	it("a failing `uv self version` on a new uv is reported as what it is, not as too old", () => {
		const dir = copyExample();
		const bin = tempDir("hpm-broken-uv-");
		writeFileSync(
			path.join(bin, "uv"),
			`#!/bin/sh\nif [ "$1 $2" = "self version" ]; then echo "error: permission denied reading receipt" >&2; exit 2; fi\nexec "${REAL_UV}" "$@"\n`,
			{ mode: 0o755 },
		);
		const result = hpm(["sync"], { cwd: dir, env: { ...uvEnv(), PATH: `${bin}:${process.env.PATH}` } });
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(
			/`uv self version` failed \(uv \d+\.\d+\.\d+\): error: permission denied reading receipt/,
		);
		expect(result.stderr).not.toContain("too old");
	});

	it("uv's version is remembered for a binary only: a wrapper that runs another uv is asked every time", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-probe-cache-");
		const bin = tempDir("hpm-uv-wrapper-");
		const old = path.join(bin, "old-uv");
		writeFileSync(old, '#!/bin/sh\necho \'{"version": "0.5.0"}\'\n', { mode: 0o755 });
		writeFileSync(path.join(bin, "uv"), `#!/bin/sh\nexec "\${UVTARGET:-${REAL_UV}}" "$@"\n`, { mode: 0o755 });
		const env = (extra: NodeJS.ProcessEnv = {}) => ({
			...uvEnv(),
			HPM_CACHE_DIR: cache,
			PATH: `${bin}:${process.env.PATH}`,
			...extra,
		});
		expect(hpm(["check"], { cwd: dir, env: env() }).code).toBe(0);
		const swapped = hpm(["check"], { cwd: dir, env: env({ UVTARGET: old }) });
		expect(swapped.code).toBe(1);
		expect(swapped.stdout).toContain("uv 0.5.0 is too old");
		// the real binary named directly is remembered (its file identity is the key)
		expect(hpm(["check"], { cwd: dir, env: env({ HPM_UV: REAL_UV }) }).code).toBe(0);
		const remembered = readFileSync(path.join(cache, "uv-version.json"), "utf8");
		expect(remembered).toContain(JSON.stringify(REAL_UV).slice(1, -1));
		expect(remembered).not.toContain(bin);
	});

	it("HPM_UV: empty is unset; a path that is not a program is named as such", () => {
		const dir = copyExample();
		expect(hpm(["check"], { cwd: dir, env: { ...uvEnv(), HPM_UV: "" } }).code).toBe(0);
		const missing = hpm(["check"], { cwd: dir, env: { ...uvEnv(), HPM_UV: "/nonexistent/uv" } });
		expect(missing.code).toBe(1);
		expect(missing.stdout).toContain("HPM_UV=/nonexistent/uv: no such program");
		expect(missing.stdout).not.toContain("not found on PATH");
	});
});

describe("locks never hang", () => {
	it("a lock that is a folder is an error with the fix", () => {
		const dir = copyExample();
		mkdirSync(path.join(dir, ".hpm.lock"));
		const result = timed(["group", "add", "metrics", "-o", "metric-rouge"], dir);
		expect(result.status).toBe(2);
		expect(result.stderr).toContain(".hpm.lock is not hpm's lock file (it is a folder)");
	});

	it("an empty lock with a future time is taken over, not waited on forever", () => {
		const dir = copyExample();
		const lock = path.join(dir, ".hpm.lock");
		writeFileSync(lock, "");
		const future = new Date(Date.now() + 3600_000);
		utimesSync(lock, future, future);
		const result = timed(["group", "add", "metrics", "-o", "metric-rouge"], dir);
		expect(result.status, result.stderr).toBe(0);
	});

	it("an invalid HPM_LOCK_TIMEOUT_MS is an error naming it", () => {
		const dir = copyExample();
		const result = timed(["group", "add", "metrics", "-o", "metric-rouge"], dir, { HPM_LOCK_TIMEOUT_MS: "soon" });
		expect(result.status).toBe(2);
		expect(result.stderr).toContain('HPM_LOCK_TIMEOUT_MS must be a whole number of milliseconds, got "soon"');
	});

	it("Ctrl-C while a sync waits for the lock ends the wait at once", async () => {
		const dir = copyExample();
		const holder = spawn("sleep", ["30"]);
		writeFileSync(
			path.join(dir, ".hpm.lock"),
			JSON.stringify({
				pid: holder.pid,
				host: execFileSync("hostname", { encoding: "utf8" }).trim(),
				command: "sync",
				started: "then",
			}),
		);
		const started = Date.now();
		const child = spawn(process.execPath, [BIN, "sync"], {
			cwd: dir,
			env: { ...process.env, HPM_LOCK_TIMEOUT_MS: "20000" },
		});
		let stderr = "";
		let sent = false;
		child.stderr.on("data", (chunk: Buffer) => {
			stderr += chunk.toString();
			// one Ctrl-C, once hpm says it waits (a second one would race hpm's own exit)
			if (!sent && stderr.includes("waiting for another hpm")) {
				sent = true;
				child.kill("SIGINT");
			}
		});
		const [code, killedBy] = await new Promise<[number | null, string | null]>((resolve) =>
			child.on("close", (status, signal) => resolve([status, signal])),
		);
		expect(killedBy, stderr).toBeNull();
		holder.kill();
		expect(code).toBe(130);
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(stderr).not.toContain("$ uv");
	});

	it("a lock held by a live process ends at the deadline with who holds it", () => {
		const dir = copyExample();
		const holder = spawn("sleep", ["30"]);
		writeFileSync(
			path.join(dir, ".hpm.lock"),
			JSON.stringify({
				pid: holder.pid,
				host: execFileSync("hostname", { encoding: "utf8" }).trim(),
				command: "sync",
				started: "then",
			}),
		);
		const result = timed(["group", "add", "metrics", "-o", "metric-rouge"], dir, { HPM_LOCK_TIMEOUT_MS: "500" });
		holder.kill();
		expect(result.status).toBe(2);
		expect(result.stderr).toContain(`another hpm is running in this project (pid ${holder.pid}: hpm sync`);
	});
});

describe("only hpm's own processes are signalled", () => {
	it("a journal shipped by someone else (a cloned repository) naming a live process is never applied", async () => {
		const dir = copyExample();
		const innocent = spawn("sleep", ["30"], { detached: true });
		const hash = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
		const body = {
			version: 2,
			owner: { pid: 999_999, start: "x:1" },
			host: execFileSync("hostname", { encoding: "utf8" }).trim(),
			command: "sync",
			started: "2026-01-01T00:00:00.000Z",
			files: {
				pyproject: { before: hash(path.join(dir, "pyproject.toml")), backup: null, written: [] },
				lock: { before: null, backup: null, written: [] },
			},
			running: { pid: innocent.pid, start: "not-its-start-time:1", token: "0123456789abcdef" },
		};
		const text = JSON.stringify(body);
		writeFileSync(
			path.join(dir, ".hpm.journal.json"),
			JSON.stringify({ body, checksum: createHash("sha256").update(text).digest("hex") }),
		);
		const result = hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
		expect(result.code, result.stderr).toBe(0);
		// not signed with this user's key: set aside, never applied, nobody signalled
		expect(result.stderr).toContain("set aside .hpm.journal.json: its signature does not match");
		expect(innocent.exitCode).toBeNull();
		expect(() => process.kill(innocent.pid ?? 0, 0)).not.toThrow();
		innocent.kill();
	});
});

describe("ordinary events never leave a half-applied state", () => {
	it("SIGHUP (terminal closed) during a sync restores the files and exits 129", async () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		slowPackage(dir);
		hpm(["group", "add", "metrics", "-o", "metric-slow"], { cwd: dir });
		const before = {
			pyproject: readFileSync(path.join(dir, "pyproject.toml")),
			lock: readFileSync(path.join(dir, "uv.lock")),
		};
		const child = spawn(process.execPath, [BIN, "sync"], { cwd: dir, env: { ...process.env, ...uvEnv() } });
		const code = await new Promise<number | null>((resolve) => {
			let stderr = "";
			let sent = false;
			child.stderr.on("data", (chunk: Buffer) => {
				stderr += chunk.toString();
				if (!sent && stderr.includes("$ uv add")) {
					sent = true; // one signal: a second one would race hpm's own exit
					setTimeout(() => child.kill("SIGHUP"), 500);
				}
			});
			child.on("close", (status) => resolve(status));
		});
		expect(code).toBe(129);
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(before.pyproject);
		expect(readFileSync(path.join(dir, "uv.lock"))).toEqual(before.lock);
		expect(existsSync(path.join(dir, ".hpm.journal.json"))).toBe(false);
		expect(existsSync(path.join(dir, ".hpm.lock"))).toBe(false);
		expect(readdirSync(dir).filter((f) => f.includes(".hpm-"))).toEqual([]);
	});

	it("a reader that goes away (hpm sync | head -1) does not stop the sync half-way", () => {
		const dir = copyExample();
		const result = spawnSync(
			"sh",
			["-c", `"${process.execPath}" "${BIN}" sync 2>&1 | head -1; echo "status \${PIPESTATUS:-}"`],
			{
				cwd: dir,
				encoding: "utf8",
				env: { ...process.env, ...uvEnv(), NO_COLOR: "1" },
			},
		);
		noTrace(result.stdout);
		expect(result.stdout.split("\n")[0]).toBe("plan (mode prod):");
		expect(existsSync(path.join(dir, ".hpm.journal.json"))).toBe(false);
		expect(existsSync(path.join(dir, ".hpm.lock"))).toBe(false);
		// the sync finished: the next one has nothing to do
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).stdout).toContain("nothing to do");
	});
});
