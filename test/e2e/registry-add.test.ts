import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
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

	it("adds a second mode's source to an existing manifest, touching nothing else; --force replaces only that mode", () => {
		const dir = copyExample();
		const file = path.join(dir, "registry/packages/metric-bleu.yaml");
		// a hand-written manifest: comments, its own key order and indentation
		writeFileSync(
			file,
			'# BLEU, by hand\nname: "metric-bleu"\nversion: "0.1.0"\nsources:\n    prod:   # the released one\n        type: "local"\n        path: "../../packages/metric_bleu"\n# trailing comment\n',
		);
		const original = read(file);
		const git = ["registry", "add", "--name", "Metric_Bleu", "--url", "https://example.com/bleu.git"];

		const added = hpm([...git, "--mode", "staging", "--tag", "v1"], { cwd: dir });
		expect(added.code, added.stderr).toBe(0);
		expect(added.stdout).toBe(`added the staging source to ${file} (its other sources are unchanged)\n`);
		expect(read(file)).toBe(
			original.replace(
				'path: "../../packages/metric_bleu"\n',
				'path: "../../packages/metric_bleu"\n    staging:\n        type: "git"\n        url: "https://example.com/bleu.git"\n        tag: "v1"\n',
			),
		);

		// the same source again is a no-op that says so; another one for that mode needs --force
		const again = hpm([...git, "--mode", "staging", "--tag", "v1"], { cwd: dir });
		expect(again.code).toBe(0);
		expect(again.stdout).toContain("already has this staging source; nothing to change");
		const before = snapshot(dir);
		const refused = hpm([...git, "--mode", "staging", "--branch", "main"], { cwd: dir });
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain('package "metric-bleu" already has another staging source');
		expect(refused.stderr).toContain("hint: pass --force to replace it (its other sources stay)");
		expect(snapshot(dir)).toEqual(before);
		const replaced = hpm([...git, "--mode", "staging", "--branch", "main", "--force"], { cwd: dir });
		expect(replaced.code, replaced.stderr).toBe(0);
		expect(replaced.stdout).toContain("replaced the staging source in");
		expect(read(file)).toContain(
			'    staging:\n        type: "git"\n        url: "https://example.com/bleu.git"\n        branch: "main"\n# trailing comment\n',
		);
		expect(read(file)).toContain("prod:   # the released one\n");

		// a version that differs from the manifest's is refused without --force, set with it
		const version = hpm([...git, "--mode", "nightly", "--version", "9.0"], { cwd: dir });
		expect(version.code).toBe(2);
		expect(version.stderr).toContain("is version 0.1.0 in its manifest, but the new source says 9.0");
		expect(hpm([...git, "--mode", "nightly", "--version", "9.0", "--force"], { cwd: dir }).code).toBe(0);
		expect(read(file)).toContain('version: "9.0"\n');
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);
		expect(JSON.parse(hpm(["show", "metric-bleu", "--json"], { cwd: dir }).stdout).sources).toHaveProperty("nightly");
	});

	it("compares sources as the loader reads them, keeps an alias's meaning, and says what differs", () => {
		const dir = copyExample();
		const file = path.join(dir, "registry/packages/metric-bleu.yaml");
		// the same folder spelled another way is the same source
		const same = hpm(["registry", "add", "--path", "packages/metric_bleu/", "--mode", "prod"], { cwd: dir });
		expect(same.code, same.stderr).toBe(0);
		expect(same.stdout).toContain("already has this prod source; nothing to change");
		// the same source with another version: the version is what differs
		const version = hpm(["registry", "add", "--path", "packages/metric_bleu", "--mode", "prod", "--version", "0.2.0"], {
			cwd: dir,
		});
		expect(version.code).toBe(2);
		expect(version.stderr).toContain(
			'package "metric-bleu" is version 0.1.0 in its manifest, but the new source says 0.2.0',
		);
		// replacing a source another mode is an alias of: the alias keeps what it said
		writeFileSync(
			file,
			'name: "metric-bleu"\nversion: "0.1.0"\nsources:\n  prod: &p\n    type: "local"\n    path: "../../packages/metric_bleu"\n  dev: *p\n',
		);
		mkdirSync(path.join(dir, "packages/other"));
		writeFileSync(
			path.join(dir, "packages/other/pyproject.toml"),
			'[project]\nname = "metric-bleu"\nversion = "0.1.0"\n',
		);
		const forced = hpm(["registry", "add", "--path", "packages/other", "--mode", "prod", "--force"], { cwd: dir });
		expect(forced.code, forced.stderr).toBe(0);
		expect(forced.stdout).toContain("the YAML library rewrote the file's layout");
		expect(read(file)).toBe(
			'name: "metric-bleu"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/other"\n  dev:\n    type: "local"\n    path: "../../packages/metric_bleu"\n',
		);
		// a git source's version is never guessed
		const git = hpm(["registry", "add", "--name", "zz", "--url", "https://example.com/z.git"], { cwd: dir });
		expect(git.stderr).toContain("--version is required for a git source");
	});

	it("a manifest that does not load is overwritten only with --force", () => {
		const dir = copyExample();
		const file = path.join(dir, "registry/packages/metric-bleu.yaml");
		writeFileSync(file, "name: [\n");
		const args = [
			"registry",
			"add",
			"--name",
			"metric-bleu",
			"--url",
			"https://example.com/bleu.git",
			"--version",
			"1.0",
		];
		const refused = hpm(args, { cwd: dir });
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain("exists but does not load (`hpm registry lint` says why)");
		const forced = hpm([...args, "--force"], { cwd: dir });
		expect(forced.code).toBe(0);
		expect(forced.stdout).toContain("(replacing a manifest that did not load)");
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);
	});

	it("--group naming a group whose file does not load names the file and its line, writes nothing, never offers to create it", () => {
		const dir = copyExample();
		const groupFile = path.join(dir, "registry/groups/inference.yaml");
		writeFileSync(groupFile, "name: inference\nstrategy: [1-of-N\n");
		const pkg = path.join(dir, "packages/metric_meteor");
		mkdirSync(pkg, { recursive: true });
		writeFileSync(path.join(pkg, "pyproject.toml"), '[project]\nname = "metric-meteor"\nversion = "0.3.1"\n');
		const result = hpm(["registry", "add", "--path", "packages/metric_meteor", "--group", "inference"], { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("registry/groups/inference.yaml:");
		expect(result.stderr).toContain('group "inference" cannot be used: YAML syntax error');
		expect(result.stderr).not.toContain("registry group add");
		expect(existsSync(path.join(dir, "registry/packages/metric-meteor.yaml"))).toBe(false);
		expect(read(groupFile)).toBe("name: inference\nstrategy: [1-of-N\n");
	});

	it("--group that already lists the package says so and succeeds, even when the package is new", () => {
		const dir = copyExample();
		const groupFile = path.join(dir, "registry/groups/metrics.yaml");
		// the group names a package whose manifest is not written yet (so the group does not load)
		writeFileSync(groupFile, `${read(groupFile)}  - name: "metric-meteor"\n`);
		const groupBefore = read(groupFile);
		const pkg = path.join(dir, "packages/metric_meteor");
		mkdirSync(pkg, { recursive: true });
		writeFileSync(path.join(pkg, "pyproject.toml"), '[project]\nname = "metric-meteor"\nversion = "0.3.1"\n');
		const result = hpm(["registry", "add", "--path", "packages/metric_meteor", "--group", "metrics"], { cwd: dir });
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain('group "metrics" already lists it; nothing to add');
		expect(read(groupFile)).toBe(groupBefore);
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);
	});

	it("nothing is written that the loader would reject: a group file with its own problem stops the add", () => {
		const dir = copyExample();
		const groupFile = path.join(dir, "registry/groups/metrics.yaml");
		writeFileSync(groupFile, read(groupFile).replace('"M-of-N"', '"M-of-X"'));
		const pkg = path.join(dir, "packages/metric_meteor");
		mkdirSync(pkg, { recursive: true });
		writeFileSync(path.join(pkg, "pyproject.toml"), '[project]\nname = "metric-meteor"\nversion = "0.3.1"\n');
		const before = snapshot(dir);
		const result = hpm(["registry", "add", "--path", "packages/metric_meteor", "--group", "metrics"], { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(`${groupFile}:2:11: strategy must be one of "1-of-N", "M-of-N", got "M-of-X"`);
		expect(result.stderr).toContain("nothing was written");
		expect(snapshot(dir)).toEqual(before);
	});
});

describe("hpm registry group add", () => {
	it("creates a group, empty or with options, that packages then join one by one", () => {
		const dir = copyExample();
		const file = path.join(dir, "registry/groups/tokenizer.yaml");
		const created = hpm(
			["registry", "group", "add", "tokenizer", "--strategy", "1-of-N", "--description", "Tokenizers"],
			{
				cwd: dir,
			},
		);
		expect(created.code, created.stderr).toBe(0);
		expect(read(file)).toBe('name: "tokenizer"\nstrategy: "1-of-N"\ndescription: "Tokenizers"\noptions: []\n');
		// an empty group loads, lint reports it, check warns that there is no choice
		expect(hpm(["list", "--json"], { cwd: dir }).stdout).toContain('"tokenizer"');
		// lint warns (exit 0: a group just created is not a broken registry), --strict fails it
		const linted = hpm(["registry", "lint"], { cwd: dir });
		expect(linted.code).toBe(0);
		expect(linted.stdout).toContain('warning: group "tokenizer" has no options');
		expect(hpm(["registry", "lint", "--strict"], { cwd: dir }).code).toBe(1);
		for (const [name, folder] of [
			["metric-bleu", "metric_bleu"],
			["metric-rouge", "metric_rouge"],
		] as const)
			expect(
				hpm(
					[
						"registry",
						"add",
						"--name",
						name,
						"--path",
						`packages/${folder}`,
						"--group",
						"tokenizer",
						"--mode",
						"nightly",
					],
					{ cwd: dir },
				).code,
			).toBe(0);
		expect(read(file)).toBe(
			'name: "tokenizer"\nstrategy: "1-of-N"\ndescription: "Tokenizers"\noptions:\n  - name: "metric-bleu"\n  - name: "metric-rouge"\n',
		);
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);

		// again, the same: nothing to change; a different strategy: refused
		const same = hpm(["registry", "group", "add", "tokenizer", "--strategy", "1-of-N"], { cwd: dir });
		expect(same.code).toBe(0);
		expect(same.stdout).toContain("already exists");
		const other = hpm(["registry", "group", "add", "tokenizer", "--strategy", "M-of-N"], { cwd: dir });
		expect(other.code).toBe(2);
		expect(other.stderr).toContain('group "tokenizer" already exists');

		const json = hpm(["registry", "group", "add", "judges", "--strategy", "M-of-N", "-o", "metric-bleu", "--json"], {
			cwd: dir,
		});
		expect(JSON.parse(json.stdout)).toEqual({
			name: "judges",
			strategy: "M-of-N",
			file: path.join(dir, "registry/groups/judges.yaml"),
			options: ["metric-bleu"],
			action: "created",
		});
	});

	it.each([
		["does not parse", '# team notes\nname: s1\nstrategy: 1-of-N\noptions:\n  - name: "vlm-adapter-qwen\n'],
		["is tab-indented", "name: s1\nstrategy: 1-of-N\noptions:\n\t- name: metric-bleu\n"],
		["has a duplicate key", "name: s1\nname: s1\nstrategy: 1-of-N\noptions: []\n"],
		["holds two documents", "name: s1\nstrategy: 1-of-N\noptions: []\n---\nname: s2\n"],
		["is only comments", "# to be written\n"],
		["is empty", ""],
	])("never replaces a group file that %s: it names the file and writes nothing", (_, text) => {
		const dir = copyExample();
		const file = path.join(dir, "registry/groups/s1.yaml");
		writeFileSync(file, text);
		const before = snapshot(dir);
		const result = hpm(["registry", "group", "add", "s1", "--strategy", "1-of-N"], { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(`${file} already exists and does not load`);
		expect(snapshot(dir)).toEqual(before);
	});

	it("never replaces a read-only manifest or group file", () => {
		const dir = copyExample();
		chmodSync(path.join(dir, "registry/groups/inference.yaml"), 0o444);
		const before = snapshot(dir);
		const result = hpm(
			["registry", "add", "--path", "packages/metric_rouge", "--mode", "nightly", "--group", "inference"],
			{
				cwd: dir,
			},
		);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("inference.yaml is read-only; nothing was written");
		expect(snapshot(dir)).toEqual(before);
	});

	it("never writes through a link: not to another group file, not outside the registry", () => {
		const dir = copyExample();
		const outside = path.join(copyExample(), "bashrc");
		writeFileSync(outside, "export KEEP=1\n");
		symlinkSync("metrics.yaml", path.join(dir, "registry/groups/s11.yaml"));
		symlinkSync(outside, path.join(dir, "registry/groups/evil.yaml"));
		symlinkSync(outside, path.join(dir, "registry/packages/evilpkg.yaml"));
		const before = snapshot(dir);
		for (const name of ["s11", "evil"]) {
			const result = hpm(["registry", "group", "add", name, "--strategy", "M-of-N"], { cwd: dir });
			expect(result.code, result.stdout).toBe(2);
			expect(result.stderr).toContain("is a symbolic link; hpm will not write through it");
		}
		const forced = hpm(
			["registry", "add", "--name", "evilpkg", "--version", "1.0.0", "--url", "https://example.com/e.git", "--force"],
			{ cwd: dir },
		);
		expect(forced.code, forced.stdout).toBe(2);
		expect(forced.stderr).toContain("is a symbolic link; hpm will not write through it");
		expect(snapshot(dir)).toEqual(before);
		expect(read(outside)).toBe("export KEEP=1\n");
	});

	it.each([
		[["registry", "group", "add", "x"], "--strategy is required"],
		[["registry", "group", "add", "x", "--strategy", "1-of-3"], '--strategy must be 1-of-N or M-of-N, got "1-of-3"'],
		[["registry", "group", "add", "../x", "--strategy", "1-of-N"], 'group name "../x"'],
		[["registry", "group", "add", "x", "--strategy", "1-of-N", "-o", "nope"], 'no package "nope" in the registry'],
		[["registry", "group"], "hpm registry group needs a subcommand"],
	])("refuses %j: %s", (args, message) => {
		const dir = copyExample();
		const before = snapshot(dir);
		const result = hpm(args, { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(message);
		expect(snapshot(dir)).toEqual(before);
	});
});

describe("hpm registry add, flags", () => {
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
