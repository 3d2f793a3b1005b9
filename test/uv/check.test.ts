import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, snapshot } from "../helpers/run.js";
import { uvEnv, writePackage } from "../helpers/uv.js";

describe("hpm check (real uv)", () => {
	it("proves a good selection resolves and changes nothing, not even creating uv.lock or .venv", () => {
		const dir = copyExample();
		const before = snapshot(dir);
		const result = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(result.stderr).toContain("Resolved 4 packages");
		expect(result.code).toBe(0);
		expect(result.stdout).toContain("+ vlm-adapter-qwen  local packages/vlm_adapter_qwen  (inference)");
		expect(result.stdout).toContain("ok: the selection resolves (4 packages); nothing was changed");
		expect(snapshot(dir)).toEqual(before);
	});

	it("on a synced project leaves pyproject.toml, uv.lock and .venv byte-identical", () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
		const before = snapshot(dir);
		const result = hpm(["check", "--json"], { cwd: dir, env: uvEnv() });
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toEqual({ ok: true, problems: [], resolved: 5 });
		expect(snapshot(dir)).toEqual(before);
	});

	it("finds the example's deliberate conflict, explains it in group terms, exit 1, nothing changed", () => {
		const dir = copyExample();
		hpm(["group", "add", "metrics", "-o", "metric-legacy"], { cwd: dir });
		const before = snapshot(dir);
		const result = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(result.code).toBe(1);
		// uv's own explanation, streamed
		expect(result.stderr).toContain("No solution found when resolving dependencies");
		expect(result.stderr).toContain("metric-legacy==0.1.0 depends on vlm-interface<0.1");
		// and the line in the project's terms
		// the minimal set, proven (each alone resolves or lacks what the other supplies), with the packages at its heart
		expect(result.stdout).toContain(
			"problem: inference=vlm-adapter-qwen conflicts with metrics=metric-legacy: metric-legacy needs vlm-interface<0.1; only vlm-interface>=0.1 is available",
		);
		expect(snapshot(dir)).toEqual(before);

		const json = JSON.parse(hpm(["check", "--json"], { cwd: dir, env: uvEnv() }).stdout);
		expect(json.ok).toBe(false);
		expect(json.resolved).toBeNull();
		expect(json.problems).toHaveLength(1);
		expect(json.problems[0]).toMatchObject({
			code: "resolution",
			message:
				"inference=vlm-adapter-qwen conflicts with metrics=metric-legacy: metric-legacy needs vlm-interface<0.1; only vlm-interface>=0.1 is available",
			choices: ["inference=vlm-adapter-qwen", "metrics=metric-legacy"],
			proven: true,
		});
		expect(json.problems[0].detail).toContain("No solution found");
	});

	it("lists every static problem at once before resolving", () => {
		const dir = copyExample();
		// a package whose folder is gone, a version that disagrees, and a mode with no source
		rmSync(path.join(dir, "packages/metric_bleu"), { recursive: true });
		const qwen = path.join(dir, "packages/vlm_adapter_qwen/pyproject.toml");
		writeFileSync(qwen, readFileSync(qwen, "utf8").replace('version = "0.1.0"', 'version = "0.2.0"'));
		const before = snapshot(dir);
		const result = hpm(["check", "--json"], { cwd: dir, env: uvEnv() });
		expect(result.code).toBe(1);
		const problems = JSON.parse(result.stdout).problems;
		// only the selected packages' folders, for the selected mode (prod), in the selection's order
		expect(problems.map((p: { code: string }) => p.code)).toEqual(["local-version", "local-path"]);
		expect(problems[1]).toMatchObject({ file: path.join(dir, "registry/packages/metric-bleu.yaml"), line: 7 });
		const staging = JSON.parse(hpm(["check", "--mode", "staging", "--json"], { cwd: dir, env: uvEnv() }).stdout);
		expect(staging.problems.map((p: { code: string }) => p.code)).toEqual(["unknown-mode"]);
		const text = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(text.stdout).toContain("metric-bleu: sources.prod.path ../../packages/metric_bleu:");
		expect(text.stdout).toContain("inference=vlm-adapter-qwen: the manifest says version 0.1.0 but");
		expect(snapshot(dir)).toEqual(before);
	});
});

describe("hpm check reports every independent conflict", () => {
	it("two unrelated conflicts in one selection are both named, in group=option terms", () => {
		const dir = copyExample();
		// a second conflict, unrelated to the example's: a tokenizer that needs a metric-bleu that does not exist
		writePackage(path.join(dir, "packages/tok_strict"), "tok-strict", "0.1.0", ["metric-bleu>=1"]);
		expect(hpm(["registry", "add", "--path", "packages/tok_strict"], { cwd: dir }).code).toBe(0);
		expect(
			hpm(["registry", "group", "add", "tokenizer", "--strategy", "1-of-N", "-o", "tok-strict"], { cwd: dir }).code,
		).toBe(0);
		hpm(["group", "add", "tokenizer", "-o", "tok-strict"], { cwd: dir });
		hpm(["group", "add", "metrics", "-o", "metric-legacy"], { cwd: dir });
		const before = snapshot(dir);
		const result = hpm(["check", "--json"], { cwd: dir, env: uvEnv() });
		expect(result.code).toBe(1);
		const messages = (JSON.parse(result.stdout) as { problems: { message: string }[] }).problems.map((p) => p.message);
		expect(messages).toHaveLength(2);
		expect(messages).toContainEqual(
			expect.stringMatching(
				/metrics=metric-legacy.*inference=vlm-adapter-qwen|inference=vlm-adapter-qwen.*metrics=metric-legacy/,
			),
		);
		expect(messages).toContainEqual(
			expect.stringMatching(/tokenizer=tok-strict.*metrics=metric-bleu|metrics=metric-bleu.*tokenizer=tok-strict/),
		);
		expect(snapshot(dir)).toEqual(before);
	});
});
