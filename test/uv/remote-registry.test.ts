import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, hpm, tempDir } from "../helpers/run.js";
import { component, manifest, releaseComponent, teamRegistry } from "../helpers/team-registry.js";
import { git, installed, uvEnv, writePackage } from "../helpers/uv.js";

/**
 * A registry shared through git: a bare repository holding `hpm/packages` and `hpm/groups`, whose
 * packages come from other bare repositories. Everything is local (file://), as a team's would be
 * over https or ssh.
 */
const env = uvEnv({ UV_OFFLINE: undefined });

function run(dir: string, args: string[], extra: NodeJS.ProcessEnv = {}) {
	return hpm(args, { cwd: dir, env: { ...env, ...extra } });
}

function ok(dir: string, args: string[], extra: NodeJS.ProcessEnv = {}) {
	const result = run(dir, args, extra);
	expect(result.code, `hpm ${args.join(" ")}: ${result.stderr}`).toBe(0);
	return result;
}

function project(registry: string, groups: string): string {
	const dir = tempDir("hpm-remote-project-");
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\n# the team's registry\nregistry = ${registry}\n\n[tool.hpm.groups]\n${groups}\n`,
	);
	return dir;
}

const pin = (dir: string) =>
	/^registry-rev = "([0-9a-f]{40})"$/m.exec(readFileSync(path.join(dir, "pyproject.toml"), "utf8"))?.[1];

describe("a registry from git, pinned like a lock", () => {
	it("sync pins the commit; check and sync keep to it; registry update shows what moves, then moves it", () => {
		const metric = component("metric-bleu", "0.1.0");
		const team = teamRegistry({
			"hpm/packages/metric-bleu.yaml": manifest("metric-bleu", "0.1.0", metric),
			"hpm/groups/metrics.yaml": "name: metrics\nstrategy: M-of-N\noptions:\n  - name: metric-bleu\n",
		});
		const url = `git+file://${team.bare}@main#subdirectory=hpm`;
		const dir = project(JSON.stringify(url), 'metrics = ["metric-bleu"]');
		ok(dir, ["sync"]);
		const first = pin(dir);
		expect(first).toMatch(/^[0-9a-f]{40}$/);
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toContain("# the team's registry\nregistry = ");
		expect(installed(dir)).toContain("metric-bleu");
		expect(ok(dir, ["sync"]).stdout).toContain("nothing to do");
		expect(ok(dir, ["list"]).stdout).toContain(`at ${first?.slice(0, 12)}`);

		// the team moves on: the project stays where it was pinned, with no fetch
		releaseComponent(metric, "0.2.0");
		const second = team.commit({ "hpm/packages/metric-bleu.yaml": manifest("metric-bleu", "0.2.0", metric) });
		const listed = JSON.parse(ok(dir, ["list", "--json"]).stdout);
		expect(listed.groups[0].options[0].version).toBe("0.1.0");
		expect(ok(dir, ["sync"]).stdout).toContain("nothing to do");

		// update shows what moves for this selection before writing
		const before = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		const dry = ok(dir, ["registry", "update", "--dry-run"]).stdout;
		expect(dry).toContain(`${first?.slice(0, 12)} -> ${second.slice(0, 12)}`);
		expect(dry).toMatch(
			/~ metric-bleu: version 0\.1\.0 -> 0\.2\.0; prod: git .* tag v0\.1\.0 -> git .* tag v0\.2\.0; dev: git .* tag v0\.1\.0 -> git .* tag v0\.2\.0/,
		);
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(before);
		const json = JSON.parse(ok(dir, ["registry", "update", "--json"]).stdout);
		expect(json.pins).toEqual([{ registry: url, from: first, to: second, move: "forward" }]);
		expect(json.changes[0]).toMatchObject({ kind: "changed", name: "metric-bleu" });
		expect(pin(dir)).toBe(second);
		// only the pin's line changed
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(before.replace(first ?? "", second));
		expect(JSON.parse(ok(dir, ["history", "--json"]).stdout).entries[0].summary).toMatch(/^registry update: /);
		ok(dir, ["sync"]);
		const version = execFileSync(
			path.join(dir, ".venv/bin/python"),
			["-c", "import importlib.metadata as m; print(m.version('metric-bleu'))"],
			{ encoding: "utf8" },
		);
		expect(version.trim()).toBe("0.2.0");
		expect(ok(dir, ["registry", "update"]).stdout).toContain("already the newest commit");

		// a teammate's clone: the same environment from the pinned commit, offline once cached
		const mate = tempDir("hpm-teammate-");
		for (const file of ["pyproject.toml", "uv.lock"]) cpSync(path.join(dir, file), path.join(mate, file));
		const cache = tempDir("hpm-teammate-cache-");
		const away = `${team.bare}.away`;
		renameSync(team.bare, away);
		const offline = run(mate, ["sync"], { HPM_CACHE_DIR: cache });
		expect(offline.code).not.toBe(0);
		expect(offline.stderr).toContain(`${url} at commit ${second} is not in hpm's cache`);
		expect(offline.stderr).not.toMatch(/\n\s+at /); // no stack trace
		expect(readFileSync(path.join(mate, "pyproject.toml"), "utf8")).toBe(
			readFileSync(path.join(dir, "pyproject.toml"), "utf8"),
		);
		renameSync(away, team.bare);
		ok(mate, ["sync"], { HPM_CACHE_DIR: cache });
		renameSync(team.bare, away);
		rmSync(path.join(mate, ".venv"), { recursive: true });
		ok(mate, ["sync"], { HPM_CACHE_DIR: cache });
		expect(installed(mate)).toContain("metric-bleu");
		renameSync(away, team.bare);
	}, 180_000);

	it("a pin that is not a commit, or that the remote no longer has, is an error with the way out", () => {
		const metric = component("metric-rouge", "0.1.0");
		const team = teamRegistry({
			"packages/metric-rouge.yaml": manifest("metric-rouge", "0.1.0", metric),
			"groups/metrics.yaml": "name: metrics\nstrategy: M-of-N\noptions:\n  - name: metric-rouge\n",
		});
		const dir = project(JSON.stringify(`git+file://${team.bare}`), 'metrics = ["metric-rouge"]');
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(file, readFileSync(file, "utf8").replace("# the team's", 'registry-rev = "main"\n# the team\'s'));
		const bad = run(dir, ["check"]);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/pyproject\.toml:\d+.*registry-rev "main" is not a full commit id/s);
		const gone = "0123456789abcdef0123456789abcdef01234567";
		writeFileSync(file, readFileSync(file, "utf8").replace('registry-rev = "main"', `registry-rev = "${gone}"`));
		const missing = run(dir, ["check"]);
		expect(missing.code).not.toBe(0);
		expect(missing.stderr).toContain(`at commit ${gone} is not in hpm's cache`);
		expect(missing.stderr).toContain("registry update --force");
		// update repairs it, when told to: a pinned commit the registry does not have is not moved from silently
		const refused = run(dir, ["registry", "update"]);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain(`from ${gone.slice(0, 12)}, which is not in the registry any more`);
		ok(dir, ["registry", "update", "--force"]);
		expect(pin(dir)).toMatch(/^[0-9a-f]{40}$/);
		ok(dir, ["check"]);
		// pins that no longer match the layers (an empty list, one too many): update rewrites them
		const good = pin(dir) ?? "";
		for (const wrong of ["[]", `["${good}", "${good}"]`]) {
			writeFileSync(file, readFileSync(file, "utf8").replace(/^registry-rev = .*$/m, `registry-rev = ${wrong}`));
			const mismatch = run(dir, ["check"]);
			expect(mismatch.code, wrong).toBe(2);
			expect(mismatch.stderr).toMatch(/registry-rev lists \d commits? but \[tool\.hpm\] registry names 1 git registry/);
			ok(dir, ["registry", "update"]);
			expect(pin(dir)).toBe(good);
		}
		// hpm init never replaces the registry a project records
		const init = run(dir, ["init", "--registry", "elsewhere"]);
		expect(init.code).toBe(2);
		expect(init.stderr).toContain("hpm init does not replace it");
		// a checkout of the same registry as a folder: the pin has nothing left to pin, and goes
		git(["clone", "-q", team.bare, path.join(dir, "team")], dir);
		writeFileSync(file, readFileSync(file, "utf8").replace(/^registry = .*$/m, 'registry = "team"'));
		ok(dir, ["sync"]);
		expect(readFileSync(file, "utf8")).not.toContain("registry-rev");
	}, 120_000);
});

describe("layered registries", () => {
	it("a folder first overrides one package of the team's registry and adds a group; show and lint say what is hidden", () => {
		const bleu = component("metric-bleu", "0.1.0");
		const rouge = component("metric-rouge", "0.1.0");
		const team = teamRegistry({
			"packages/metric-bleu.yaml": manifest("metric-bleu", "0.1.0", bleu),
			"packages/metric-rouge.yaml": manifest("metric-rouge", "0.1.0", rouge),
			"groups/metrics.yaml":
				"name: metrics\nstrategy: M-of-N\noptions:\n  - name: metric-bleu\n  - name: metric-rouge\n",
		});
		const url = `git+file://${team.bare}`;
		const dir = project(
			JSON.stringify(["registry", url]),
			'metrics = ["metric-bleu", "metric-rouge"]\nextra = "metric-rouge"',
		);
		// the local override: bleu's dev source is a folder checked out beside the project; its prod
		// source keeps coming from the team's registry
		const local = path.join(dir, "work/metric_bleu");
		writePackage(local, "metric-bleu", "0.1.0");
		mkdirSync(path.join(dir, "registry/packages"), { recursive: true });
		mkdirSync(path.join(dir, "registry/groups"), { recursive: true });
		const override = path.join(dir, "registry/packages/metric-bleu.yaml");
		writeFileSync(
			override,
			'name: metric-bleu\nversion: "0.1.0"\nsources:\n  dev:\n    type: local\n    path: ../../work/metric_bleu\n    editable: true\n',
		);
		// a group of the project's own, whose option is the team's package
		writeFileSync(
			path.join(dir, "registry/groups/extra.yaml"),
			"name: extra\nstrategy: 1-of-N\noptions:\n  - name: metric-rouge\n",
		);

		const shown = ok(dir, ["show", "metric-bleu"]).stdout;
		expect(shown).toContain(override);
		expect(shown).toMatch(/source prod\s+git file:\/\/\S+ tag v0\.1\.0/);
		expect(shown).toMatch(/source dev\s+local \.\.\/\.\.\/work\/metric_bleu \(editable\)/);
		expect(shown).toMatch(
			/hides\s+git\+file:\/\/\S+registry\.git@[0-9a-f]{12}:packages\/metric-bleu\.yaml:1 \(its prod source is used\) \(a later registry layer\)/,
		);
		expect(JSON.parse(ok(dir, ["show", "metric-bleu", "--json"]).stdout).hidden).toHaveLength(1);
		const lint = run(dir, ["registry", "lint"]);
		expect(lint.code).toBe(0);
		expect(lint.stdout).toMatch(
			/metric-bleu\.yaml:1:\d+: warning: package "metric-bleu" is also defined in a later registry layer \(git\+file:\/\/\S+@[0-9a-f]{12}:packages\/metric-bleu\.yaml:1\): this definition is used/,
		);

		ok(dir, ["sync"]);
		const prod = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		expect(prod).toMatch(/metric-bleu = \{ git = "file:\/\/.*", tag = "v0\.1\.0" \}/);
		expect(prod).toMatch(/metric-rouge = \{ git = "file:\/\/.*", tag = "v0\.1\.0" \}/);
		expect(pin(dir)).toMatch(/^[0-9a-f]{40}$/);
		expect(ok(dir, ["sync"]).stdout).toContain("nothing to do");
		ok(dir, ["sync", "--mode", "dev"]);
		const dev = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		expect(dev).toMatch(/metric-bleu = \{ path = "work\/metric_bleu", editable = true \}/);

		// registry add writes into the folder layer, never into the cached commit
		writePackage(path.join(dir, "work/metric_chrf"), "metric-chrf", "0.1.0");
		ok(dir, ["registry", "add", "--name", "metric-chrf", "--version", "0.1.0", "--path", "work/metric_chrf"]);
		expect(existsSync(path.join(dir, "registry/packages/metric-chrf.yaml"))).toBe(true);
	}, 180_000);

	it("a registry only from git is read-only to registry add; a local path in it is a problem of that package", () => {
		const team = teamRegistry({
			"packages/metric-local.yaml":
				'name: metric-local\nversion: "0.1.0"\nsources:\n  prod:\n    type: local\n    path: ../pkg\n',
			"groups/metrics.yaml": "name: metrics\nstrategy: M-of-N\noptions:\n  - name: metric-local\n",
		});
		const dir = project(JSON.stringify(`git+file://${team.bare}`), 'metrics = ["metric-local"]');
		const add = run(dir, ["registry", "add", "--name", "x", "--version", "1", "--url", "https://h/x.git"]);
		expect(add.code).toBe(2);
		expect(add.stderr).toContain("comes from git, and hpm does not write into its cache");
		expect(add.stderr).toContain("git clone");
		const group = run(dir, ["registry", "group", "add", "g", "--strategy", "1-of-N"]);
		expect(group.code).toBe(2);
		expect(group.stderr).toContain("comes from git");
		const check = run(dir, ["check"]);
		expect(check.code).not.toBe(0);
		expect(check.stderr + check.stdout).toContain("a registry from git cannot offer");
	}, 60_000);
});

describe("a registry from git under attack", () => {
	it("a link in the registry's repository is read as a file, never followed out of it", () => {
		const secret = path.join(tempDir("hpm-secret-"), "secret.yaml");
		writeFileSync(secret, "name: stolen\nversion: TOP-SECRET-VALUE\nsources: {}\n");
		const team = teamRegistry({ "groups/metrics.yaml": "name: metrics\nstrategy: M-of-N\noptions: []\n" });
		const work = tempDir("hpm-registry-link-");
		git(["clone", "-q", "-b", "main", team.bare, "."], work);
		mkdirSync(path.join(work, "packages"), { recursive: true });
		execFileSync("ln", ["-s", secret, path.join(work, "packages/stolen.yaml")]);
		git(["add", "-A"], work);
		git(["commit", "-q", "-m", "link"], work);
		git(["push", "-q", "origin", "main"], work);
		const dir = tempDir("hpm-remote-nowhere-");
		const listed = run(dir, ["registry", "lint", "-r", `git+file://${team.bare}`]);
		expect(listed.stdout + listed.stderr).not.toContain("TOP-SECRET-VALUE");
		expect(listed.stdout).toContain("stolen.yaml");
	}, 60_000);

	it("hostile URLs and refs never reach git; a host that never answers fails in bounded time, naming the URL", async () => {
		const dir = tempDir("hpm-remote-hostile-");
		for (const written of [
			"git+ext::sh -c touch% pwned",
			"git+file:///tmp/x.git@--upload-pack=touch pwned",
			"git+https://host/x.git#subdirectory=../../etc",
		]) {
			const result = run(dir, ["list", "-r", written]);
			expect(result.code, written).toBe(2);
			expect(result.stderr).toMatch(/^error: registry /);
		}
		expect(existsSync(path.join(dir, "pwned"))).toBe(false);
		// a password in a URL hpm refuses is not printed either
		for (const written of [
			"git+http://alice:S3cretPW@127.0.0.1:9/r.git@-x",
			"git+ftp://alice:S3cretPW@127.0.0.1/r.git",
		]) {
			const refused = run(dir, ["list", "--json", "-r", written]);
			expect(refused.code).toBe(2);
			expect(refused.stdout + refused.stderr).not.toContain("S3cretPW");
		}
		// a cache folder that is a file: said plainly, never a stack trace
		const notFolder = path.join(dir, "cache-file");
		writeFileSync(notFolder, "");
		const team = teamRegistry({ "groups/metrics.yaml": "name: metrics\nstrategy: M-of-N\noptions: []\n" });
		const cacheless = run(dir, ["list", "-r", `git+file://${team.bare}`], { HPM_CACHE_DIR: notFolder });
		expect(cacheless.code).toBe(2);
		expect(cacheless.stderr).toContain("hpm's cache of the registry");
		expect(cacheless.stderr).not.toContain("unexpected error");

		const server: Server = createServer(() => undefined); // accepts, never answers
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		const address = server.address();
		const port = typeof address === "object" && address ? address.port : 0;
		const started = Date.now();
		const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
			const child = spawn(process.execPath, [BIN, "list", "-r", `git+http://127.0.0.1:${port}/team/registry.git`], {
				cwd: dir,
				env: { ...process.env, ...env, GIT_HTTP_LOW_SPEED_TIME: "2", NO_COLOR: "1" },
			});
			let stderr = "";
			child.stderr.on("data", (chunk: Buffer) => {
				stderr += chunk.toString();
			});
			child.on("close", (code) => resolve({ code, stderr }));
		});
		server.close();
		expect(result.code).not.toBe(0);
		expect(result.stderr).toContain(`cannot fetch the registry http://127.0.0.1:${port}/team/registry.git`);
		expect(Date.now() - started).toBeLessThan(60_000);
	}, 90_000);

	it("Ctrl-C while a registry is fetched stops check at once, and every command says so (JSON with --json)", async () => {
		const server: Server = createServer(() => undefined); // accepts, never answers
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		const address = server.address();
		const port = typeof address === "object" && address ? address.port : 0;
		const url = `git+http://127.0.0.1:${port}/team/registry.git`;
		const dir = tempDir("hpm-remote-interrupt-");
		writeFileSync(
			path.join(dir, "pyproject.toml"),
			'[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n',
		);
		const options = {
			cwd: dir,
			env: { ...process.env, ...env, HPM_CACHE_DIR: tempDir("hpm-remote-interrupt-cache-") },
		};
		const interrupt = async (args: string[]) => {
			const child = spawn(process.execPath, [BIN, ...args, "-r", url], options);
			let stdout = "";
			let stderr = "";
			child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
			child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
			await new Promise((resolve) => setTimeout(resolve, 1_500));
			const sent = Date.now();
			child.kill("SIGINT");
			const code = await new Promise((resolve) => child.on("close", resolve));
			return { code, stdout, stderr, waited: Date.now() - sent };
		};
		try {
			const check = await interrupt(["check"]);
			expect(check.code).toBe(130);
			expect(check.stderr).toContain("interrupted");
			expect(check.waited).toBeLessThan(10_000); // git's own deadline is 30 s: hpm did not wait for it
			const list = await interrupt(["list", "--json"]);
			expect(list.code).toBe(130);
			expect(JSON.parse(list.stdout)).toMatchObject({ error: { code: "interrupted" } });
			const plain = await interrupt(["show", "anything"]);
			expect(plain.code).toBe(130);
			expect(plain.stderr).toContain("hpm: interrupted");
		} finally {
			server.close();
		}
	}, 90_000);

	it("a fetch killed halfway leaves nothing in the way: the next run fetches again", async () => {
		const server: Server = createServer(() => undefined); // accepts, never answers
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		const address = server.address();
		const port = typeof address === "object" && address ? address.port : 0;
		const url = `git+http://127.0.0.1:${port}/team/registry.git`;
		const cache = tempDir("hpm-remote-kill-cache-");
		const dir = tempDir("hpm-remote-kill-");
		const options = { cwd: dir, env: { ...process.env, ...env, HPM_CACHE_DIR: cache, GIT_HTTP_LOW_SPEED_TIME: "3" } };
		// Ctrl-C (or SIGTERM, SIGHUP) stops git and its helpers with hpm: nothing keeps fetching
		const interrupted = spawn(process.execPath, [BIN, "list", "-r", url], { ...options, stdio: "ignore" });
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		interrupted.kill("SIGINT");
		expect(await new Promise((resolve) => interrupted.on("close", resolve))).toBe(130);
		await new Promise((resolve) => setTimeout(resolve, 300));
		const left = spawnSync("pgrep", ["-f", `127.0.0.1:${port}/team`], { encoding: "utf8" });
		expect(left.stdout.trim(), "git processes left behind").toBe("");
		const killed = spawn(process.execPath, [BIN, "list", "-r", url], { ...options, stdio: "ignore" });
		// killed while git is waiting on the host, holding the clone's fetch lock
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		killed.kill("SIGKILL");
		await new Promise((resolve) => killed.on("close", resolve));
		const again = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
			const child = spawn(process.execPath, [BIN, "list", "-r", url], options);
			let stderr = "";
			child.stderr.on("data", (chunk: Buffer) => {
				stderr += chunk.toString();
			});
			child.on("close", (code) => resolve({ code, stderr }));
		});
		server.close();
		// the dead run's lock was taken over: the error is the host's, not "another hpm is running"
		expect(again.code).toBe(2);
		expect(again.stderr).toContain(`cannot fetch the registry http://127.0.0.1:${port}/team/registry.git`);
		expect(again.stderr).not.toContain("another hpm");
	}, 90_000);

	it("two commands fetching one registry at once both read it", async () => {
		const team = teamRegistry({ "groups/metrics.yaml": "name: metrics\nstrategy: M-of-N\noptions: []\n" });
		const cache = tempDir("hpm-remote-race-cache-");
		const dir = tempDir("hpm-remote-race-");
		const runs = [0, 1, 2, 3].map(
			() =>
				new Promise<number | null>((resolve) => {
					const child = spawn(process.execPath, [BIN, "list", "--json", "-r", `git+file://${team.bare}`], {
						cwd: dir,
						env: { ...process.env, ...env, HPM_CACHE_DIR: cache },
						stdio: "ignore",
					});
					child.on("close", resolve);
				}),
		);
		expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
		// without a project nothing pins it: the clone stays as fetched until asked to move
		team.commit({ "groups/judges.yaml": "name: judges\nstrategy: M-of-N\noptions: []\n" });
		const list = () =>
			JSON.parse(
				ok(dir, ["list", "--json", "-r", `git+file://${team.bare}`], { HPM_CACHE_DIR: cache }).stdout,
			).groups.map((group: { name: string }) => group.name);
		expect(list()).toEqual(["metrics"]);
		const update = ok(dir, ["registry", "update", "-r", `git+file://${team.bare}`], { HPM_CACHE_DIR: cache });
		expect(update.stdout).toContain("a registry named with -r is not pinned");
		expect(list()).toEqual(["judges", "metrics"]);
		// a branch named in full is the branch
		const full = JSON.parse(
			ok(dir, ["list", "--json", "-r", `git+file://${team.bare}@refs/heads/main`], { HPM_CACHE_DIR: cache }).stdout,
		);
		expect(full.groups.map((group: { name: string }) => group.name)).toEqual(["judges", "metrics"]);
	}, 60_000);
});

afterAll(() => undefined);

describe("pins are honest", () => {
	it("a pin on no branch or tag is a warning naming it; update refuses to move a pin backwards or across a force-push without --force", () => {
		const team = teamRegistry({
			"packages/metric-bleu.yaml": manifest("metric-bleu", "0.1.0", "/nowhere/metric-bleu.git"),
			"groups/metrics.yaml": "name: metrics\nstrategy: M-of-N\noptions:\n  - name: metric-bleu\n",
		});
		const a = execFileSync("git", ["--git-dir", team.bare, "rev-parse", "main"], { encoding: "utf8" }).trim();
		const b = team.commit({
			"packages/metric-bleu.yaml": manifest("metric-bleu", "0.2.0", "/nowhere/metric-bleu.git"),
		});
		const dir = project(JSON.stringify(`git+file://${team.bare}`), 'metrics = ["metric-bleu"]');
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(file, readFileSync(file, "utf8").replace("# the team's", `registry-rev = "${b}"\n# the team's`));
		const listed = ok(dir, ["list"]);
		expect(listed.stderr).not.toContain("warning");

		// the team's main is force-pushed back to A: the pin B is on no branch or tag any more
		const work = tempDir("hpm-force-push-");
		git(["clone", "-q", team.bare, "."], work);
		git(["push", "-q", "--force", "origin", `${a}:refs/heads/main`], work);
		const refused = run(dir, ["registry", "update"]);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain(`backwards: ${a.slice(0, 12)} is an ancestor of the pinned ${b.slice(0, 12)}`);
		expect(refused.stderr).toContain("--force");
		expect(pin(dir)).toBe(b);
		// now that hpm's clone knows, reading the pin says it is on no branch or tag
		const warned = ok(dir, ["list"]);
		expect(warned.stderr).toContain(`warning: registry-rev ${b} of git+file://${team.bare} is on no branch or tag`);
		const dry = ok(dir, ["registry", "update", "--dry-run"]);
		expect(dry.stdout).toContain("(backwards)");
		expect(dry.stdout).toContain("needs --force");
		expect(pin(dir)).toBe(b);
		ok(dir, ["registry", "update", "--force"]);
		expect(pin(dir)).toBe(a);
		expect(ok(dir, ["list"]).stderr).not.toContain("warning");

		// a new history from A (B's line dropped): moving the pin from B's sibling across it is refused too
		writeFileSync(file, readFileSync(file, "utf8").replace(a, b));
		git(["reset", "-q", "--hard", a], work);
		writeFileSync(path.join(work, "packages/metric-bleu.yaml"), manifest("metric-bleu", "0.3.0", "/nowhere/m.git"));
		git(["commit", "-q", "-am", "another line"], work);
		git(["push", "-q", "--force", "origin", "HEAD:main"], work);
		const c = execFileSync("git", ["rev-parse", "HEAD"], { cwd: work, encoding: "utf8" }).trim();
		const across = run(dir, ["registry", "update", "--json"]);
		expect(across.code).toBe(1);
		expect(across.stdout + across.stderr).toContain("across a rewritten history");
		expect(pin(dir)).toBe(b);
		const moved = JSON.parse(ok(dir, ["registry", "update", "--force", "--json"]).stdout);
		expect(moved.pins).toEqual([{ registry: `git+file://${team.bare}`, from: b, to: c, move: "rewritten" }]);
		expect(pin(dir)).toBe(c);
	}, 120_000);
});
