import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planMatrix } from "../../source/core/plan/matrix.js";
import { choiceKeysOf, type Evidence, proveMatrix } from "../../source/core/plan/matrix-proof.js";
import { minimalConflicts, type Outcome } from "../../source/core/operations/blame.js";
import type { Registry } from "../../source/core/registry/model.js";
import { memoryGroup, memoryRegistry } from "../helpers/memory-registry.js";
import type { Selection } from "../../source/core/plan/selection.js";

/** A registry of groups in memory: `shape[g]` is [strategy, number of options]. */
function registryOf(shape: readonly (readonly ["1-of-N" | "M-of-N", number])[]): Registry {
	return memoryRegistry(
		shape.map(([strategy, size], g) =>
			memoryGroup(
				`g${g}`,
				strategy,
				Array.from({ length: size }, (_, o) => `o${g}${String.fromCharCode(97 + o)}`),
			),
		),
	);
}

/**
 * A stand-in resolver: a set of choices fails exactly when it holds every choice of a planted
 * set. uv's explanation is stood in by naming the planted set it hit plus, sometimes, an innocent
 * choice (uv's words are a hint, never a proof). Each combination is narrowed by the real search.
 */
function standIn(planted: readonly (readonly string[])[], noisy: boolean) {
	let resolutions = 0;
	async function* runWave(combinations: readonly Selection[]): AsyncGenerator<never, Evidence[]> {
		const out: Evidence[] = [];
		for (const combination of combinations) {
			const items = choiceKeysOf(combination);
			// eslint-disable-next-line require-yield
			async function* test(subset: readonly string[]): AsyncGenerator<never, Outcome<string>> {
				resolutions++;
				const hit = planted.find((set) => set.every((choice) => subset.includes(choice)));
				if (!hit) return { ok: true };
				const innocent = subset.find((choice) => !hit.includes(choice));
				return { ok: false, suspects: noisy && innocent ? [...hit, innocent] : [...hit] };
			}
			const blame = yield* minimalConflicts(items, (c) => c, test);
			out.push({
				ok: blame.conflicts.length === 0 && !blame.projectFails && !blame.truncated,
				conflicts: blame.conflicts.map((c) => c.items),
				resolved: blame.resolvedSets,
				unexplained: blame.truncated,
			});
		}
		return out;
	}
	return { runWave, count: () => resolutions };
}

async function prove(
	registry: Registry,
	how: "all" | "pairwise",
	planted: readonly (readonly string[])[],
	noisy = false,
) {
	const plan = planMatrix(registry, how);
	const resolver = standIn(planted, noisy);
	const events = proveMatrix(registry, plan.combinations, resolver.runWave);
	let next = await events.next();
	while (!next.done) next = await events.next();
	return { proof: next.value, planned: plan.combinations.length, space: plan.space ?? 0 };
}

const conflictPairs = (proof: Awaited<ReturnType<typeof prove>>["proof"]) =>
	proof.pairs
		.filter((p) => p.status === "conflict")
		.map((p) => `${p.a}|${p.b}`)
		.sort();

describe("a matrix's verdicts are proven (stand-in resolver)", () => {
	it("pairwise names every conflicting pair --all names, never a three-way conflict as a pair, and claims nothing it did not prove", async () => {
		const shapes = fc.constantFrom(
			[
				["1-of-N", 3],
				["1-of-N", 3],
				["1-of-N", 2],
				["M-of-N", 2],
			] as const,
			[
				["1-of-N", 4],
				["1-of-N", 3],
				["M-of-N", 3],
			] as const,
			[
				["1-of-N", 3],
				["1-of-N", 3],
				["1-of-N", 3],
				["1-of-N", 2],
			] as const,
			[
				["1-of-N", 2],
				["1-of-N", 2],
				["M-of-N", 2],
				["M-of-N", 2],
			] as const,
		);
		await fc.assert(
			fc.asyncProperty(shapes, fc.integer({ min: 0, max: 2 ** 31 }), fc.boolean(), async (shape, seed, noisy) => {
				const registry = registryOf(shape);
				const all = planMatrix(registry, "all");
				const pairwisePlan = planMatrix(registry, "pairwise");
				expect(all.space ?? 0).toBeGreaterThanOrEqual(48);
				expect(pairwisePlan.combinations.length).toBeLessThanOrEqual((all.space ?? 0) / 2);
				// plant two pairs and a three-way set among choices of different groups
				const choices = [...registry.groups.values()].map((g) => g.options.map((o) => `${g.key}=${o}`));
				let state = seed | 1;
				const pick = (list: readonly string[]) => {
					// xorshift32: every residue is reached, whatever the list's length
					state ^= state << 13;
					state ^= state >>> 17;
					state ^= state << 5;
					return list[(state >>> 0) % list.length] ?? "";
				};
				const across = (n: number) => {
					const groups = [...choices.keys()];
					const chosen: string[] = [];
					while (chosen.length < n) {
						const g = pick(groups.map(String));
						const list = choices[Number(g)] ?? [];
						if (chosen.some((c) => c.startsWith(`g${g}=`))) continue;
						chosen.push(pick(list));
					}
					return chosen.sort();
				};
				const triple = across(3);
				const pairs = [across(2), across(2)]
					.filter((p) => !(triple.includes(p[0] ?? "") && triple.includes(p[1] ?? "")))
					.filter((p, i, all) => all.findIndex((q) => q.join() === p.join()) === i);
				const planted = [...pairs, triple];
				const full = await prove(registry, "all", planted, noisy);
				const pairwise = await prove(registry, "pairwise", planted, noisy);
				// the same conflicting pairs, each a planted pair, never two choices of the triple
				expect(conflictPairs(pairwise.proof)).toEqual(conflictPairs(full.proof));
				expect(conflictPairs(pairwise.proof)).toEqual(pairs.map((p) => p.join("|")).sort());
				// --all holds the triple somewhere and names it as a set of three; pairwise may not hold it
				// at all (it covers pairs), but whatever it names is a planted set, never part of one
				// (when some combination holds it without a planted pair, which would be found first)
				const visible = all.combinations.some((combination) => {
					const held = choiceKeysOf(combination);
					return triple.every((c) => held.includes(c)) && !pairs.some((p) => p.every((c) => held.includes(c)));
				});
				if (visible) expect(full.proof.conflicts.map((set) => set.join("|"))).toContain(triple.join("|"));
				for (const set of pairwise.proof.conflicts) expect(planted.map((p) => p.join("|"))).toContain(set.join("|"));
				// nothing claimed without proof: a pair pairwise calls compatible, --all does too; a pair left
				// open is one every allowed combination holding it also holds a known conflict, and says so
				const status = (proof: typeof full.proof) => new Map(proof.pairs.map((p) => [`${p.a}|${p.b}`, p.status]));
				const fullStatus = status(full.proof);
				for (const [pair, said] of status(pairwise.proof)) {
					if (said !== "uncovered") expect(fullStatus.get(pair), pair).toBe(said);
				}
				for (const open of pairwise.proof.pairs.filter((p) => p.status === "uncovered"))
					expect(open.reason).toMatch(/also holds a known conflict/);
				// the triple's pairs go together (a combination without its third choice resolved)
				for (const [a, b] of [
					[triple[0], triple[1]],
					[triple[1], triple[2]],
					[triple[0], triple[2]],
				])
					expect(pairwise.proof.pairs.find((p) => p.a === a && p.b === b)?.status).not.toBe("conflict");
			}),
			{ numRuns: 60 },
		);
	});

	it("an option that fails alone is a set of one; its pairs are not blamed", async () => {
		const registry = registryOf([
			["1-of-N", 3],
			["1-of-N", 3],
			["M-of-N", 3],
		]);
		const { proof } = await prove(registry, "pairwise", [["g0=o0a"], ["g1=o1b", "g2=o2c"]], true);
		expect(proof.conflicts.map((s) => s.join("|")).sort()).toEqual(["g0=o0a", "g1=o1b|g2=o2c"]);
		expect(conflictPairs(proof)).toEqual(["g1=o1b|g2=o2c"]);
		// the pairs of the option that fails alone are open, and say why; every other pair is settled
		const open = proof.pairs.filter((p) => p.status === "uncovered");
		expect(open.length).toBeGreaterThan(0);
		for (const pair of open) {
			expect([pair.a, pair.b]).toContain("g0=o0a");
			expect(pair.reason).toBe("not tried together: g0=o0a fails on its own");
		}
	});
});

describe("what a matrix proves under the registry's rules (stand-in resolver)", () => {
	it("a pair proven only by a set that leaves out what one of them requires is not called compatible", async () => {
		// d2 requires d3; d3 conflicts with b2 (in uv's terms): b2 and d2 resolve together alone, but
		// every combination the rules allow with d2 holds d3 too
		const registry = registryOf([
			["1-of-N", 2],
			["1-of-N", 2],
			["M-of-N", 2],
		]);
		const g2 = registry.groups.get("g2");
		if (!g2) throw new Error("no g2");
		(registry.groups as Map<string, typeof g2>).set("g2", {
			...g2,
			constraints: [
				{
					kind: "requires",
					option: "o2a",
					target: { group: "g2", option: "o2b" },
					text: "g2=o2b",
					location: { file: "g2" },
				},
			],
		});
		// narrowing a failing combination resolved the subset {o1b, o2a}: true of uv, not of the rules
		// eslint-disable-next-line require-yield
		async function* runWave(combinations: readonly Selection[]): AsyncGenerator<never, Evidence[]> {
			return combinations.map((combination) => {
				const held = choiceKeysOf(combination);
				const fails = held.includes("g1=o1b") && held.includes("g2=o2b");
				return fails
					? { ok: false, conflicts: [["g1=o1b", "g2=o2b"]], resolved: [["g1=o1b", "g2=o2a"]], unexplained: false }
					: { ok: true, conflicts: [], resolved: [held], unexplained: false };
			});
		}
		for (const how of ["all", "pairwise"] as const) {
			const events = proveMatrix(registry, planMatrix(registry, how).combinations, runWave);
			let next = await events.next();
			while (!next.done) next = await events.next();
			const pair = next.value.pairs.find((p) => p.a === "g1=o1b" && p.b === "g2=o2a");
			expect(pair?.status, how).toBe("uncovered");
		}
	});

	it("a pair the rules allow only alongside a known conflict says so (a requires brings the conflict)", async () => {
		const rule = (option: string, group: string, target: string) => ({
			kind: "requires" as const,
			option,
			target: { group, option: target },
			text: `${group}=${target}`,
			location: { file: "ext" },
		});
		const registry = memoryRegistry([
			memoryGroup("back", "1-of-N", ["a1", "a2"], { required: false }),
			memoryGroup("ext", "M-of-N", ["x", "y", "b2"], {
				constraints: [rule("y", "back", "a1"), rule("y", "ext", "b2")],
			}),
		]);
		for (const how of ["all", "pairwise"] as const) {
			const { proof } = await prove(registry, how, [["back=a1", "ext=b2"]]);
			const pair = proof.pairs.find((p) => p.a === "ext=x" && p.b === "ext=y");
			expect(pair, how).toMatchObject({
				status: "uncovered",
				reason:
					"not proven: every combination the rules allow with both also holds a known conflict (back=a1 + ext=b2)",
			});
		}
	});

	it("a project whose own dependencies fail: the matrix says so, and no pair is called compatible", async () => {
		const registry = registryOf([
			["1-of-N", 2],
			["M-of-N", 2],
		]);
		const plan = planMatrix(registry, "pairwise");
		// eslint-disable-next-line require-yield
		async function* runWave(combinations: readonly Selection[]): AsyncGenerator<never, Evidence[]> {
			return combinations.map(() => ({
				ok: false,
				conflicts: [],
				resolved: [],
				unexplained: true,
				projectFails: true,
			}));
		}
		const events = proveMatrix(registry, plan.combinations, runWave);
		let next = await events.next();
		while (!next.done) next = await events.next();
		expect(next.value.projectFails).toBe(true);
		expect(next.value.pairs.every((p) => p.status === "uncovered")).toBe(true);
		for (const pair of next.value.pairs)
			expect(pair.reason).toBe("not proven: the project's own dependencies do not resolve, whatever is chosen");
	});
});

describe("minimal blame (stand-in resolver)", () => {
	const run = async (items: string[], planted: string[][], base = true) => {
		// eslint-disable-next-line require-yield
		async function* test(subset: readonly string[]): AsyncGenerator<never, Outcome<string>> {
			if (!base) return { ok: false, suspects: [] };
			const hit = planted.find((set) => set.every((choice) => subset.includes(choice)));
			// uv names the whole subset: the worst hint
			return hit ? { ok: false, suspects: [...subset] } : { ok: true };
		}
		const events = minimalConflicts(items, (c) => c, test);
		let next = await events.next();
		while (!next.done) next = await events.next();
		return next.value;
	};

	it("five independent conflicts are five minimal sets", async () => {
		const planted = [["a"], ["b", "c"], ["d", "e"], ["f", "g", "h"], ["i", "j"]];
		const blame = await run(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"], planted);
		expect(blame.conflicts.map((c) => c.items.join("")).sort()).toEqual(["a", "bc", "de", "fgh", "ij"]);
		expect(blame.truncated).toBe(false);
		expect(blame.resolutions).toBeLessThanOrEqual(40);
	});

	it("the project failing alone blames no choice", async () => {
		const blame = await run(["a", "b"], [], false);
		expect(blame.conflicts).toEqual([]);
		expect(blame.projectFails).toBeDefined();
	});

	it("a choice that needs a package only a set-aside conflict brings is not called a conflict of its own", async () => {
		// a needs the package p brings; p conflicts with x
		// eslint-disable-next-line require-yield
		async function* test(subset: readonly string[]): AsyncGenerator<never, Outcome<string>> {
			if (subset.includes("a") && !subset.includes("p")) return { ok: false, suspects: ["a"], missing: ["p-pkg"] };
			if (subset.includes("p") && subset.includes("x")) return { ok: false, suspects: [...subset] };
			return { ok: true };
		}
		const events = minimalConflicts(["a", "p", "x", "q"], (c) => c, test);
		let next = await events.next();
		while (!next.done) next = await events.next();
		expect(next.value.conflicts.map((c) => c.items.join("+"))).toEqual(["p+x"]);
		expect(next.value.incomplete).toBe(true);
	});

	it("past the limit it says more may exist", async () => {
		const planted = Array.from({ length: 14 }, (_, i) => [`x${i}`]);
		const blame = await run(
			planted.map((p) => p[0] ?? ""),
			planted,
		);
		expect(blame.truncated).toBe(true);
		expect(blame.conflicts.length).toBeGreaterThan(0);
	});
});
