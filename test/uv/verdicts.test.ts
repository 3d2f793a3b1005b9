import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildWheel } from "../helpers/index.js";
import { copyExample, hpm, snapshot, tempDir } from "../helpers/run.js";
import { registerPackage, uvEnv, uvSpy, writePackage } from "../helpers/uv.js";

/**
 * Verdicts against the real uv, on packages that conflict the way PyPI's do: versions of shared
 * libraries (stand-ins for attrs, numpy, pydantic, requests) in a local find-links folder, and an
 * option that needs a newer Python than the project allows.
 */
let wheels: string;
beforeAll(() => {
	wheels = tempDir("hpm-verdict-wheels-");
	for (const [name, versions] of [
		["core-iface", ["1.0.0", "2.0.0"]],
		["lib-attrs", ["21.0.0", "23.0.0"]],
		["lib-np", ["1.0.0", "2.0.0"]],
		["lib-pyd", ["1.0.0", "2.0.0"]],
		["lib-req", ["1.0.0", "2.0.0"]],
	] as const)
		for (const version of versions) buildWheel(name, version, wheels);
}, 120_000);

const env = () => uvEnv({ UV_FIND_LINKS: wheels });

/** The example with one more group of options, each a local package with these dependencies. */
function projectWith(
	groups: Record<string, { strategy: "1-of-N" | "M-of-N"; options: Record<string, string[]> }>,
	projectDependencies: string[] = [],
	pythonOf: Record<string, string> = {},
): string {
	const dir = copyExample();
	for (const [group, { strategy, options }] of Object.entries(groups)) {
		writeFileSync(
			path.join(dir, "registry/groups", `${group}.yaml`),
			`name: "${group}"\nstrategy: "${strategy}"\noptions:\n`,
		);
		for (const [name, dependencies] of Object.entries(options)) {
			const folder = path.join(dir, "packages", name.replace(/-/g, "_"));
			writePackage(folder, name, "0.1.0", dependencies);
			const python = pythonOf[name];
			if (python) {
				const file = path.join(folder, "pyproject.toml");
				writeFileSync(
					file,
					readFileSync(file, "utf8").replace('requires-python = ">=3.11"', `requires-python = "${python}"`),
				);
			}
			registerPackage(
				dir,
				`name: "${name}"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/${name.replace(/-/g, "_")}"\n`,
				name,
				group,
			);
		}
	}
	if (projectDependencies.length > 0) {
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(
			file,
			readFileSync(file, "utf8").replace(
				"dependencies = []",
				`dependencies = [${projectDependencies.map((d) => JSON.stringify(d)).join(", ")}]`,
			),
		);
	}
	return dir;
}

type Problem = { code: string; message: string; choices?: string[]; proven?: boolean };
const checkJson = (dir: string) => {
	const result = hpm(["check", "--json"], { cwd: dir, env: env() });
	return { code: result.code, problems: (JSON.parse(result.stdout) as { problems: Problem[] }).problems };
};

describe("check blames exactly the choices at fault (real uv)", () => {
	it("an option the project's own pin rules out is named alone, with any other choice; the innocent are not named", () => {
		const dir = projectWith(
			{
				backend: { strategy: "1-of-N", options: { "slow-backend": ["core-iface>=1"], "fast-backend": [] } },
				extra: { strategy: "M-of-N", options: { "metric-old": ["core-iface<2"], "metric-b": [] } },
			},
			["core-iface==2.0.0"],
		);
		hpm(["group", "add", "backend", "-o", "slow-backend"], { cwd: dir });
		hpm(["group", "add", "extra", "-o", "metric-old", "-o", "metric-b"], { cwd: dir });
		const before = snapshot(dir);
		const pyprojectBefore = readFileSync(path.join(dir, "pyproject.toml"));
		const { code, problems } = checkJson(dir);
		expect(code).toBe(1);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatchObject({
			code: "resolution",
			choices: ["extra=metric-old"],
			proven: true,
		});
		expect(problems[0]?.message).toMatch(/^extra=metric-old cannot be installed with the rest of the project: /);
		expect(problems[0]?.message).toContain("core-iface<2");
		expect(problems[0]?.message).not.toMatch(/slow-backend|metric-b|fast-backend/);
		expect(snapshot(dir)).toEqual(before);
		// sync fails the same way, with the same verdict, and restores the files
		const sync = hpm(["sync", "--json"], { cwd: dir, env: env() });
		expect(sync.code).toBe(1);
		const error = (JSON.parse(sync.stdout) as { error: { message: string; problems: Problem[] } }).error;
		expect(error.message).toMatch(/failed: extra=metric-old cannot be installed with the rest of the project: /);
		expect(error.message).not.toMatch(/slow-backend|metric-b|fast-backend/);
		expect(error.problems.map((p) => p.choices)).toEqual([["extra=metric-old"]]);
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(pyprojectBefore);
	});

	it("five independent conflicts are all reported, each a minimal set with the packages at its heart", () => {
		const dir = projectWith(
			{
				py: { strategy: "M-of-N", options: { "needs-py313": [] } },
				web: { strategy: "M-of-N", options: { "web-new": ["lib-req>=2"], "web-old": ["lib-req<2"] } },
				api: { strategy: "M-of-N", options: { "api-pyd2": ["lib-pyd>=2"], "api-pyd1": ["lib-pyd<2"] } },
				plug: {
					strategy: "M-of-N",
					options: {
						"plug-attrs-new": ["lib-attrs>=23"],
						"plug-attrs-old": ["lib-attrs<22"],
						"plug-np2": ["lib-np>=2"],
						"plug-np1": ["lib-np<2"],
						"plug-quiet": [],
					},
				},
			},
			[],
			{ "needs-py313": ">=3.13" },
		);
		for (const [group, options] of [
			["py", ["needs-py313"]],
			["web", ["web-new", "web-old"]],
			["api", ["api-pyd2", "api-pyd1"]],
			["plug", ["plug-attrs-new", "plug-attrs-old", "plug-np2", "plug-np1", "plug-quiet"]],
		] as const)
			expect(hpm(["group", "add", group, ...options.flatMap((o) => ["-o", o])], { cwd: dir }).code).toBe(0);
		const spy = uvSpy();
		const result = hpm(["check", "--json"], { cwd: dir, env: { ...env(), ...spy.env } });
		expect(result.code).toBe(1);
		const problems = (JSON.parse(result.stdout) as { problems: Problem[] }).problems;
		const sets = problems.map((p) => (p.choices ?? []).join(" + ")).sort();
		expect(sets).toEqual([
			"api=api-pyd2 + api=api-pyd1",
			"plug=plug-attrs-new + plug=plug-attrs-old",
			"plug=plug-np2 + plug=plug-np1",
			"py=needs-py313",
			"web=web-new + web=web-old",
		]);
		expect(problems.every((p) => p.proven === true)).toBe(true);
		const byChoice = (choice: string) => problems.find((p) => p.choices?.includes(choice))?.message ?? "";
		expect(byChoice("py=needs-py313")).toBe(
			"py=needs-py313 cannot be installed with the rest of the project: needs-py313 needs Python >=3.13; the project's requires-python is >=3.11",
		);
		expect(byChoice("plug=plug-attrs-new")).toMatch(
			/: lib-attrs>=23 vs lib-attrs<22$|: lib-attrs<22 vs lib-attrs>=23$/,
		);
		expect(byChoice("api=api-pyd2")).toMatch(/lib-pyd>=2 vs lib-pyd<2|lib-pyd<2 vs lib-pyd>=2/);
		expect(problems.some((p) => p.code === "more-conflicts")).toBe(false);
		// the bound README states: 64 resolutions per failing selection
		const locks = spy.calls().filter((call) => call[0] === "lock").length;
		expect(locks).toBeGreaterThan(5);
		expect(locks).toBeLessThanOrEqual(64);
	});

	it("a project whose own dependencies do not resolve blames no option", () => {
		const dir = projectWith({ extra: { strategy: "M-of-N", options: { "metric-x": ["lib-np>=1"] } } }, ["lib-np>=9"]);
		hpm(["group", "add", "extra", "-o", "metric-x"], { cwd: dir });
		const { code, problems } = checkJson(dir);
		expect(code).toBe(1);
		expect(problems, JSON.stringify(problems, null, 1)).toHaveLength(1);
		expect(problems[0]).toMatchObject({ code: "project-unresolvable", choices: [] });
		expect(problems[0]?.message).toMatch(/^the project's own dependencies do not resolve, whatever is chosen/);
		expect(problems[0]?.message).not.toContain("metric-x");
	});
});

describe("check agrees with sync, and a synced selection is proven by its lock (real uv)", () => {
	/** A workspace at ws/ whose member ws/members/ws_a is itself an hpm project, and a component outside it. */
	function workspaceWithOutsideComponent(): { root: string; member: string } {
		const top = tempDir("hpm-ws-outside-");
		const root = path.join(top, "ws");
		const dir = copyExample();
		mkdirSync(root);
		// the example copied into ws/ (its registry paths are relative, so they hold)
		for (const entry of ["pyproject.toml", "registry", "packages"])
			cpSync(path.join(dir, entry), path.join(root, entry), { recursive: true });
		appendFileSync(path.join(root, "pyproject.toml"), '\n[tool.uv.workspace]\nmembers = ["members/*"]\n');
		writePackage(path.join(root, "members/ws_a"), "ws-a");
		writePackage(path.join(top, "ext/ext_pkg"), "ext-pkg");
		writeFileSync(
			path.join(root, "registry/packages/ext-pkg.yaml"),
			'name: "ext-pkg"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../../ext/ext_pkg"\n',
		);
		appendFileSync(path.join(root, "registry/groups/metrics.yaml"), '  - name: "ext-pkg"\n');
		const member = path.join(root, "members/ws_a");
		appendFileSync(
			path.join(member, "pyproject.toml"),
			'\n[tool.hpm]\nmode = "prod"\nregistry = "../../registry"\n\n[tool.hpm.groups]\ninference = "vlm-adapter-qwen"\nmetrics = ["ext-pkg"]\n',
		);
		return { root, member };
	}

	for (const where of ["root", "member"] as const)
		it(`a component outside the workspace folder, chosen in the workspace's ${where}: check, sync, check again all pass`, () => {
			const { root, member } = workspaceWithOutsideComponent();
			const cwd = where === "root" ? root : member;
			if (where === "root") expect(hpm(["group", "add", "metrics", "-o", "ext-pkg"], { cwd }).code).toBe(0);
			const first = hpm(["check"], { cwd, env: env() });
			expect(first.code, first.stdout + first.stderr).toBe(0);
			const sync = hpm(["sync"], { cwd, env: env() });
			expect(sync.code, sync.stderr).toBe(0);
			const again = hpm(["check"], { cwd, env: env() });
			expect(again.code, again.stdout + again.stderr).toBe(0);
			expect(again.stderr).toContain("already synced: uv.lock is current");
			// an absolute path in the registry works alike
			const manifest = path.join(root, "registry/packages/ext-pkg.yaml");
			writeFileSync(
				manifest,
				readFileSync(manifest, "utf8").replace("../../../ext/ext_pkg", path.join(path.dirname(root), "ext/ext_pkg")),
			);
			const absolute = hpm(["check"], { cwd, env: env() });
			expect(absolute.code, absolute.stdout + absolute.stderr).toBe(0);
		});

	for (const [how, table] of [
		["find-links", '[tool.uv]\nfind-links = ["wheels"]\n'],
		["a flat index given as a path", '[[tool.uv.index]]\nname = "local"\nurl = "./wheels"\nformat = "flat"\n'],
		["uv.toml", ""],
	] as const)
		it(`a project whose wheels come from a relative folder (${how}): check agrees with sync`, () => {
			const dir = copyExample();
			cpSync(wheels, path.join(dir, "wheels"), { recursive: true });
			const file = path.join(dir, "pyproject.toml");
			writeFileSync(
				file,
				`${readFileSync(file, "utf8").replace("dependencies = []", 'dependencies = ["lib-np==1.0.0"]')}\n${table}`,
			);
			if (how === "uv.toml") writeFileSync(path.join(dir, "uv.toml"), 'find-links = ["wheels"]\n');
			// the wheels are found only through the project's own setting, relative to its folder
			const own = uvEnv({ UV_NO_CONFIG: undefined });
			const first = hpm(["sync"], { cwd: dir, env: own });
			expect(first.code, first.stdout + first.stderr).toBe(0);
			expect(hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir }).code).toBe(0);
			const check = hpm(["check"], { cwd: dir, env: own });
			expect(check.code, check.stdout + check.stderr).toBe(0);
			expect(check.stderr).toContain("resolving the would-be dependencies");
			expect(hpm(["sync"], { cwd: dir, env: own }).code).toBe(0);
		});

	it("the fast path never skips a [tool.hpm] edit made by hand since the sync", () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: env() }).code).toBe(0);
		const spy = uvSpy();
		const synced = hpm(["check"], { cwd: dir, env: { ...env(), ...spy.env } });
		expect(synced.code).toBe(0);
		expect(spy.calls().filter((c) => c[0] === "lock" && c.includes("--check"))).toHaveLength(1);
		expect(spy.calls().filter((c) => c[0] === "lock" && !c.includes("--check"))).toHaveLength(0);
		// by hand: the conflicting metric, straight into [tool.hpm.groups]
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(
			file,
			readFileSync(file, "utf8").replace('metrics = ["metric-bleu"]', 'metrics = ["metric-bleu", "metric-legacy"]'),
		);
		const edited = hpm(["check"], { cwd: dir, env: env() });
		expect(edited.code).toBe(1);
		expect(edited.stdout).toContain("inference=vlm-adapter-qwen conflicts with metrics=metric-legacy");
	});
});

describe("check --matrix on real conflicts (real uv)", () => {
	it("pairwise names every conflicting pair --all names, each proven, and nothing it did not prove", () => {
		const dir = projectWith({
			api: { strategy: "1-of-N", options: { "api-pyd2": ["lib-pyd>=2"], "api-pyd1": ["lib-pyd<2"] } },
			core: { strategy: "1-of-N", options: { "core-np1": ["lib-np<2"], "core-plain": [] } },
			web: { strategy: "1-of-N", options: { "web-pyd1": ["lib-pyd<2"], "web-any": [] } },
			plugins: {
				strategy: "M-of-N",
				options: { "plug-np2": ["lib-np>=2"], "plug-attrs-old": ["lib-attrs<22"], "plug-attrs-new": ["lib-attrs>=23"] },
			},
		});
		// the example's own groups are left out: only the four above vary
		for (const group of ["inference", "metrics"]) rmSync(path.join(dir, "registry/groups", `${group}.yaml`));
		const cache = tempDir("hpm-verdict-matrix-cache-");
		type Matrix = {
			space: number;
			results: { combination: string; retry: boolean }[];
			pairs: { choices: string[]; status: string }[];
			uncovered: { a: string; b: string; reason: string }[];
		};
		const run = (how: string) => {
			const result = hpm(["check", "--matrix", how, "--json"], { cwd: dir, env: { ...env(), HPM_CACHE_DIR: cache } });
			expect(result.code, result.stderr).toBe(1);
			return JSON.parse(result.stdout) as Matrix;
		};
		const all = run("--all");
		const pairwise = run("--pairwise");
		expect(all.space).toBeGreaterThanOrEqual(48);
		expect(pairwise.results.filter((r) => !r.retry).length).toBeLessThanOrEqual(all.space / 2);
		const conflicts = (m: Matrix) =>
			m.pairs
				.filter((p) => p.status === "conflict")
				.map((p) => [...p.choices].sort().join(" + "))
				.sort();
		const planted = [
			"api=api-pyd2 + web=web-pyd1",
			"core=core-np1 + plugins=plug-np2",
			"plugins=plug-attrs-new + plugins=plug-attrs-old",
		];
		expect(conflicts(all)).toEqual(planted);
		expect(conflicts(pairwise)).toEqual(planted);
		// no set of one or three is made up, and every pair left open says why
		expect(pairwise.pairs.filter((p) => p.status === "fails-alone" || p.status === "set")).toEqual([]);
		for (const open of pairwise.uncovered) expect(open.reason).toMatch(/^not proven: /);
	}, 300_000);
});
