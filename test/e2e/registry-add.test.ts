import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, read, snapshot } from "../helpers/run.js";

describe("hpm registry add", () => {
	it("adds a local package, pre-filling name and version from its pyproject.toml, and joins a group", () => {
		// Given the example and a new local package inside it
		const dir = copyExample();
		const pkg = path.join(dir, "packages/metric_meteor");
		const groupBefore = read(path.join(dir, "registry/groups/metrics.yaml"));
		mkdirSync(pkg, { recursive: true });
		writeFileSync(path.join(pkg, "pyproject.toml"), '[project]\nname = "metric-meteor"\nversion = "0.3.1"\n');

		// When it is registered with flags only
		const result = hpm(
			[
				"registry",
				"add",
				"--path",
				"packages/metric_meteor",
				"--mode",
				"dev",
				"--editable",
				"--description",
				"METEOR",
				"--group",
				"metrics",
			],
			{ cwd: dir },
		);

		// Then the manifest is written, relative to its own folder, and the group gains one line
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		const file = path.join(dir, "registry/packages/metric-meteor.yaml");
		expect(result.stdout).toBe(`wrote ${file}\nadded as an option of group "metrics"\n`);
		expect(read(file)).toBe(
			'name: "metric-meteor"\nversion: "0.3.1"\ndescription: "METEOR"\nsources:\n  dev:\n    type: "local"\n    path: "../../packages/metric_meteor"\n    editable: true\n',
		);
		expect(read(path.join(dir, "registry/groups/metrics.yaml"))).toBe(
			groupBefore.replace(
				'  - name: "metric-legacy"   # pinned to the old interface: `hpm check` shows the conflict\n',
				'  - name: "metric-legacy"   # pinned to the old interface: `hpm check` shows the conflict\n  - name: "metric-meteor"\n',
			),
		);
		// And the registry still lints clean
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);
	});

	it("adds a git package with a tag", () => {
		const dir = copyExample();
		const result = hpm(
			[
				"registry",
				"add",
				"--name",
				"vlm-adapter-llava",
				"--url",
				"https://github.com/acme/llava.git",
				"--tag",
				"v1.0.0",
				"--version",
				"1.0.0",
				"--json",
			],
			{ cwd: dir },
		);
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({
			name: "vlm-adapter-llava",
			mode: "prod",
			source: { type: "git", url: "https://github.com/acme/llava.git", tag: "v1.0.0" },
		});
		expect(read(path.join(dir, "registry/packages/vlm-adapter-llava.yaml"))).toBe(
			'name: "vlm-adapter-llava"\nversion: "1.0.0"\nsources:\n  prod:\n    type: "git"\n    url: "https://github.com/acme/llava.git"\n    tag: "v1.0.0"\n',
		);
	});

	it("refuses to overwrite without --force, and overwrites with it", () => {
		const dir = copyExample();
		const before = snapshot(dir);
		const args = [
			"registry",
			"add",
			"--name",
			"Metric_Bleu",
			"--url",
			"https://example.com/bleu.git",
			"--version",
			"9.0",
		];
		const refused = hpm(args, { cwd: dir });
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain(
			`package "Metric_Bleu" already exists: ${path.join(dir, "registry/packages/metric-bleu.yaml")}`,
		);
		expect(refused.stderr).toContain("hint: pass --force to overwrite it");
		expect(snapshot(dir)).toEqual(before);
		expect(hpm([...args, "--force"], { cwd: dir }).code).toBe(0);
		expect(read(path.join(dir, "registry/packages/metric-bleu.yaml"))).toContain('version: "9.0"');
	});

	it.each([
		[
			["--name", "../evil", "--url", "https://x.org/a.git", "--version", "1"],
			/--name "..\/evil": a name must not contain a path separator/,
		],
		[["--name", "a/b", "--url", "https://x.org/a.git", "--version", "1"], /must not contain a path separator/],
		[["--name=-rf", "--url", "https://x.org/a.git", "--version", "1"], /must not start with '-'/],
		[["--name", "vlm-аdapter", "--url", "https://x.org/a.git", "--version", "1"], /plain ASCII/],
		[["--name", "ok", "--url", "ext::sh -c touch% /tmp/pwned", "--version", "1"], /remote helper/],
		[["--name", "ok", "--url", "not a url", "--version", "1"], /must not contain whitespace/],
		[
			["--name", "ok", "--url", "example.com/repo", "--version", "1"],
			/must be an https:\/\/, ssh:\/\/, git:\/\/, file:\/\/ or user@host:path URL/,
		],
		[
			["--name", "ok", "--url", "https://x.org/a.git", "--tag", "v1", "--branch", "main", "--version", "1"],
			/at most one of --tag, --branch, --rev/,
		],
		[
			["--name", "ok", "--url", "https://x.org/a.git", "--branch=--force", "--version", "1"],
			/--branch must not start with "-"/,
		],
		[["--name", "ok", "--url", "https://x.org/a.git"], /--version is required/],
		[["--path", "packages/nope"], /--path: .*packages\/nope does not exist/],
		[["--path", "registry"], /holds no pyproject.toml, setup.py or setup.cfg: it is not a Python package/],
		[["--path", "packages/metric_rouge", "--name", "metric-bleu"], /holds package "metric-rouge", not "metric-bleu"/],
		[["--name", "ok"], /say where the package comes from/],
		[["--name", "ok", "--url", "https://x.org/a.git", "--version", "1", "--group", "nope"], /unknown group "nope"/],
	])("rejects %j with a clear message and writes nothing", (args, message) => {
		const dir = copyExample();
		const before = snapshot(dir);
		const result = hpm(["registry", "add", ...args], { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(message);
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect(snapshot(dir)).toEqual(before);
		expect(existsSync(path.join(dir, "registry/packages/ok.yaml"))).toBe(false);
	});
});
