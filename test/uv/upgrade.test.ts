import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, tempDir } from "../helpers/run.js";
import { git, gitRepo, registerPackage, uvEnv } from "../helpers/uv.js";

const env = uvEnv({ UV_OFFLINE: undefined });

function ok(dir: string, args: string[]) {
	const result = hpm(args, { cwd: dir, env });
	expect(result.code, `hpm ${args.join(" ")}: ${result.stderr}`).toBe(0);
	return result;
}

/** A new commit on `main` of the bare repository, with the package's version bumped to `version`. */
function pushVersion(bare: string, version: string): void {
	const work = tempDir("hpm-git-push-");
	git(["clone", "-q", "-b", "main", bare, "."], work);
	const file = path.join(work, "pyproject.toml");
	writeFileSync(file, readFileSync(file, "utf8").replace(/^version = ".*"$/m, `version = "${version}"`));
	git(["commit", "-q", "-am", `version ${version}`], work);
	git(["push", "-q", "origin", "main"], work);
}

const lockedVersion = (dir: string, name: string) =>
	new RegExp(`name = "${name}"\\nversion = "([^"]+)"`).exec(readFileSync(path.join(dir, "uv.lock"), "utf8"))?.[1];

describe("hpm sync --upgrade: a branch that moved is picked up only when asked", () => {
	it("never silently; --dry-run says what would move; --upgrade-package moves it, shows old -> new, and can be rolled back", () => {
		const dir = copyExample();
		const bare = gitRepo(path.join(dir, "packages/metric_rouge"), "v0.1.0");
		registerPackage(
			dir,
			`name: "metric-rouge"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "git"\n    url: "file://${bare}"\n    branch: "main"\n`,
			"metric-rouge",
		);
		ok(dir, ["group", "add", "metrics", "-o", "metric-rouge"]);
		ok(dir, ["sync"]);
		expect(lockedVersion(dir, "metric-rouge")).toBe("0.1.0");
		pushVersion(bare, "0.2.0");

		// a plain sync keeps what uv.lock holds
		const lock = readFileSync(path.join(dir, "uv.lock"), "utf8");
		expect(ok(dir, ["sync"]).stdout).toContain("nothing to do");
		expect(readFileSync(path.join(dir, "uv.lock"), "utf8")).toBe(lock);

		// a dry run says what would move, and writes nothing
		const dry = ok(dir, ["sync", "--upgrade", "--dry-run"]).stdout;
		expect(dry).toMatch(
			/an upgrade would move:\n {2}~ metric-rouge 0\.1\.0 \([0-9a-f]{7}\) -> 0\.2\.0 \([0-9a-f]{7}\)/,
		);
		expect(readFileSync(path.join(dir, "uv.lock"), "utf8")).toBe(lock);

		// the upgrade, with each package that moved: the version and the commit
		const upgraded = ok(dir, ["sync", "--upgrade-package", "metric-rouge"]);
		expect(upgraded.stdout).toMatch(/upgraded:\n {2}~ metric-rouge 0\.1\.0 \([0-9a-f]{7}\) -> 0\.2\.0 \([0-9a-f]{7}\)/);
		expect(upgraded.stderr).toMatch(/upgrade metric-rouge 0\.1\.0 .* -> 0\.2\.0/); // shown before uv syncs
		expect(upgraded.stderr.indexOf("upgrade metric-rouge")).toBeLessThan(upgraded.stderr.indexOf("$ uv sync"));
		expect(lockedVersion(dir, "metric-rouge")).toBe("0.2.0");
		const installed = execFileSync(
			path.join(dir, ".venv/bin/python"),
			["-c", "import importlib.metadata as m; print(m.version('metric-rouge'))"],
			{
				encoding: "utf8",
			},
		);
		expect(installed.trim()).toBe("0.2.0");
		const history = JSON.parse(ok(dir, ["history", "--json"]).stdout).entries;
		expect(history[0].summary).toMatch(/^sync --upgrade: metric-rouge 0\.1\.0 .* -> 0\.2\.0/);

		// and undone like any sync
		ok(dir, ["rollback"]);
		expect(readFileSync(path.join(dir, "uv.lock"), "utf8")).toBe(lock);
	}, 120_000);

	it("refuses a package that is not in uv.lock, before anything runs", () => {
		const dir = copyExample();
		ok(dir, ["sync"]);
		const before = readFileSync(path.join(dir, "uv.lock"), "utf8");
		const result = hpm(["sync", "--upgrade-package", "numpy"], { cwd: dir, env });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("numpy is not in uv.lock");
		const bad = hpm(["sync", "--upgrade-package", "../x"], { cwd: dir, env });
		expect(bad.code).toBe(2);
		expect(readFileSync(path.join(dir, "uv.lock"), "utf8")).toBe(before);
		// everything at its newest: said so
		expect(ok(dir, ["sync", "--upgrade"]).stdout).toContain("nothing: every package is at its newest already");
	}, 60_000);
});
