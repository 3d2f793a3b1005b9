import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES, PROBLEM_CODES } from "../../source/core/base/codes.js";
import { type JsonOutputName, JSON_OUTPUT_COMMANDS, jsonOutputs } from "../../source/cli/json-output.js";
import { copyExample, hpm, type RunResult, tempDir } from "../helpers/run.js";
import { component, manifest, teamRegistry } from "../helpers/team-registry.js";
import { uvEnv } from "../helpers/uv.js";

// Every command with --json, run for real on the bundled example, and what it printed validated
// against its schema (source/cli/json-output.ts, published as docs/schemas/): the strict form, so
// a key renamed, dropped or printed without a description fails here. Each command also fails
// once, and its error is validated against the error schema.

const env = uvEnv();
const seen = new Set<JsonOutputName>();

function validate(name: JsonOutputName, run: RunResult): Record<string, unknown> {
	let value: unknown;
	try {
		value = JSON.parse(run.stdout);
	} catch {
		throw new Error(`${name}: stdout is not one JSON document (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
	}
	const parsed = jsonOutputs(true)[name].safeParse(value);
	if (!parsed.success)
		throw new Error(
			`${name}: the output does not match its schema:\n${JSON.stringify(parsed.error.issues, null, 2)}\n${run.stdout}`,
		);
	seen.add(name);
	return value as Record<string, unknown>;
}

/** Runs `hpm ...args --json` and validates stdout against `name`'s schema; returns the value. */
function ok(name: JsonOutputName, args: readonly string[], cwd: string, exit = 0): Record<string, unknown> {
	const run = hpm([...args, "--json"], { cwd, env });
	const value = validate(name, run);
	expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(exit);
	return value;
}

/** Runs a failing `hpm ...args --json`: the error object, with a listed code and a non-zero exit. */
function fails(args: readonly string[], cwd: string, code: string, exit = 2): void {
	const run = hpm([...args, "--json"], { cwd, env });
	const value = validate("error", run) as { error: { code: string } };
	expect({ args, code: value.error.code, exit: run.code }).toEqual({ args, code, exit });
}

describe("every --json output matches its schema", () => {
	let dir: string;
	let outside: string;
	beforeAll(() => {
		dir = copyExample();
		outside = tempDir("hpm-contract-outside-");
	});

	it("read-only views: list, show, search, graph, why-not, mode, registry lint, help, version", () => {
		const list = ok("list", ["list"], dir);
		expect(list.project).toBe(path.join(dir, "pyproject.toml"));
		fails(["list", "--project", path.join(outside, "nothing")], dir, "project-not-found");
		expect(ok("show", ["show", "inference"], dir).kind).toBe("group");
		expect(ok("show", ["show", "vlm-adapter-qwen"], dir).kind).toBe("package");
		expect(ok("show", ["show", "vlm-interface"], dir).kind).toBe("package");
		fails(["show", "no-such-thing"], dir, "not-found");
		expect(ok("search", ["search", "qwen"], dir).results).not.toEqual([]);
		fails(["search"], dir, "usage");
		ok("graph", ["graph"], dir);
		expect(ok("graph", ["graph", "--format", "dot"], dir).format).toBe("dot");
		fails(["graph", "--format", "png"], dir, "usage");
		expect(ok("why-not", ["why-not", "metrics=metric-rouge"], dir).reasons).toEqual([]);
		expect(ok("why-not", ["why-not", "metrics=metric-legacy"], dir, 0).chosen).toBe(false);
		fails(["why-not", "metrics"], dir, "usage");
		expect(ok("mode", ["mode"], dir).mode).toBe("prod");
		fails(["mode", "nightly"], dir, "unknown-mode");
		expect(ok("registry-lint", ["registry", "lint"], dir).ok).toBe(true);
		expect(ok("report", ["report", "-o", path.join(outside, "report.html")], dir).file).toBe(
			path.join(outside, "report.html"),
		);
		fails(["report", "--from", path.join(dir, "pyproject.toml")], dir, "report-input");
		ok("help", ["list", "--help"], dir);
		ok("help", ["help"], dir);
		ok("version", ["--version"], dir);
		fails(["completion", "bash"], dir, "usage");
		fails(["ui"], dir, "not-a-terminal");
		fails(["no-such-command"], dir, "unknown-command");
		// the machine's probes see a fake root and no probe program: the same on any machine
		const probed = hpm(["detect", "--json"], { cwd: dir, env: { ...env, HPM_PROBE_ROOT: outside, PATH: outside } });
		expect(validate("detect", probed).groups).toEqual([]);
		const bad = hpm(["detect", "--json"], { cwd: dir, env: { ...env, UV_CUDA_DRIVER_VERSION: "x" } });
		expect([(validate("error", bad) as { error: { code: string } }).error.code, bad.code]).toEqual([
			"invalid-setting",
			2,
		]);
	});

	it("check, sync, why, group add/remove, history, diff, rollback, check --matrix", () => {
		expect(ok("check", ["check"], dir)).toMatchObject({ ok: true, problems: [] });
		fails(["check", "--jobs", "2"], dir, "usage");
		expect(ok("sync", ["sync"], dir).changed).toBe(true);
		expect(ok("sync", ["sync", "--dry-run"], dir)).toMatchObject({ changed: false, dryRun: true });
		expect(ok("verify", ["verify"], dir)).toEqual({ ok: true, checks: [] });
		fails(["verify"], outside, "project-not-found");
		fails(["sync", "--upgrade-package"], dir, "usage");
		expect(ok("why", ["why", "vlm-interface"], dir).chains).not.toEqual([]);
		fails(["why", "no-such-package"], dir, "not-found");
		expect(ok("group-add", ["group", "add", "metrics", "--option", "metric-rouge"], dir).changed).toBe(true);
		fails(["group", "add", "metrics", "--option", "no-such-option"], dir, "unknown-option");
		expect(ok("group-remove", ["group", "remove", "metrics", "--option", "metric-rouge"], dir).changed).toBe(true);
		fails(["group", "remove", "no-such-group"], dir, "unknown-group");
		expect(ok("history", ["history"], dir).entries).not.toEqual([]);
		fails(["history"], outside, "project-not-found");
		ok("diff", ["diff"], dir);
		fails(["diff", "99"], dir, "history-missing");
		ok("rollback", ["rollback"], dir);
		fails(["rollback", "99"], dir, "history-missing");
		// the example's deliberate conflict: the matrix and a check both fail, exit 1
		expect(ok("check-matrix", ["check", "--matrix"], dir, 1).ok).toBe(false);
		fails(["check", "--matrix", "--format", "png"], dir, "usage");
		// hpm test takes its command after --: --json goes before it
		const tested = hpm(
			[
				"test",
				"--json",
				"--combination",
				"inference=vlm-adapter-qwen,metrics=metric-bleu",
				"--",
				"python",
				"-c",
				"pass",
			],
			{ cwd: dir, env },
		);
		expect(validate("test", tested).ok).toBe(true);
		ok("group-add", ["group", "add", "metrics", "--option", "metric-legacy"], dir);
		const check = ok("check", ["check"], dir, 1) as { problems: { code: string }[] };
		expect(check.problems.map((p) => p.code)).toContain("resolution");
		// a sync refused for the selection's problems lists them with its error
		const refused = hpm(["sync", "--json"], { cwd: dir, env });
		const error = validate("error", refused) as { error: { problems?: unknown[] } };
		expect(refused.code).not.toBe(0);
		expect(error.error.problems ?? []).not.toEqual([]);
	}, 180_000);

	it("writes: registry add, registry group add, install, init", () => {
		const added = ok("registry-add", ["registry", "add", "--path", "packages/metric_rouge", "--mode", "staging"], dir);
		expect(added).toMatchObject({ action: "added", mode: "staging" });
		fails(["registry", "add", "--path", "no/such/folder"], dir, "invalid-argument");
		ok("registry-group-add", ["registry", "group", "add", "extras", "--strategy", "M-of-N"], dir);
		fails(["registry", "group", "add", "extras2", "--strategy", "some"], dir, "invalid-argument");
		ok("install", ["install", "--manifest", "registry/packages/metric-rouge.yaml"], dir);
		fails(["install", "--manifest", "no-such.yaml"], dir, "unreadable");
		const fresh = tempDir("hpm-contract-init-");
		ok("init", ["init"], fresh);
		writeFileSync(path.join(fresh, "a-file"), "");
		fails(["init", "--registry", "a-file"], fresh, "not-a-folder");
	}, 120_000);

	it("registry update: a git registry's pin, and a registry without one", () => {
		const bleu = component("metric-bleu", "0.1.0");
		const team = teamRegistry({ "hpm/packages/metric-bleu.yaml": manifest("metric-bleu", "0.1.0", bleu) });
		const project = tempDir("hpm-contract-update-");
		mkdirSync(project, { recursive: true });
		writeFileSync(
			path.join(project, "pyproject.toml"),
			`[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nregistry = ${JSON.stringify(`git+file://${team.bare}@main#subdirectory=hpm`)}\n`,
		);
		const update = ok("registry-update", ["registry", "update"], project) as { pins: { move: string }[] };
		expect(update.pins.map((p) => p.move)).toEqual(["new"]);
		fails(["registry", "update"], dir, "nothing-to-update");
	}, 120_000);

	it("an error that stands for a problem keeps the problem's data: the groups it is about", () => {
		// Given a project that selects an option its group does not have
		const project = copyExample();
		const file = path.join(project, "pyproject.toml");
		writeFileSync(
			file,
			readFileSync(file, "utf8").replace('metrics = ["metric-bleu"]', 'metrics = ["no-such-metric"]'),
		);
		// When a command that needs the selection runs
		const run = hpm(["list", "--json"], { cwd: project, env });
		// Then its error names the group as data, not only in its sentence
		const value = validate("error", run) as { error: { code: string; groups?: string[]; file?: string } };
		expect({ code: value.error.code, groups: value.error.groups, file: value.error.file, exit: run.code }).toEqual({
			code: "unknown-option",
			groups: ["metrics"],
			file,
			exit: 2,
		});
	});

	it("each schema was exercised by a real run above", () => {
		expect([...seen].sort()).toEqual(Object.keys(JSON_OUTPUT_COMMANDS).sort());
	});
});

describe("the schemas catch a changed output", () => {
	const list = {
		registry: "/r",
		project: null,
		mode: "prod",
		groups: [{ name: "g", strategy: "1-of-N", description: "", options: [], selected: [], synced: true }],
		ungrouped: [],
	};
	it("a renamed, a dropped or an undescribed key fails; the unchanged output passes", () => {
		const schema = jsonOutputs(true).list;
		expect(schema.safeParse(list).success).toBe(true);
		const { groups, ...dropped } = list;
		expect(schema.safeParse({ ...dropped, group: groups }).success).toBe(false);
		expect(schema.safeParse(dropped).success).toBe(false);
		expect(schema.safeParse({ ...list, extra: 1 }).success).toBe(false);
		// the published (open) form lets a key be added, as SPEC §6 allows
		expect(jsonOutputs(false).list.safeParse({ ...list, extra: 1 }).success).toBe(true);
	});
	it("an error's code outside the lists of codes fails", () => {
		const schema = jsonOutputs(true).error;
		const code = Object.keys(ERROR_CODES)[0] ?? "";
		expect(schema.safeParse({ error: { code, message: "m" } }).success).toBe(true);
		expect(schema.safeParse({ error: { code: Object.keys(PROBLEM_CODES)[0], message: "m" } }).success).toBe(true);
		expect(schema.safeParse({ error: { code: "no-such-code", message: "m" } }).success).toBe(false);
	});
});
