import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, snapshot, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

// what the independent test of the component graph found, each kept from coming back

const edit = (dir: string, file: string, change: (text: string) => string) => {
	const full = path.join(dir, "registry", file);
	writeFileSync(full, change(readFileSync(full, "utf8")));
};

describe("rules that make a choice impossible", () => {
	it("lint finds an option that can never be chosen and defaults that break a rule; init and group add do not write them", () => {
		const dir = copyExample();
		edit(dir, "groups/metrics.yaml", (t) =>
			t
				.replace(
					'requires: ["metrics=metric-bleu"]',
					'requires: ["metrics=metric-bleu"]\n    conflicts: ["metrics=metric-bleu"]',
				)
				.replace('default: ["metric-bleu"]', 'default: ["metric-rouge"]')
				.replace('  - name: "metric-legacy"', '  - name: "metric-legacy"\n    conflicts: ["metrics=metric-legacy"]'),
		);
		edit(dir, "groups/inference.yaml", (t) =>
			t.replace(
				'  - name: "vlm-adapter-qwen"',
				'  - name: "vlm-adapter-qwen"\n    requires: ["inference=vlm-adapter-deepseek"]',
			),
		);
		const lint = hpm(["registry", "lint"], { cwd: dir });
		expect(lint.code).toBe(1);
		expect(lint.stdout).toContain(
			"inference=vlm-adapter-qwen can never be chosen: it needs both inference=vlm-adapter-qwen and inference=vlm-adapter-deepseek, and inference is 1-of-N",
		);
		expect(lint.stdout).toContain(
			"metrics=metric-rouge can never be chosen: it needs metrics=metric-bleu, which metrics=metric-rouge conflicts with",
		);
		expect(lint.stdout).toContain("metrics=metric-legacy can never be chosen: it conflicts with itself");
		expect(lint.stdout).toContain(
			"the registry's defaults break a rule: metrics=metric-rouge requires metrics=metric-bleu",
		);
		// hpm init records none of such defaults, and says why
		const fresh = path.join(tempDir(), "p");
		mkdirSync(fresh);
		cpSync(path.join(dir, "registry"), path.join(fresh, "registry"), { recursive: true });
		const init = hpm(["init"], { cwd: fresh, env: uvEnv() });
		expect(init.code, init.stderr).toBe(0);
		expect(init.stdout).toContain("the registry's defaults break its own rules");
		expect(readFileSync(path.join(fresh, "pyproject.toml"), "utf8")).not.toContain("[tool.hpm.groups]");
		// group add without an option refuses a default that breaks a rule
		const pyproject = path.join(dir, "pyproject.toml");
		writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace('metrics = ["metric-bleu"]\n', ""));
		const add = hpm(["group", "add", "metrics"], { cwd: dir });
		expect(add.code).toBe(2);
		expect(add.stderr).toContain('the default of group "metrics" (metric-rouge) breaks a rule');
	});

	it("a choice that breaks a rule is written, and said; min applies to a group left out", () => {
		const dir = copyExample();
		hpm(["group", "add", "metrics", "-o", "metric-legacy"], { cwd: dir });
		const add = hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], { cwd: dir });
		expect(add.code).toBe(0);
		expect(add.stderr).toContain(
			"warning: this breaks a rule of the registry: inference=vlm-adapter-deepseek conflicts with metrics=metric-legacy",
		);
		expect(
			JSON.parse(hpm(["group", "add", "inference", "-o", "vlm-adapter-qwen", "--json"], { cwd: dir }).stdout).breaks,
		).toEqual([]);
		// the last metric removed deletes the key: min: 1 still holds
		hpm(["group", "remove", "metrics"], { cwd: dir });
		const check = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(check.code).toBe(1);
		expect(check.stdout).toContain('group "metrics" needs at least 1 option (min: 1); 0 chosen');
		const combination = hpm(["check", "--combination", "inference=vlm-adapter-qwen"], { cwd: dir, env: uvEnv() });
		expect(combination.code).toBe(1);
	});
});

describe("the matrix and its cache", () => {
	it("a group file or an option manifest that does not load stops the matrix (a CI matrix would lack it), naming file and line", () => {
		const dir = copyExample();
		const env = uvEnv({ HPM_CACHE_DIR: tempDir("hpm-matrix-cache-") });
		const group = path.join(dir, "registry/groups/metrics.yaml");
		const good = readFileSync(group, "utf8");
		writeFileSync(group, "name: metrics\nstrategy: M-of-N\noptions: [\n");
		for (const format of ["github", "gitlab", "table"]) {
			const run = hpm(["check", "--matrix", "--format", format], { cwd: dir, env });
			expect(run.code, `${format}: ${run.stdout}`).toBe(1);
			expect(run.stdout).toBe("");
			expect(run.stderr).toContain("the matrix would leave out what does not load:");
			expect(run.stderr).toContain("registry/groups/metrics.yaml:4:1");
		}
		// an option the group lists whose manifest does not load
		writeFileSync(group, good);
		writeFileSync(path.join(dir, "registry/packages/metric-rouge.yaml"), "name: [\n");
		const option = hpm(["check", "--matrix", "--format", "github"], { cwd: dir, env });
		expect(option.code).toBe(1);
		expect(option.stderr).toContain("registry/packages/metric-rouge.yaml");
	});

	it("a cache entry copied over another is a miss; an empty HPM_CACHE_DIR never writes into the project", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-matrix-cache-");
		const env = { ...uvEnv(), HPM_CACHE_DIR: cache };
		type Report = { ok: boolean; results: { ok: boolean; cached: boolean }[] };
		const first = JSON.parse(hpm(["check", "--matrix", "--json"], { cwd: dir, env }).stdout) as Report;
		expect(first.ok).toBe(false);
		const folder = path.join(cache, "matrix");
		const files = readdirSync(folder);
		// every entry replaced by one answer that said ok
		const good = files
			.map((f) => readFileSync(path.join(folder, f), "utf8"))
			.find((text) => text.includes('"ok":true'));
		expect(good).toBeDefined();
		for (const f of files) writeFileSync(path.join(folder, f), good ?? "", { mode: 0o600 });
		const again = JSON.parse(hpm(["check", "--matrix", "--json"], { cwd: dir, env }).stdout) as Report;
		expect(again.ok).toBe(false);
		expect(again.results.filter((r) => r.cached)).toHaveLength(1);
		// HPM_NO_CACHE: nothing is taken from the cache, nothing is written to it
		const before = snapshot(cache);
		const fresh = JSON.parse(
			hpm(["check", "--matrix", "--json"], { cwd: dir, env: { ...env, HPM_NO_CACHE: "1" } }).stdout,
		) as Report;
		expect(fresh.results.filter((r) => r.cached)).toHaveLength(0);
		expect(snapshot(cache)).toEqual(before);
		// HPM_CACHE_DIR="" is unset, not the working folder
		const home = tempDir("hpm-home-");
		const run = hpm(["check", "--matrix"], {
			cwd: dir,
			env: { ...uvEnv(), HPM_CACHE_DIR: "", XDG_CACHE_HOME: "", HOME: home },
		});
		expect(run.code).toBe(1);
		expect(existsSync(path.join(dir, "matrix"))).toBe(false);
		expect(existsSync(path.join(home, ".cache/hpm/matrix"))).toBe(true);
	}, 120_000);

	it("--combination refuses what is not group=option", () => {
		const dir = copyExample();
		for (const bad of ["", "inference=", "metrics=metric-bleu++metric-rouge", "inference=vlm-adapter-qwen,", ",,"]) {
			const run = hpm(["check", "--combination", bad], { cwd: dir });
			expect(run.code, `"${bad}": ${run.stderr}`).toBe(2);
		}
		const spaced = hpm(["check", "--combination", " inference = vlm-adapter-qwen , metrics = metric-bleu "], {
			cwd: dir,
			env: uvEnv(),
		});
		expect(spaced.code, spaced.stdout + spaced.stderr).toBe(0);
	});
});

describe("answers that must not be wrong", () => {
	it("why: a uv.lock that is not a regular file is an error, not 'no uv.lock yet'", () => {
		const dir = copyExample();
		rmSync(path.join(dir, "uv.lock"), { force: true });
		mkdirSync(path.join(dir, "uv.lock"));
		const run = hpm(["why", "metric-bleu"], { cwd: dir });
		expect(run.code).toBe(2);
		expect(run.stderr).toContain("uv.lock cannot be read");
	});

	it("graph says what it left out; lint names a dangling groups/ link", () => {
		const dir = copyExample();
		writeFileSync(path.join(dir, "registry/groups/metrics.yaml"), "name: [\n");
		const graph = hpm(["graph"], { cwd: dir });
		expect(graph.code).toBe(0);
		expect(graph.stderr).toMatch(/warning: .*metrics\.yaml.*\(left out of the graph\)/);
		expect(JSON.parse(hpm(["graph", "--json"], { cwd: dir }).stdout).problems).toHaveLength(1);
		const other = copyExample();
		rmSync(path.join(other, "registry/groups"), { recursive: true });
		symlinkSync("/nonexistent/groups", path.join(other, "registry/groups"));
		const lint = hpm(["registry", "lint"], { cwd: other });
		expect(lint.code).toBe(1);
		expect(lint.stdout).toContain("groups/ is a symbolic link to a folder that does not exist");
	});

	it("lint says what a wrong default, min or max takes", () => {
		const dir = copyExample();
		edit(dir, "groups/metrics.yaml", (t) =>
			t.replace('default: ["metric-bleu"]', "default: 42").replace("min: 1 ", "min: -1 "),
		);
		const lint = hpm(["registry", "lint"], { cwd: dir });
		expect(lint.stdout).toContain("default must be an option's name, or a list of them, got number 42");
		expect(lint.stdout).toContain("min must be a whole number, 0 or more, got number -1");
	});
});
