import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyExample, hpm, tempDir } from "../helpers/run.js";
import { manifest, teamRegistry } from "../helpers/team-registry.js";
import { uvEnv } from "../helpers/uv.js";

/*
 * hpm's cache folder shared with another local user (HPM_CACHE_DIR=/tmp/cache, as a team might set
 * it): what that user puts there is never read as this user's cache. The other user is the real
 * `nobody` (uid 65534); running a command as them needs root, which CI has.
 */
const NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"];
const made: string[] = [];
afterEach(() => {
	for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs a shell script as the user nobody. */
function asNobody(script: string): void {
	execFileSync("setpriv", [...NOBODY, "sh", "-ec", script], { stdio: "pipe" });
}

/** A folder every local user may write in, as /tmp is (sticky: each removes only their own). */
function sharedFolder(): string {
	expect(process.getuid?.(), "this test runs a command as another user: it needs root (CI runs as root)").toBe(0);
	const dir = tempDir("hpm-shared-cache-");
	made.push(dir);
	chmodSync(dir, 0o1777);
	return dir;
}

/** The attacker's registry at the team's commit: the team's group, their package (written as nobody, or as root where nobody cannot reach). */
function plantTree(tree: string, run: (script: string) => void = asNobody): void {
	run(
		`mkdir -p '${tree}/groups' '${tree}/packages'
printf 'name: metrics\\nstrategy: M-of-N\\noptions:\\n  - name: metric-bleu\\n' > '${tree}/groups/metrics.yaml'
printf 'name: metric-bleu\\nversion: "6.6.6"\\ndescription: EVIL\\nsources:\\n  prod: { type: git, url: "https://evil.example/x.git", tag: v6 }\\n' > '${tree}/packages/metric-bleu.yaml'`,
	);
}

function teamProject(): { dir: string; url: string; bare: string; commit: string } {
	const team = teamRegistry({
		"packages/metric-bleu.yaml": manifest("metric-bleu", "0.1.0", "/nowhere/metric-bleu.git"),
		"groups/metrics.yaml": "name: metrics\nstrategy: M-of-N\noptions:\n  - name: metric-bleu\n",
	});
	const commit = execFileSync("git", ["--git-dir", team.bare, "rev-parse", "main"], { encoding: "utf8" }).trim();
	const dir = tempDir("hpm-cache-trust-project-");
	const url = `file://${team.bare}`;
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nregistry = "git+${url}"\nregistry-rev = "${commit}"\n\n[tool.hpm.groups]\nmetrics = ["metric-bleu"]\n`,
	);
	return { dir, url, bare: team.bare, commit };
}

const clone = (url: string) => createHash("sha256").update(url).digest("hex").slice(0, 24);

describe("caches are mine or ignored", () => {
	it("another user's registry tree in a shared cache folder is never read; my own cache there is used, and hit the second time", () => {
		const shared = sharedFolder();
		const { dir, url, bare, commit } = teamProject();
		// the other user plants the team's commit (URL and commit are public in pyproject.toml)
		// where hpm kept its trees in the shared folder
		plantTree(path.join(shared, "registries", clone(url), "trees", commit));
		const env = uvEnv({ HPM_CACHE_DIR: shared });
		const show = () => hpm(["show", "metric-bleu", "--json"], { cwd: dir, env });

		const first = show();
		expect(first.code, first.stderr).toBe(0);
		expect(JSON.parse(first.stdout).version).toBe("0.1.0");
		expect(first.stdout).not.toContain("evil");
		// my own folder inside the shared one, private
		const mine = path.join(shared, "user-0");
		expect(statSync(mine).mode & 0o777).toBe(0o700);
		const tree = path.join(mine, "registries", clone(url), "trees", commit);
		const index = readdirSync(mine).find((name) => name.startsWith("registry-"));
		expect(index).toBeDefined();
		const stamps = [tree, path.join(mine, index ?? "")].map((file) => statSync(file).ino);

		// the second run reads my cache: no remote needed, the same tree and index file
		renameSync(bare, `${bare}.away`);
		try {
			const second = show();
			expect(second.code, second.stderr).toBe(0);
			expect(JSON.parse(second.stdout).version).toBe("0.1.0");
			expect([tree, path.join(mine, index ?? "")].map((file) => statSync(file).ino)).toEqual(stamps);
		} finally {
			renameSync(`${bare}.away`, bare);
		}
	});

	it("a folder of mine that another user made first in a shared cache folder is refused, naming it, never read", () => {
		const shared = sharedFolder();
		const { dir, url, commit } = teamProject();
		// the other user guesses the name of my own folder and fills it first
		asNobody(`mkdir -m 755 '${shared}/user-0'`);
		plantTree(path.join(shared, "user-0", "registries", clone(url), "trees", commit));
		const result = hpm(["show", "metric-bleu", "--json"], { cwd: dir, env: uvEnv({ HPM_CACHE_DIR: shared }) });
		const said = result.stdout + result.stderr;
		expect(result.code).not.toBe(0);
		expect(said).toContain(`${shared}/user-0 belongs to another user (uid 65534)`);
		expect(said).toContain("HPM_CACHE_DIR");
		expect(said).not.toMatch(/6\.6\.6|EVIL|\n\s+at /);
	});

	it("a cache folder of mine that others can write is set aside and made anew; a tree in it is never read", () => {
		const cache = tempDir("hpm-cache-");
		made.push(cache);
		const { dir, url, commit } = teamProject();
		const env = uvEnv({ HPM_CACHE_DIR: cache });
		expect(hpm(["show", "metric-bleu"], { cwd: dir, env }).code).toBe(0);
		// the registry's folder opened to everyone, and its tree replaced while it was
		const base = path.join(cache, "registries", clone(url));
		chmodSync(base, 0o777);
		const tree = path.join(base, "trees", commit);
		rmSync(tree, { recursive: true });
		plantTree(tree, (script) => execFileSync("sh", ["-ec", script]));
		const result = hpm(["show", "metric-bleu", "--json"], { cwd: dir, env });
		expect(result.code, result.stderr).toBe(0);
		expect(JSON.parse(result.stdout).version).toBe("0.1.0");
		expect(statSync(base).mode & 0o777).toBe(0o700);
		// kept for the person to look at, under a name hpm never reads
		expect(readdirSync(path.join(cache, "registries")).some((name) => name.includes(".untrusted-"))).toBe(true);
	});

	it("a compiled-code cache file others can read is not believed: it is written anew, 0600", () => {
		const cache = tempDir("hpm-cache-");
		made.push(cache);
		const dir = copyExample();
		const env = { HPM_CACHE_DIR: cache };
		expect(hpm(["list"], { cwd: dir, env }).code).toBe(0);
		const code = path.join(cache, "code");
		const [name] = readdirSync(code).filter((file) => file.includes("-list-"));
		if (name === undefined) throw new Error("no code cache written");
		const file = path.join(code, name);
		const before = readFileSync(file);
		chmodSync(file, 0o644);
		expect(hpm(["list"], { cwd: dir, env }).code).toBe(0);
		// refused and rewritten (a new file, made 0600, renamed into place)
		expect(statSync(file).mode & 0o777).toBe(0o600);
		// the folder itself open to others: set aside, a new one made
		chmodSync(code, 0o777);
		expect(hpm(["list"], { cwd: dir, env }).code).toBe(0);
		expect(statSync(code).mode & 0o777).toBe(0o700);
		expect(existsSync(file)).toBe(true);
		expect(before.length).toBeGreaterThan(0);
		// my own 0600 file is read, not written again
		const kept = statSync(file).ino;
		expect(hpm(["list"], { cwd: dir, env }).code).toBe(0);
		expect(statSync(file).ino).toBe(kept);
	});
});
