import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bundleSources } from "../helpers/bundle-coverage.js";
import { BIN, copyExample, hpm, tempDir } from "../helpers/run.js";

const list = (dir: string, env: NodeJS.ProcessEnv) => JSON.parse(hpm(["list", "--json"], { cwd: dir, env }).stdout);

describe("the registry index cache", () => {
	it("is written on the first run and used on the next, which runs no YAML parser", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-cache-");
		expect(hpm(["list", "--json"], { cwd: dir, env: { HPM_CACHE_DIR: cache } }).code).toBe(0);
		expect(readdirSync(cache).filter((f) => f.startsWith("registry-"))).toHaveLength(1);
		// V8's coverage of the bundle: the YAML library's modules run only when a file is parsed
		const yamlModules = (env: NodeJS.ProcessEnv) => {
			const coverage = tempDir("hpm-coverage-");
			const run = spawnSync(process.execPath, [BIN, "list", "--json"], {
				cwd: dir,
				env: { ...process.env, ...env, NODE_V8_COVERAGE: coverage },
				encoding: "utf8",
			});
			expect(run.status, run.stderr).toBe(0);
			const yaml = [...bundleSources(coverage)].filter(([source]) => source.includes("node_modules/yaml/"));
			return { known: yaml.length, ran: yaml.filter(([, ran]) => ran).length };
		};
		const cold = yamlModules({ HPM_CACHE_DIR: cache, HPM_NO_CACHE: "1" });
		expect(cold.known).toBeGreaterThan(10); // the control: without the cache they all run
		expect(cold.ran).toBe(cold.known);
		expect(yamlModules({ HPM_CACHE_DIR: cache }).ran).toBe(0);
	});

	it("is never stale: an edited manifest is seen at once, even one of the same size and mtime", () => {
		const dir = copyExample();
		const env = { HPM_CACHE_DIR: tempDir("hpm-cache-") };
		expect(list(dir, env).groups[1].description).toBe("Evaluation metrics");
		const file = path.join(dir, "registry/groups/metrics.yaml");
		const before = readFileSync(file, "utf8");
		const { mtime, atime } = statSync(file);
		writeFileSync(file, before.replace("Evaluation metrics", "Evaluation metricZ"));
		utimesSync(file, atime, mtime); // same size, same mtime: only ctime and content differ
		expect(list(dir, env).groups[1].description).toBe("Evaluation metricZ");
		// a new file and a removed one are seen too
		writeFileSync(
			path.join(dir, "registry/packages/metric-new.yaml"),
			'name: "metric-new"\nversion: "1"\nsources:\n  prod:\n    type: "local"\n    path: "x"\n',
		);
		expect(list(dir, env).ungrouped.map((p: { name: string }) => p.name)).toContain("metric-new");
	});

	it("caches problems too, so a broken registry fails the same way warm or cold", () => {
		const dir = copyExample();
		const env = { HPM_CACHE_DIR: tempDir("hpm-cache-") };
		writeFileSync(path.join(dir, "registry/groups/metrics.yaml"), 'name: "metrics"\nstrategy: "many"\noptions: []\n');
		const cold = hpm(["list"], { cwd: dir, env });
		const warm = hpm(["list"], { cwd: dir, env });
		expect(cold.code).toBe(2);
		expect(warm).toEqual(cold);
	});
});
