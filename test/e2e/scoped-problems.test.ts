import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

/** A registry with problems in entries no project here selects (SPEC §8.2: only the selection blocks). */
function brokenElsewhere(): string {
	const dir = copyExample();
	// a package in no selected group whose local folder holds an invalid pyproject.toml
	mkdirSync(path.join(dir, "packages/metric_broken"), { recursive: true });
	writeFileSync(path.join(dir, "packages/metric_broken/pyproject.toml"), "[project\nname = ");
	writeFileSync(
		path.join(dir, "registry/packages/metric-broken.yaml"),
		'name: "metric-broken"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/metric_broken"\n',
	);
	// and a manifest that is not even YAML
	writeFileSync(path.join(dir, "registry/packages/metric-garbage.yaml"), "name: [\n");
	return dir;
}

describe("only the selection blocks", () => {
	it("check and sync work, and warn, when unselected registry entries are broken", () => {
		const dir = brokenElsewhere();
		const check = hpm(["check", "--json"], { cwd: dir, env: uvEnv() });
		expect(check.code, check.stdout).toBe(0);
		const data = JSON.parse(check.stdout);
		expect(data.ok).toBe(true);
		expect(data.warnings).toEqual([
			expect.objectContaining({ file: path.join(dir, "registry/packages/metric-garbage.yaml") }),
		]);
		const sync = hpm(["sync"], { cwd: dir, env: uvEnv() });
		expect(sync.code, sync.stderr).toBe(0);
		expect(sync.stderr).toContain("warning: ");
		expect(sync.stderr).toContain("metric-garbage.yaml");
	});

	it("list, show and search show what loads and say what does not", () => {
		const dir = brokenElsewhere();
		const list = hpm(["list"], { cwd: dir });
		expect(list.code).toBe(0);
		expect(list.stdout).toContain("metric-bleu");
		// the file is named, with the reason it did not load
		expect(list.stderr).toBe(
			`warning: 1 registry file could not be loaded and was left out: ${path.join(dir, "registry/packages/metric-garbage.yaml")}:2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (1 problem in all; \`hpm registry lint\` lists them)\n`,
		);
		expect(hpm(["show", "metric-bleu"], { cwd: dir }).code).toBe(0);
		const garbage = hpm(["show", "metric-garbage"], { cwd: dir });
		expect(garbage.code).toBe(2);
		expect(garbage.stderr).toContain("metric-garbage.yaml:2:1");
		expect(hpm(["search", "metric"], { cwd: dir }).stdout).toContain("metric-rouge");
		// lint still reports every problem, including the broken package folder
		const lint = hpm(["registry", "lint"], { cwd: dir });
		expect(lint.code).toBe(1);
		expect(lint.stdout).toContain("metric-garbage.yaml");
		expect(lint.stdout).toContain("metric_broken");
	});

	it("selecting the broken package makes it block, naming its file", () => {
		const dir = brokenElsewhere();
		writeFileSync(
			path.join(dir, "registry/groups/metrics.yaml"),
			'name: "metrics"\nstrategy: "M-of-N"\noptions:\n  - name: "metric-bleu"\n  - name: "metric-broken"\n',
		);
		expect(hpm(["group", "add", "metrics", "-o", "metric-broken"], { cwd: dir }).code).toBe(0);
		const check = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(check.code).toBe(1);
		expect(check.stdout).toContain("metrics=metric-broken");
		expect(check.stdout).toContain("not valid TOML");
	});
});

describe("a 1-of-N group without a choice", () => {
	it("a group declared required: check fails at the line that says so, before uv", () => {
		const dir = copyExample();
		expect(hpm(["group", "remove", "inference"], { cwd: dir }).code).toBe(0);
		const check = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(check.code).toBe(1);
		expect(check.stdout).toContain(
			'registry/groups/inference.yaml:6:11: group "inference" requires a choice (required: true); pick one with `hpm group add inference --option NAME`',
		);
		expect(check.stderr).not.toContain("uv lock");
	});

	it("is a warning for check and sync, and a problem with --strict", () => {
		const dir = copyExample();
		// a group that does not demand a choice
		const file = path.join(dir, "registry/groups/inference.yaml");
		writeFileSync(file, readFileSync(file, "utf8").replace(/^required:.*\n/m, ""));
		expect(hpm(["group", "remove", "inference"], { cwd: dir }).code).toBe(0);
		const check = hpm(["check", "--json"], { cwd: dir, env: uvEnv() });
		expect(check.code, check.stdout).toBe(0);
		const warning = expect.objectContaining({
			code: "no-choice",
			file: path.join(dir, "registry/groups/inference.yaml"),
			message: expect.stringContaining("(options: vlm-adapter-qwen, vlm-adapter-deepseek)"),
		});
		expect(JSON.parse(check.stdout).warnings).toEqual([warning]);

		const strict = hpm(["check", "--strict", "--json"], { cwd: dir, env: uvEnv() });
		expect(strict.code).toBe(1);
		expect(JSON.parse(strict.stdout)).toMatchObject({ ok: false, problems: [warning] });
		const plain = hpm(["check", "--strict"], { cwd: dir, env: uvEnv() });
		expect(plain.stdout).toContain('inference.yaml:1:7: group "inference" (1-of-N) has no choice; pick one with');

		const sync = hpm(["sync", "--dry-run"], { cwd: dir, env: uvEnv() });
		expect(sync.code).toBe(0);
		expect(sync.stderr).toContain("warning: ");
		expect(sync.stderr).toContain('group "inference" (1-of-N) has no choice');
	});

	it("--strict still resolves: a warning and uv's conflict are reported in one run", () => {
		const dir = copyExample();
		writeFileSync(
			path.join(dir, "registry/groups/tokenizer.yaml"),
			'name: "tokenizer"\nstrategy: "1-of-N"\noptions: []\n',
		);
		expect(hpm(["group", "add", "metrics", "-o", "metric-legacy"], { cwd: dir }).code).toBe(0);
		const strict = hpm(["check", "--strict", "--json"], { cwd: dir, env: uvEnv() });
		expect(strict.code).toBe(1);
		const codes = (JSON.parse(strict.stdout) as { problems: { code: string }[] }).problems.map((p) => p.code);
		expect(codes).toEqual(["no-choice", "resolution"]);
		// and a selection that resolves says how many packages, though --strict fails the check
		expect(hpm(["group", "remove", "metrics", "-o", "metric-legacy"], { cwd: dir }).code).toBe(0);
		const resolved = JSON.parse(hpm(["check", "--strict", "--json"], { cwd: dir, env: uvEnv() }).stdout);
		expect(resolved).toMatchObject({ ok: false, resolved: 4 });
	});

	it("--strict makes every warning a problem, a broken file nobody chose included", () => {
		const dir = copyExample();
		writeFileSync(
			path.join(dir, "registry/groups/tokenizer.yaml"),
			'name: "tokenizer"\nstrategy: "1-of-N"\noptions: []\n',
		);
		writeFileSync(path.join(dir, "registry/packages/metric-garbage.yaml"), "name: [\n");
		const check = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(check.code).toBe(0);
		expect(check.stderr).toContain(
			'tokenizer.yaml:1:7: group "tokenizer" (1-of-N) has no choice and no options to choose from; add one with `hpm registry add --group tokenizer`',
		);
		expect(check.stderr).toContain("metric-garbage.yaml:2:1");
		const strict = hpm(["check", "--strict", "--json"], { cwd: dir, env: uvEnv() });
		expect(strict.code).toBe(1);
		const files = (JSON.parse(strict.stdout) as { problems: { file: string }[] }).problems.map((p) => p.file);
		expect(files.sort()).toEqual([
			path.join(dir, "registry/groups/tokenizer.yaml"),
			path.join(dir, "registry/packages/metric-garbage.yaml"),
		]);
	});
});
