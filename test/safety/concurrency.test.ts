import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, startHpm } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

const start = (args: string[], cwd: string) => startHpm(args, cwd, uvEnv());

describe("concurrency: two syncs and a group add at once", () => {
	it("20 rounds: no update lost, no file corrupted, the others wait and say so", async () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		let waited = 0;
		for (let round = 0; round < 20; round++) {
			// each round switches the 1-of-N choice, so every round has real work to do
			const option = round % 2 === 0 ? "vlm-adapter-deepseek" : "vlm-adapter-qwen";
			const [a, b, add] = await Promise.all([
				start(["sync"], dir),
				start(["sync"], dir),
				start(["group", "add", "inference", "-o", option], dir),
			]);
			for (const run of [a, b, add]) {
				expect(run.code, `round ${round}: ${run.stderr}`).toBe(0);
				expect(run.stderr).not.toMatch(/\n\s+at /);
				if (run.stderr.includes("waiting for another hpm to finish")) waited++;
			}
			// the group add is never lost, whatever order the three ran in
			const data = parse(readFileSync(path.join(dir, "pyproject.toml"), "utf8")) as {
				tool: { hpm: { groups: { inference: string } } };
			};
			expect(data.tool.hpm.groups.inference, `round ${round}`).toBe(option);
			expect(existsSync(path.join(dir, ".hpm.lock"))).toBe(false);
			expect(existsSync(path.join(dir, ".hpm.journal.json"))).toBe(false);
			// and a last sync brings everything in line: lock and dependencies agree with the selection
			expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
			const synced = parse(readFileSync(path.join(dir, "pyproject.toml"), "utf8")) as {
				project: { dependencies: string[] };
			};
			expect(synced.project.dependencies).toEqual(["metric-bleu", option]);
			expect(readFileSync(path.join(dir, "uv.lock"), "utf8")).toMatch(/^version = 1\n/);
		}
		// the lock made someone wait at least once (three processes, one lock)
		expect(waited).toBeGreaterThan(0);
	}, 600_000);
});
