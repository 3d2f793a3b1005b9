import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatCombination } from "../../source/core/plan/combination.js";
import { planMatrix } from "../../source/core/plan/matrix.js";
import { loadRegistry } from "../../source/core/registry/load.js";
import { constraintProblems } from "../../source/core/registry/constraints.js";
import { memoryGroup, memoryRegistry } from "../helpers/memory-registry.js";
import { copyExample, EXAMPLE, hpm, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

/** A registry of `count` 1-of-N groups of `size` options each, in memory (group g's options are `${prefix}-g-o`). */
function synthetic(count: number, size: number, prefix: string, required = true) {
	const registry = memoryRegistry(
		Array.from({ length: count }, (_, g) =>
			memoryGroup(
				`${prefix === "p" ? "g" : "h"}${g}`,
				"1-of-N",
				Array.from({ length: size }, (_, o) => `${prefix}-${g}-${o}`),
				{ required },
			),
		),
	);
	return { groups: registry.groups, packages: registry.packages };
}

/** Every pair of choices the combinations hold, as `a|b`. */
function pairs(list: readonly ReadonlyMap<string, readonly string[]>[]): Set<string> {
	const out = new Set<string>();
	for (const s of list) {
		const choices = [...s].flatMap(([g, os]) => os.map((o) => `${g}=${o}`));
		for (const a of choices) for (const b of choices) if (a < b) out.add(`${a}|${b}`);
	}
	return out;
}

describe("planning a matrix (pure)", () => {
	const { registry } = loadRegistry(path.join(EXAMPLE, "registry"));

	it("--all: every combination the rules allow, none they forbid", () => {
		const plan = planMatrix(registry, "all");
		const labels = plan.combinations.map((s) => formatCombination(registry, s));
		for (const selection of plan.combinations) expect(constraintProblems(registry, selection)).toEqual([]);
		// 2 backends x metric subsets with bleu whenever rouge, at least one metric, deepseek never with legacy
		expect(labels).toContain("inference=vlm-adapter-qwen,metrics=metric-bleu+metric-rouge+metric-legacy");
		expect(labels.some((l) => l.includes("vlm-adapter-deepseek") && l.includes("metric-legacy"))).toBe(false);
		expect(labels.some((l) => /metrics=metric-rouge(,|$)/.test(l))).toBe(false);
		expect(new Set(labels).size).toBe(labels.length);
		expect(plan.space).toBe(labels.length);
		expect(plan.declared).toEqual([
			{ a: "inference=vlm-adapter-deepseek", b: "metrics=metric-legacy", where: "groups/inference.yaml:10" },
		]);
	});

	it("--pairwise: fewer combinations, every allowed pair of choices covered", () => {
		const all = planMatrix(registry, "all").combinations;
		const pairwise = planMatrix(registry, "pairwise").combinations;
		expect(pairwise.length).toBeLessThan(all.length);
		const covered = pairs(pairwise);
		for (const pair of pairs(all)) expect(covered.has(pair), pair).toBe(true);
	});

	it("a pair the greedy fill cannot place (an M-of-N max on the whole combination) is placed by a search, never dropped", () => {
		const registry = memoryRegistry([
			memoryGroup("g1", "1-of-N", ["a1", "a2", "a3"]),
			memoryGroup("g2", "1-of-N", ["b1", "b2"]),
			memoryGroup("g3", "M-of-N", ["c1", "c2", "c3"], { max: 2 }),
			memoryGroup("g4", "M-of-N", ["d2", "d3"]),
		]);
		const plan = planMatrix(registry, "pairwise");
		const covered = pairs(plan.combinations);
		const all = pairs(planMatrix(registry, "all").combinations);
		expect([...all].filter((pair) => !covered.has(pair))).toEqual([]);
		for (const selection of plan.combinations) expect(constraintProblems(registry, selection)).toEqual([]);
	});

	it("a 1-of-N group a project need not choose in is also left out: combinations without it are planned", () => {
		const { groups, packages } = synthetic(2, 2, "p", false);
		const registry = { root: "/r", roots: ["/r"], shadowed: [], groups, packages, indexes: new Map() };
		// g0 and g1 are 1-of-N and not required: none, p-0-0 or p-0-1, each
		const all = planMatrix(registry, "all").combinations.map((s) => formatCombination(registry, s));
		expect(all).toHaveLength(9);
		expect(all).toContain("g0=p-0-0");
		expect(all).toContain("none");
		expect(planMatrix(registry, "pairwise").combinations.some((s) => !s.has("g1"))).toBe(true);
	});

	it("a registry of 20 groups x 10 options: the pairwise set covers every pair, far below the product", () => {
		const { groups, packages } = synthetic(20, 10, "p");
		const registry = { root: "/r", roots: ["/r"], shadowed: [], groups, packages, indexes: new Map() };
		const plan = planMatrix(registry, "pairwise");
		// 10 x 10 pairs between two groups need at least 100 combinations (the product is 10^20)
		expect(plan.combinations.length).toBeGreaterThanOrEqual(100);
		expect(plan.combinations.length).toBeLessThan(300);
		const covered = new Set<string>();
		for (const s of plan.combinations) {
			const choices = [...s].map(([g, [o]]) => `${g}=${o}`);
			for (const a of choices) for (const b of choices) if (a < b) covered.add(`${a}|${b}`);
		}
		expect(covered.size).toBe(((20 * 19) / 2) * 100);
		expect(plan.uncovered).toBe(0);
	});

	it("past the cap the plan says how many pairs no combination holds", () => {
		const { groups, packages } = synthetic(40, 25, "q");
		// 25 x 25 pairs between two groups need 625 combinations: more than the cap of 512
		const plan = planMatrix(
			{ root: "/r", roots: ["/r"], shadowed: [], groups, packages, indexes: new Map() },
			"pairwise",
		);
		expect(plan.combinations).toHaveLength(512);
		expect(plan.uncovered).toBeGreaterThan(0);
		expect(plan.space).toBeUndefined();
	});
});

describe("hpm check --matrix, --combination and CI formats (real uv)", () => {
	it("pairwise: each combination resolved in parallel; the real uv conflict is found and named; a re-run is cached", () => {
		const dir = copyExample();
		const env = { ...uvEnv(), HPM_CACHE_DIR: tempDir("hpm-matrix-cache-") };
		const run = hpm(["check", "--matrix", "--jobs", "2"], { cwd: dir, env });
		expect(run.code, run.stderr).toBe(1);
		expect(run.stderr).toMatch(/^checking \d+ combinations \(pairwise\) with uv, 2 at a time$/m);
		expect(run.stderr).toMatch(/\[\d+\/\d+\] fail inference=vlm-adapter-qwen,metrics=[^\n]*metric-legacy/);
		expect(run.stdout).toContain("choices that do not go together");
		expect(run.stdout).toMatch(
			/inference=vlm-adapter-qwen \+ metrics=metric-legacy\s+conflict\s+inference=vlm-adapter-qwen conflicts with metrics=metric-legacy: metric-legacy needs vlm-interface<0.1/,
		);
		expect(run.stdout).toMatch(
			/inference=vlm-adapter-deepseek \+ metrics=metric-legacy\s+declared\s+a rule: groups\/inference\.yaml:10/,
		);
		// what no resolution could prove is listed with why (every backend conflicts with metric-legacy)
		expect(run.stdout).toMatch(/\d+ pairs of choices proven to go together; 2 not proven either way:/);
		expect(run.stdout).toMatch(
			/metrics=metric-bleu\s+metrics=metric-legacy\s+not proven: every combination the rules allow with both also holds a known conflict/,
		);
		expect(run.stdout).toMatch(/with 2 workers \(\d+\.\d\d\/s\), 0 from the cache/);
		// nothing in the project changed
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(
			readFileSync(path.join(EXAMPLE, "pyproject.toml"), "utf8"),
		);
		// again: every answer from the cache; then one manifest changes and only its combinations re-resolve
		const again = hpm(["check", "--matrix", "--json"], { cwd: dir, env });
		const first = JSON.parse(again.stdout) as { results: { cached: boolean; combination: string }[] };
		expect(first.results.every((r) => r.cached)).toBe(true);
		const manifest = path.join(dir, "registry/packages/metric-rouge.yaml");
		writeFileSync(manifest, readFileSync(manifest, "utf8").replace("The ROUGE", "The Rouge"));
		const third = JSON.parse(hpm(["check", "--matrix", "--json"], { cwd: dir, env }).stdout) as typeof first;
		for (const r of third.results) expect(r.cached, r.combination).toBe(!r.combination.includes("metric-rouge"));
	}, 180_000);

	it("--format github and gitlab list the combinations; --combination checks exactly one", () => {
		const dir = copyExample();
		const github = hpm(["check", "--matrix", "--format", "github"], { cwd: dir });
		expect(github.code).toBe(0);
		const include = (JSON.parse(github.stdout) as { include: { combination: string }[] }).include;
		expect(include.length).toBeGreaterThan(1);
		const gitlab = hpm(["check", "--matrix", "--format", "gitlab"], { cwd: dir }).stdout;
		expect(gitlab).toContain("parallel:\n  matrix:\n    - HPM_COMBINATION:\n");
		for (const { combination } of include) expect(gitlab).toContain(JSON.stringify(combination));
		const good = hpm(["check", "--combination", "inference=vlm-adapter-deepseek,metrics=metric-bleu+metric-rouge"], {
			cwd: dir,
			env: uvEnv(),
		});
		expect(good.code, good.stdout + good.stderr).toBe(0);
		expect(good.stdout).toContain("+ vlm-adapter-deepseek");
		const bad = hpm(["check", "--combination", "inference=vlm-adapter-qwen,metrics=metric-legacy"], {
			cwd: dir,
			env: uvEnv(),
		});
		expect(bad.code).toBe(1);
		expect(bad.stdout).toContain("inference=vlm-adapter-qwen conflicts with metrics=metric-legacy");
		for (const [args, says] of [
			[["--combination", "inference"], "is not group=option"],
			[["--combination", "nope=x"], 'no group "nope"'],
			[["--combination", "inference=a+b"], "has no option"],
			[["--all"], "--all goes with --matrix"],
			[["--matrix", "--format", "yaml"], "--format must be table, github or gitlab"],
			[["--matrix", "--jobs", "0"], "--jobs must be a whole number"],
		] as const) {
			const result = hpm(["check", ...args], { cwd: dir });
			expect(result.code, result.stderr).toBe(2);
			expect(result.stderr).toContain(says);
		}
	}, 120_000);
});
