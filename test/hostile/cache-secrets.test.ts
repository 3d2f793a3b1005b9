import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, tempDir } from "../helpers/run.js";

describe("the registry index cache never stores a credential", () => {
	it("a git source with a literal user:password is read afresh, never cached (an index of variables is)", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-secret-cache-");
		const manifest = (auth: string) =>
			`name: "metric-git"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "git"\n    url: "http://${auth}@127.0.0.1:9/metric.git"\n    tag: "v0.1.0"\n`;
		const filesOf = (folder: string): string[] =>
			readdirSync(folder).flatMap((name) => {
				const full = path.join(folder, name);
				return statSync(full).isDirectory() ? filesOf(full) : [full];
			});
		writeFileSync(path.join(dir, "registry/packages/metric-git.yaml"), manifest("alice:SECRETPW1"));
		expect(hpm(["list"], { cwd: dir, env: { HPM_CACHE_DIR: cache } }).code).toBe(0);
		for (const file of filesOf(cache)) expect(readFileSync(file, "utf8"), file).not.toContain("SECRETPW1");
		// the same registry naming its credentials by variable is cached as usual
		writeFileSync(path.join(dir, "registry/packages/metric-git.yaml"), manifest("${GIT_USER}:${GIT_TOKEN}"));
		expect(hpm(["list"], { cwd: dir, env: { HPM_CACHE_DIR: cache } }).code).toBe(0);
		expect(filesOf(cache).some((file) => readFileSync(file, "utf8").includes("${GIT_TOKEN}"))).toBe(true);
	});
});
