import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BIN, copyExample, hpm, ROOT, tempDir } from "../helpers/run.js";
import { git, uvEnv } from "../helpers/uv.js";

// The generated pipelines are checked twice: by the services' own definitions (GitHub's workflow
// parser from npm; GitLab's CI JSON schema, vendored in test/fixtures from the gitlab-ci-local
// package, which bundles GitLab's app/assets/javascripts/editor/schema/ci.json), and by running their
// own run:/script: steps locally, in order, each job in a fresh clone. The steps that install hpm
// and uv (`uses:`, npm/pip install) need the network: an `hpm` on PATH running dist/ stands for them.

const RUN = `uv run --frozen python -c 'import sys, vlm_interface; print(sys.argv[1:])' "it's"`;
const GOOD = "inference=vlm-adapter-deepseek,metrics=metric-bleu+metric-rouge";
const CONFLICT = "inference=vlm-adapter-qwen,metrics=metric-legacy";

/** A folder holding `hpm`, the built one, for the steps' shell. */
function hpmOnPath(): string {
	const dir = tempDir("hpm-bin-");
	writeFileSync(path.join(dir, "hpm"), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
	chmodSync(path.join(dir, "hpm"), 0o755);
	return dir;
}

/** The example as a git repository holding the pipeline hpm wrote. */
function repository(service: "github" | "gitlab"): { readonly repo: string; readonly file: string } {
	const repo = copyExample();
	const init = hpm(["ci", "init", service, "--run", RUN], { cwd: repo, env: uvEnv() });
	expect(init.code, init.stderr).toBe(0);
	git(["init", "-q"], repo);
	git(["add", "-A"], repo);
	git(["commit", "-qm", "project"], repo);
	const file = path.join(repo, service === "github" ? ".github/workflows/hpm.yml" : ".gitlab-ci.yml");
	return { repo, file };
}

type StepRun = { readonly ok: boolean; readonly output: string; readonly clone: string };

/** Runs `steps` in order, as the service does (bash -e, stop at the first failure), in a fresh clone of `repo`. */
function runJob(repo: string, steps: readonly string[], env: Record<string, string> = {}): StepRun {
	const clone = path.join(tempDir("hpm-job-"), "checkout");
	git(["clone", "-q", repo, clone], path.dirname(clone));
	let output = "";
	for (const step of steps) {
		const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step], {
			cwd: clone,
			encoding: "utf8",
			env: { ...process.env, ...uvEnv(), NO_COLOR: "1", PATH: `${bin}:${process.env.PATH}`, ...env },
			timeout: 120_000,
		});
		output += `$ ${step}\n${run.stdout}${run.stderr}`;
		if (run.status !== 0) return { ok: false, output, clone };
	}
	return { ok: true, output, clone };
}

const installs = (step: string) => /^(npm install -g|pip install) /.test(step);
const bin = hpmOnPath();

type GithubStep = { readonly run?: string; readonly uses?: string };
type GithubJob = { readonly steps: readonly GithubStep[]; readonly env?: Record<string, string> };
const runs = (job: GithubJob) => job.steps.flatMap((s) => (s.run && !installs(s.run) ? [s.run] : []));

describe("hpm ci init github", () => {
	it("writes a workflow GitHub's parser accepts, whose steps lint, plan, and sync then test each combination", () => {
		const { repo, file } = repository("github");
		const content = readFileSync(file, "utf8");

		// GitHub's own parser finds nothing wrong (and does find a broken workflow wrong)
		const parsed = parseWorkflow({ name: "hpm.yml", content }, new NoOperationTraceWriter());
		expect(parsed.context.errors.getErrors()).toEqual([]);
		const broken = parseWorkflow(
			{ name: "hpm.yml", content: content.replace("runs-on:", "runs-onn:") },
			new NoOperationTraceWriter(),
		);
		expect(broken.context.errors.getErrors().length).toBeGreaterThan(0);

		const jobs = (parse(content) as { jobs: Record<string, GithubJob> }).jobs;
		// plan: the registry lints, and the matrix lands in $GITHUB_OUTPUT
		const outputs = path.join(tempDir("hpm-gh-output-"), "output");
		writeFileSync(outputs, "");
		const plan = runJob(repo, runs(jobs.plan ?? { steps: [] }), { GITHUB_OUTPUT: outputs });
		expect(plan.ok, plan.output).toBe(true);
		expect(plan.output).toContain("$ hpm registry lint");
		const matrix = JSON.parse(readFileSync(outputs, "utf8").replace(/^matrix=/, "")) as {
			include: { combination: string }[];
		};
		const combinations = matrix.include.map((entry) => entry.combination);
		expect(combinations).toContain(GOOD);
		expect(combinations).toContain(CONFLICT);
		// a plan that fails (here: a pyproject.toml broken after lint) fails its step instead of writing no matrix
		const planStep = runs(jobs.plan ?? { steps: [] }).at(-1) ?? "";
		const failed = runJob(repo, ["echo '[project' >> pyproject.toml", planStep], { GITHUB_OUTPUT: outputs });
		expect(failed.ok, failed.output).toBe(false);
		expect(failed.output).toContain("invalid TOML");

		// matrix: every combination resolved; the example's undeclared conflict fails it, named
		const checked = runJob(repo, runs(jobs.matrix ?? { steps: [] }));
		expect(checked.ok).toBe(false);
		expect(checked.output).toContain("inference=vlm-adapter-qwen + metrics=metric-legacy");

		// test: each matrix entry's job syncs its combination in a fresh checkout, then runs the command
		const test = jobs.test ?? { steps: [] };
		const jobEnv = (combination: string) =>
			Object.fromEntries(
				Object.entries(test.env ?? {}).map(([k, v]) => [k, v.replace("${{ matrix.combination }}", combination)]),
			);
		const good = runJob(repo, runs(test), jobEnv(GOOD));
		expect(good.ok, good.output).toBe(true);
		expect(good.output).toContain(`["it's"]`);
		expect(readFileSync(path.join(good.clone, "pyproject.toml"), "utf8")).toContain(
			'inference = "vlm-adapter-deepseek"',
		);
		const bad = runJob(repo, runs(test), jobEnv(CONFLICT));
		expect(bad.ok).toBe(false);
		expect(bad.output).toContain("inference=vlm-adapter-qwen conflicts with metrics=metric-legacy");
		expect(bad.output).not.toContain("$ uv run");
		// an unset combination variable stops the job; it does not sync the project down to no choice
		const unset = runJob(repo, runs(test), jobEnv(""));
		expect(unset.ok).toBe(false);
		expect(unset.output).toContain('--combination "" names no choice; to choose nothing write --combination none');
		expect(unset.output).not.toContain("$ uv run");
	}, 240_000);

	it("never writes through a folder of .github/workflows that is a link (the file would land outside the project)", () => {
		const repo = copyExample();
		const outside = tempDir("hpm-ci-outside-");
		mkdirSync(path.join(repo, ".github"));
		symlinkSync(outside, path.join(repo, ".github/workflows"));
		const init = hpm(["ci", "init", "github"], { cwd: repo, env: uvEnv() });
		expect(init.code).toBe(2);
		expect(init.stderr).toContain(".github/workflows is a symbolic link; hpm will not write through it");
		expect(init.stderr).not.toContain("-o");
		expect(existsSync(path.join(outside, "hpm.yml"))).toBe(false);
	});

	it("refuses to replace an existing workflow without --force, and replaces it with", () => {
		const { repo, file } = repository("github");
		writeFileSync(file, "# mine\n");
		const again = hpm(["ci", "init", "github"], { cwd: repo, env: uvEnv() });
		expect(again.code).toBe(2);
		expect(again.stderr).toContain("hpm.yml exists; nothing was written");
		expect(readFileSync(file, "utf8")).toBe("# mine\n");
		expect(hpm(["ci", "init", "github", "--force"], { cwd: repo, env: uvEnv() }).code).toBe(0);
		expect(readFileSync(file, "utf8")).toContain("uv run pytest");
	});
});

type GitlabJob = { readonly script?: readonly string[]; readonly before_script?: readonly string[] };

describe("hpm ci init gitlab", () => {
	const schema = JSON.parse(readFileSync(path.join(ROOT, "test/fixtures/gitlab-ci.schema.json"), "utf8")) as object;
	const validate = new Ajv({ allErrors: true, unknownFormats: "ignore" }).compile(schema);
	const valid = (text: string) => (validate(parse(text)) ? [] : (validate.errors ?? []));

	it("writes a pipeline GitLab's schema accepts; its plan job writes a child pipeline whose jobs sync then test", () => {
		const { repo, file } = repository("gitlab");
		const content = readFileSync(file, "utf8");
		expect(valid(content)).toEqual([]);
		expect(valid(content.replace("script:", "scrip:")).length).toBeGreaterThan(0);

		const pipeline = parse(content) as Record<string, GitlabJob> & { default: GitlabJob; stages: string[] };
		const before = (pipeline.default.before_script ?? []).filter((s) => !installs(s));
		const script = (job: string) => [...before, ...(pipeline[job]?.script ?? [])];
		expect(pipeline.stages).toEqual(["lint", "plan", "test"]);
		const lint = runJob(repo, script("hpm-lint"));
		expect(lint.ok, lint.output).toBe(true);
		const checked = runJob(repo, script("hpm-matrix"));
		expect(checked.ok).toBe(false);
		expect(checked.output).toContain("inference=vlm-adapter-qwen + metrics=metric-legacy");

		// the plan job's artifact is the child pipeline the test stage triggers: valid, and it runs
		const plan = runJob(repo, script("hpm-plan"));
		expect(plan.ok, plan.output).toBe(true);
		const childText = readFileSync(path.join(plan.clone, "hpm-tests.yml"), "utf8");
		expect(valid(childText)).toEqual([]);
		const child = parse(childText) as {
			"hpm-test": { parallel: { matrix: { HPM_COMBINATION: string[] }[] }; script: string[] };
		};
		const values = child["hpm-test"].parallel.matrix[0]?.HPM_COMBINATION ?? [];
		expect(values).toContain(GOOD);
		expect(values).toContain(CONFLICT);
		const good = runJob(repo, child["hpm-test"].script, { HPM_COMBINATION: GOOD });
		expect(good.ok, good.output).toBe(true);
		expect(good.output).toContain(`["it's"]`);
		const bad = runJob(repo, child["hpm-test"].script, { HPM_COMBINATION: CONFLICT });
		expect(bad.ok).toBe(false);
		expect(bad.output).toContain("inference=vlm-adapter-qwen conflicts with metrics=metric-legacy");
		expect(bad.output).not.toContain("$ uv run");
	}, 240_000);
});
