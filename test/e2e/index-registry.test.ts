import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadRegistryCached } from "../../source/core/registry/cache.js";
import { loadRegistryParts } from "../../source/core/registry/load.js";
import { copyExample, hpm, tempDir } from "../helpers/run.js";

/** The example registry with an index declared and vlm-adapter-qwen's prod source on it. */
function exampleWithIndex(): string {
	const dir = copyExample();
	mkdirSync(path.join(dir, "registry/indexes"));
	writeFileSync(
		path.join(dir, "registry/indexes/internal.yaml"),
		'name: "internal"\nurl: "https://pypi.internal.example/simple"\nexplicit: true\n',
	);
	writeQwen(dir, 'requirement: "vlm-adapter-qwen>=0.1,<0.2"\n    index: "internal"');
	return dir;
}

function writeQwen(dir: string, source: string): void {
	writeFileSync(
		path.join(dir, "registry/packages/vlm-adapter-qwen.yaml"),
		`name: "vlm-adapter-qwen"\nversion: "0.1.0"\nprovides: ["vlm-interface"]\nsources:\n  prod:\n    type: "index"\n    ${source}\n  dev:\n    type: "local"\n    path: "../../packages/vlm_adapter_qwen"\n`,
	);
}

describe("registry indexes and index sources", () => {
	it("show and list describe an index source; lint finds nothing wrong", () => {
		const dir = exampleWithIndex();
		expect(hpm(["registry", "lint"], { cwd: dir }).stderr).toContain("no problems");
		const shown = hpm(["show", "vlm-adapter-qwen"], { cwd: dir });
		expect(shown.stdout).toMatch(/source prod\s+index internal vlm-adapter-qwen>=0.1,<0.2/);
		const json = JSON.parse(hpm(["show", "vlm-adapter-qwen", "--json"], { cwd: dir }).stdout) as {
			sources: Record<string, unknown>;
		};
		expect(json.sources.prod).toEqual({ type: "index", requirement: "vlm-adapter-qwen>=0.1,<0.2", index: "internal" });
	});

	it("lint reports each bad index input once, at its file and line, with the fix", () => {
		// Given an undeclared index, a requirement on another package, a URL requirement, markers,
		// a hostile index URL and a misspelt key
		const dir = exampleWithIndex();
		writeQwen(dir, 'requirement: "vlm-adapter-qwen>=0.1"\n    index: "interal"');
		writeFileSync(
			path.join(dir, "registry/packages/metric-bleu.yaml"),
			'name: "metric-bleu"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "index"\n    requirement: "metric-rouge>=1"\n  dev:\n    type: "index"\n    requirement: "metric-bleu @ https://x.example/m.whl"\n  test:\n    type: "index"\n    requirement: "metric-bleu; sys_platform == \'linux\'"\n    indx: "internal"\n  edge:\n    type: "index"\n    requirement: "metric-bleu>=1; sys_platform == \'linux\'"\n',
		);
		writeFileSync(
			path.join(dir, "registry/indexes/mirror.yaml"),
			'name: "mirror"\nurl: "-https://user:hunter2@mirror.example/simple"\nexplicit: "yes"\n',
		);

		// When lint runs
		const lint = hpm(["registry", "lint"], { cwd: dir });

		// Then every problem is reported once, in file order, at its line and column, never a stack trace
		const registry = path.join(dir, "registry");
		const lines = lint.stdout
			.trim()
			.split("\n")
			.map((line) => line.replace(`${registry}/`, ""));
		expect(lint.code).toBe(1);
		expect(lines).toEqual([
			'indexes/mirror.yaml:2:6: url must not start with "-" (it would read as an option): "-https://***:***@mirror.example/simple"',
			'indexes/mirror.yaml:3:11: explicit must be true or false, got string "yes"',
			'packages/metric-bleu.yaml:6:18: sources.prod.requirement names "metric-rouge", not this package "metric-bleu"; write it as "metric-bleu>=1"',
			'packages/metric-bleu.yaml:9:18: sources.dev.requirement must not name a URL ("name @ url"): use a source of type git or local for that, or give a version specifier',
			'packages/metric-bleu.yaml:13:5: unknown key "indx" in sources.test (did you mean "index"?); expected one of: type, requirement, index, marker, family',
			'packages/metric-bleu.yaml:16:18: sources.edge.requirement must not have environment markers ("; ..."): a selected package is installed everywhere; remove them',
			'packages/vlm-adapter-qwen.yaml:8:12: sources.prod.index "interal" names no index: there is no indexes/interal.yaml (declared: internal)',
		]);
		expect(lint.stdout + lint.stderr).not.toContain("hunter2");
		expect(lint.stderr).not.toMatch(/\n\s+at /);
	});

	it("a broken index blocks only projects that select a package on it", () => {
		// Given an index file with a bad URL, and vlm-adapter-qwen (selected) on it
		const dir = exampleWithIndex();
		writeFileSync(path.join(dir, "registry/indexes/internal.yaml"), 'name: "internal"\nurl: "pypi.internal/simple"\n');

		// When it checks, Then the index file's problem blocks it, said once
		const blocked = hpm(["check"], { cwd: dir });
		expect(blocked.code).toBe(1);
		const said = (blocked.stdout + blocked.stderr).match(/indexes\/internal\.yaml:2:6: url must be/g) ?? [];
		expect(said.length).toBeGreaterThanOrEqual(1);
		expect(blocked.stdout + blocked.stderr).not.toContain("names no index");

		// Given the choice moved to the other option, When it checks statically, Then the index
		// file is a warning, not a problem
		expect(hpm(["group", "add", "inference", "--option", "vlm-adapter-deepseek"], { cwd: dir }).code).toBe(0);
		const other = hpm(["sync", "--dry-run"], { cwd: dir });
		expect(other.code).toBe(0);
	});

	it("the index cache stamps indexes/ and round-trips the declared indexes", async () => {
		const dir = exampleWithIndex();
		const root = path.join(dir, "registry");
		process.env.HPM_CACHE_DIR = tempDir("hpm-cache-");
		const fresh = await loadRegistryCached(root, "test");
		const cached = await loadRegistryCached(root, "test");
		expect(fresh.fromCache).toBe(false);
		expect(cached.fromCache).toBe(true);
		expect([...cached.registry.indexes]).toEqual([...fresh.registry.indexes]);
		expect(cached.registry.indexes.get("internal")).toMatchObject({
			name: "internal",
			url: "https://pypi.internal.example/simple",
			explicit: true,
		});
		expect(cached.registry.packages.get("vlm-adapter-qwen")?.sources.get("prod")).toEqual(
			fresh.registry.packages.get("vlm-adapter-qwen")?.sources.get("prod"),
		);
		// a new index file misses the cache
		writeFileSync(path.join(root, "indexes/other.yaml"), 'name: "other"\nurl: "/srv/simple"\n');
		const after = await loadRegistryCached(root, "test");
		expect(after.fromCache).toBe(false);
		expect([...after.registry.indexes.keys()]).toEqual(["internal", "other"]);
	});

	it("the fast YAML path and the full YAML parser give the same problems", () => {
		const dir = exampleWithIndex();
		writeFileSync(path.join(dir, "registry/indexes/internal.yaml"), 'name: "internal"\nurll: "x"\nexplicit: 3\n');
		const root = path.join(dir, "registry");
		const fast = loadRegistryParts(root).problems;
		// the same file in flow style, which only the full parser reads
		writeFileSync(path.join(dir, "registry/indexes/internal.yaml"), '{name: "internal",\nurll: "x",\nexplicit: 3}\n');
		const full = loadRegistryParts(root).problems;
		expect(full.map((p) => [p.code, p.message, p.location?.line])).toEqual(
			fast.map((p) => [p.code, p.message, p.location?.line]),
		);
		expect(fast.map((p) => p.code)).toEqual(["wrong-type", "unknown-key"]);
	});
});
