import { appendFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
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

describe("concurrency: a person saving edits while hpm commands write", () => {
	it("every numbered line a concurrent editor appends ends up in the file, a history entry or a kept copy", async () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		let line = 0;
		let editing = true;
		// the editor: one line every 10-90 ms, saved into the file (as `echo >>` does)
		const editor = (async () => {
			while (editing) {
				appendFileSync(file, `# line ${++line}\n`);
				await new Promise((resolve) => setTimeout(resolve, 10 + Math.floor(Math.random() * 80)));
			}
		})();
		for (let round = 0; round < 8; round++) {
			const runs = await Promise.all([
				start(["group", "add", "inference", "-o", round % 2 ? "vlm-adapter-qwen" : "vlm-adapter-deepseek"], dir),
				start(["group", "add", "metrics", "-o", "metric-rouge"], dir),
				start(["group", "remove", "metrics", "-o", "metric-rouge"], dir),
				start(["mode", round % 2 ? "prod" : "dev"], dir),
			]);
			for (const run of runs) expect(run.stderr).not.toMatch(/\n\s+at /);
		}
		editing = false;
		await editor;
		// where a line may be: the file, every kept copy, every history entry's pyproject.toml
		const places = [readFileSync(file, "utf8")];
		for (const name of readdirSync(dir).filter((n) => n.startsWith("pyproject.toml.hpm-")))
			places.push(readFileSync(path.join(dir, name), "utf8"));
		const folder = path.join(dir, ".hpm", "history");
		for (const name of existsSync(folder) ? readdirSync(folder) : []) {
			const body = JSON.parse(readFileSync(path.join(folder, name), "utf8").split("\n")[1] ?? "{}") as {
				pyproject?: string;
			};
			if (body.pyproject) places.push(Buffer.from(body.pyproject, "base64").toString("utf8"));
		}
		const everything = places.join("\n");
		const lost = Array.from({ length: line }, (_, i) => i + 1).filter(
			(n) => !new RegExp(`^# line ${n}$`, "m").test(everything),
		);
		expect(line).toBeGreaterThan(20);
		expect(lost).toEqual([]);
	}, 600_000);
});
