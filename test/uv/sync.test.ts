import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, read, snapshot } from "../helpers/run.js";
import { gitRepo, installed, registerPackage, uvEnv, uvSpy, writePackage } from "../helpers/uv.js";

type Pyproject = {
	project: { dependencies: string[] };
	tool: { hpm: { managed?: string[]; mode?: string }; uv?: { sources?: Record<string, Record<string, unknown>> } };
};
const pyproject = (dir: string) => parse(read(path.join(dir, "pyproject.toml"))) as unknown as Pyproject;
const locked = (dir: string) =>
	(parse(read(path.join(dir, "uv.lock"))) as { package: { name: string }[] }).package.map((p) => p.name).sort();
const bytes = (dir: string) => ({
	pyproject: readFileSync(path.join(dir, "pyproject.toml")),
	lock: readFileSync(path.join(dir, "uv.lock")),
});

describe("hpm sync (real uv)", () => {
	it("from empty: one uv add, then lock and environment match the selection; a second sync changes nothing", () => {
		// Given the example with three options selected, and a uv spy counting invocations
		const dir = copyExample();
		hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
		const spy = uvSpy();

		// When it syncs
		const first = hpm(["sync"], { cwd: dir, env: uvEnv(spy.env) });

		// Then exactly one editing uv command ran: one `uv add`
		expect(first.stderr).toContain("+ vlm-adapter-qwen==0.1.0");
		expect(first.code).toBe(0);
		// (a read-only `uv sync --locked --check` edits nothing)
		const edits = spy
			.calls()
			.filter((args) => ["add", "remove", "sync", "lock"].includes(args[0] ?? "") && !args.includes("--check"));
		expect(edits.map((args) => args[0])).toEqual(["add"]);
		expect(first.stdout).toContain("synced: pyproject.toml, uv.lock and .venv match the selection");
		const data = pyproject(dir);
		expect(data.project.dependencies).toEqual(["metric-bleu", "metric-rouge", "vlm-adapter-qwen"]);
		expect(data.tool.hpm.managed).toEqual(["metric-bleu", "metric-rouge", "vlm-adapter-qwen"]);
		expect(data.tool.uv?.sources?.["vlm-adapter-qwen"]).toEqual({ path: "packages/vlm_adapter_qwen" });
		expect(locked(dir)).toEqual(["hpm-demo", "metric-bleu", "metric-rouge", "vlm-adapter-qwen", "vlm-interface"]);
		expect(installed(dir)).toEqual(["metric-bleu", "metric-rouge", "vlm-adapter-qwen", "vlm-interface"]);
		expect(hpm(["list", "--json"], { cwd: dir }).stdout).not.toContain('"synced": false');

		// When it syncs again
		const before = snapshot(dir);
		const calls = spy.calls().length;
		const second = hpm(["sync", "--json"], { cwd: dir, env: uvEnv(spy.env) });
		// Then nothing to do, no editing uv command, every file byte-identical
		expect(JSON.parse(second.stdout)).toEqual({
			plan: { add: [], remove: [], switch: [], unchanged: ["vlm-adapter-qwen", "metric-bleu", "metric-rouge"] },
			changed: false,
			dryRun: false,
			mode: "prod",
		});
		// no editing uv command: the environment check only (the spy is a script, so uv's version is
		// asked every time: a wrapper may run another uv on every call)
		expect(
			spy
				.calls()
				.slice(calls)
				.map((args) => args.filter((a) => !["--color", "never"].includes(a)).join(" ")),
		).toEqual(["self version --output-format json", "sync --locked --check"]);
		expect(snapshot(dir)).toEqual(before);
	});

	it("--dry-run prints the plan and changes nothing", () => {
		const dir = copyExample();
		const before = snapshot(dir);
		const result = hpm(["sync", "--dry-run"], { cwd: dir, env: uvEnv() });
		expect(result.code).toBe(0);
		expect(result.stdout).toBe(
			"plan (mode prod):\n  + vlm-adapter-qwen  local packages/vlm_adapter_qwen  (inference)\n  + metric-bleu  local packages/metric_bleu  (metrics)\ndry run: nothing was changed\n",
		);
		expect(snapshot(dir)).toEqual(before);
	});

	it("switching a 1-of-N option removes the old package from pyproject, uv.lock and the environment", () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], { cwd: dir });
		const result = hpm(["sync"], { cwd: dir, env: uvEnv() });
		expect(result.code).toBe(0);
		expect(result.stdout).toContain("  + vlm-adapter-deepseek");
		expect(result.stdout).toContain("  - vlm-adapter-qwen");
		expect(pyproject(dir).project.dependencies).toEqual(["metric-bleu", "vlm-adapter-deepseek"]);
		expect(pyproject(dir).tool.uv?.sources?.["vlm-adapter-qwen"]).toBeUndefined();
		expect(locked(dir)).not.toContain("vlm-adapter-qwen");
		expect(installed(dir)).toEqual(["metric-bleu", "vlm-adapter-deepseek", "vlm-interface"]);
	});

	it("never removes a dependency the user added by hand, through any number of syncs", () => {
		const dir = copyExample();
		writePackage(path.join(dir, "tools/my_tool"), "my-tool");
		// the user's own dependency, added with uv directly
		execFileSync("uv", ["add", "--no-workspace", "./tools/my_tool"], {
			cwd: dir,
			env: { ...process.env, ...uvEnv() },
			stdio: "ignore",
		});
		for (const option of ["vlm-adapter-deepseek", "vlm-adapter-qwen"]) {
			hpm(["group", "add", "inference", "-o", option], { cwd: dir });
			expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
			expect(pyproject(dir).project.dependencies).toContain("my-tool");
			expect(installed(dir)).toContain("my-tool");
		}
		// the example's groups demand a choice (required, min); without those rules every choice can go
		for (const [name, rule] of [
			["inference", /^required:.*\n/m],
			["metrics", /^min:.*\n/m],
		] as const) {
			const group = path.join(dir, `registry/groups/${name}.yaml`);
			writeFileSync(group, readFileSync(group, "utf8").replace(rule, ""));
		}
		hpm(["group", "remove", "inference"], { cwd: dir });
		hpm(["group", "remove", "metrics"], { cwd: dir });
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		expect(pyproject(dir).project.dependencies).toEqual(["my-tool"]);
		expect(pyproject(dir).tool.hpm.managed).toBeUndefined();
		expect(installed(dir)).toEqual(["my-tool"]);
	});

	it("dev vs prod mode switches a source (path → editable path) and back", () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const dev = hpm(["sync", "--mode", "dev"], { cwd: dir, env: uvEnv() });
		expect(dev.code).toBe(0);
		expect(dev.stdout).toContain(
			"~ vlm-adapter-qwen  local packages/vlm_adapter_qwen (editable)  (inference)  switch source, was local packages/vlm_adapter_qwen",
		);
		expect(pyproject(dir).tool.uv?.sources?.["vlm-adapter-qwen"]).toEqual({
			path: "packages/vlm_adapter_qwen",
			editable: true,
		});
		expect(read(path.join(dir, "uv.lock"))).toContain('source = { editable = "packages/vlm_adapter_qwen" }');
		// the mode is recorded: a plain sync stays in dev, `--mode prod` goes back and records prod
		expect(pyproject(dir).tool.hpm?.mode).toBe("dev");
		const again = hpm(["sync"], { cwd: dir, env: uvEnv() });
		expect(again.stdout).toContain("nothing to do");
		expect(hpm(["sync", "--mode", "prod"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		expect(pyproject(dir).tool.uv?.sources?.["vlm-adapter-qwen"]).toEqual({ path: "packages/vlm_adapter_qwen" });
		expect(pyproject(dir).tool.hpm?.mode).toBe("prod");
	});

	it("installs a git source from a local bare repository by tag, branch and rev, recorded as uv's own flags would", () => {
		const dir = copyExample();
		const bare = gitRepo(path.join(dir, "packages/metric_rouge"), "v0.1.0");
		const manifest = (ref: string) =>
			`name: "metric-rouge"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "git"\n    url: "file://${bare}"\n    ${ref}\n`;
		registerPackage(dir, manifest('tag: "v0.1.0"'), "metric-rouge");
		hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir });
		const env = uvEnv({ UV_OFFLINE: undefined });
		const byTag = hpm(["sync"], { cwd: dir, env });
		expect(byTag.stderr).toContain("+ metric-rouge==0.1.0 (from git+file://");
		expect(byTag.code).toBe(0);
		// as `uv add --tag v0.1.0` records it, not as `rev` (what a ref inside the URL becomes)
		expect(pyproject(dir).tool.uv?.sources?.["metric-rouge"]).toEqual({ git: `file://${bare}`, tag: "v0.1.0" });
		expect(read(path.join(dir, "uv.lock"))).toContain(`git = "file://${bare}?tag=v0.1.0`);
		expect(installed(dir)).toContain("metric-rouge");
		expect(hpm(["sync"], { cwd: dir, env }).stdout).toContain("nothing to do");

		registerPackage(dir, manifest('branch: "main"'), "metric-rouge");
		const byBranch = hpm(["sync"], { cwd: dir, env });
		expect(byBranch.code).toBe(0);
		expect(byBranch.stdout).toContain("~ metric-rouge  git file://");
		expect(pyproject(dir).tool.uv?.sources?.["metric-rouge"]).toEqual({ git: `file://${bare}`, branch: "main" });
		expect(read(path.join(dir, "uv.lock"))).toContain(`git = "file://${bare}?branch=main`);
		expect(hpm(["sync"], { cwd: dir, env }).stdout).toContain("nothing to do");

		// the same value as a rev is a different source: the project is switched to it
		registerPackage(dir, manifest('rev: "main"'), "metric-rouge");
		expect(hpm(["sync"], { cwd: dir, env }).code).toBe(0);
		expect(pyproject(dir).tool.uv?.sources?.["metric-rouge"]).toEqual({ git: `file://${bare}`, rev: "main" });
		expect(hpm(["sync"], { cwd: dir, env }).stdout).toContain("nothing to do");
	});

	it("adds a tagged git source, a branch and a local path in one sync (one uv add per ref) and syncs once", () => {
		const dir = copyExample();
		const rouge = gitRepo(path.join(dir, "packages/metric_rouge"), "v0.1.0");
		const bleu = gitRepo(path.join(dir, "packages/metric_bleu"), "v0.1.0");
		const git = (name: string, url: string, ref: string) =>
			`name: "${name}"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "git"\n    url: "file://${url}"\n    ${ref}\n`;
		registerPackage(dir, git("metric-rouge", rouge, 'tag: "v0.1.0"'), "metric-rouge");
		registerPackage(dir, git("metric-bleu", bleu, 'branch: "main"'), "metric-bleu");
		hpm(["group", "add", "metrics", "-o", "metric-rouge", "-o", "metric-bleu"], { cwd: dir });
		const spy = uvSpy();
		const result = hpm(["sync"], { cwd: dir, env: uvEnv({ ...spy.env, UV_OFFLINE: undefined }) });
		expect(result.code, result.stderr).toBe(0);
		const sources = pyproject(dir).tool.uv?.sources ?? {};
		expect(sources["metric-rouge"]).toEqual({ git: `file://${rouge}`, tag: "v0.1.0" });
		expect(sources["metric-bleu"]).toEqual({ git: `file://${bleu}`, branch: "main" });
		expect(sources["vlm-adapter-qwen"]).toEqual({ path: "packages/vlm_adapter_qwen" });
		const calls = spy.calls().filter((args) => args[0] === "add" || args[0] === "sync");
		expect(calls.filter((args) => args[0] === "add")).toHaveLength(3);
		// uv's resolver runs once: the first calls only edit pyproject.toml, the last one locks
		const adds = calls.filter((args) => args[0] === "add");
		expect(adds.map((args) => args.includes("--frozen"))).toEqual([true, true, false]);
		expect(adds.at(-1)).toContain("--no-sync");
		expect(calls.at(-1)).toEqual(expect.arrayContaining(["sync", "--locked"]));
		expect(calls.at(-1)?.[0]).toBe("sync");
		expect(installed(dir)).toEqual(expect.arrayContaining(["metric-rouge", "metric-bleu", "vlm-adapter-qwen"]));
		expect(hpm(["sync"], { cwd: dir, env: uvEnv({ UV_OFFLINE: undefined }) }).stdout).toContain("nothing to do");
	});

	it("when uv fails mid-sync (a broken local package) pyproject.toml and uv.lock are restored byte for byte", () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const before = bytes(dir);
		// a package that locks fine but cannot be built: its module is missing
		writePackage(path.join(dir, "packages/metric_broken"), "metric-broken");
		rmSync(path.join(dir, "packages/metric_broken/src"), { recursive: true });
		registerPackage(
			dir,
			'name: "metric-broken"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/metric_broken"\n',
			"metric-broken",
			"metrics",
		);
		hpm(["group", "add", "metrics", "-o", "metric-broken"], { cwd: dir });
		hpm(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], { cwd: dir });
		const selected = readFileSync(path.join(dir, "pyproject.toml"));

		const result = hpm(["sync"], { cwd: dir, env: uvEnv() });

		expect(result.code).toBe(1);
		expect(result.stderr).toContain("restored pyproject.toml and uv.lock");
		expect(result.stderr).toMatch(
			/error: uv (add|sync) failed \(exit \d\): metrics=metric-broken: the package failed to build: Expected a Python module at: \S+; pyproject.toml and uv.lock were restored/,
		);
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(selected);
		expect(readFileSync(path.join(dir, "uv.lock"))).toEqual(before.lock);
	});

	it("refuses a selection whose package has no source for the mode, before running uv", () => {
		const dir = copyExample();
		const before = snapshot(dir);
		// a mode no selected package offers: one error listing the modes they do offer
		const result = hpm(["sync", "--mode", "staging"], { cwd: dir, env: uvEnv() });
		// exit 1, as `hpm check --mode staging` exits for the same problem
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('mode "staging" is not a mode of the selected packages; they offer: prod, dev');
		expect(snapshot(dir)).toEqual(before);
		// a mode only some offer: each package without it is named
		const qwen = path.join(dir, "registry/packages/vlm-adapter-qwen.yaml");
		writeFileSync(qwen, `${read(qwen)}  gpu:\n    type: "local"\n    path: "../../packages/vlm_adapter_qwen"\n`);
		const some = hpm(["sync", "--mode", "gpu"], { cwd: dir, env: uvEnv() });
		expect(some.code).toBe(1);
		expect(some.stdout).toContain('package "metric-bleu" has no source for mode "gpu" (it has: prod, dev)');
	});
});

describe("hpm install --manifest (real uv)", () => {
	it("installs one package from its manifest as the user's own dependency", () => {
		const dir = copyExample();
		const result = hpm(["install", "--manifest", "registry/packages/metric-rouge.yaml", "--mode", "dev"], {
			cwd: dir,
			env: uvEnv(),
		});
		expect(result.code).toBe(0);
		expect(result.stdout).toBe("installed metric-rouge (dev): -e ./packages/metric_rouge\n");
		expect(pyproject(dir).tool.uv?.sources?.["metric-rouge"]).toEqual({
			path: "packages/metric_rouge",
			editable: true,
		});
		expect(installed(dir)).toEqual(["metric-rouge"]);
		// hpm does not own it: a sync keeps it
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		expect(pyproject(dir).project.dependencies).toContain("metric-rouge");
		expect(pyproject(dir).tool.hpm.managed).toEqual(["metric-bleu", "vlm-adapter-qwen"]);
	});

	it("a broken manifest is an error naming file and line, and nothing changes", () => {
		const dir = copyExample();
		writeFileSync(path.join(dir, "bad.yaml"), 'name: "x"\nversion: 1\nsources: {}\n');
		const before = snapshot(dir);
		const result = hpm(["install", "--manifest", "bad.yaml"], { cwd: dir, env: uvEnv() });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(`${path.join(dir, "bad.yaml")}:2:10: version must be a string, got number 1`);
		expect(snapshot(dir)).toEqual(before);
	});
});
