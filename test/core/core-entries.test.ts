import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { HpmEvent } from "../../source/core/plan/events.js";
import { drain } from "../../source/core/plan/events.js";
import { inputValues } from "../../source/core/base/inputs.js";
import { choose } from "../../source/core/operations/choose.js";
import { runOperation } from "../../source/core/operations/run.js";
import { lockProject } from "../../source/core/project/lock.js";
import { addPackage, manifestYaml } from "../../source/core/operations/registry/add-package.js";
import { loadManifest } from "../../source/core/registry/load.js";
import { PACKAGE_INPUTS } from "../../source/core/registry/new-package.js";
import { copyExample, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

const locator = {};

/** Resolves once `done()` holds, polling; fails the test after 20 s. */
async function until(done: () => boolean): Promise<void> {
	const deadline = Date.now() + 20_000;
	while (!done()) {
		if (Date.now() > deadline) throw new Error("timed out waiting");
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

async function collect<T>(events: AsyncGenerator<HpmEvent, T>): Promise<{ events: HpmEvent[]; result: T }> {
	const seen: HpmEvent[] = [];
	const result = await drain(events, (event) => seen.push(event));
	return { events: seen, result };
}

describe("the one operation runner", () => {
	it("check: the stream begins with the plan and ends with a tagged result carrying its sentence", async () => {
		Object.assign(process.env, uvEnv());
		const dir = copyExample();
		const { events, result } = await collect(runOperation({ kind: "check" }, { locator, cwd: dir }));
		expect(events[0]?.type).toBe("plan");
		expect(result.kind).toBe("check");
		expect(result.ok).toBe(true);
		expect(result.summary).toMatch(/^ok: the selection resolves \(\d+ packages\); nothing was changed$/);
	});

	it("sync --dry-run: plan first, a sync result, nothing written", async () => {
		const dir = copyExample();
		const before = readFileSync(path.join(dir, "pyproject.toml"));
		const { events, result } = await collect(runOperation({ kind: "sync", dryRun: true }, { locator, cwd: dir }));
		expect(events[0]?.type).toBe("plan");
		expect(result).toMatchObject({ kind: "sync", ok: true, dryRun: true, summary: "dry run: nothing was changed" });
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(before);
	});

	it("sync waits for the project lock another hpm holds, then runs", async () => {
		const dir = copyExample();
		const held = await lockProject(dir, "test");
		const waits: string[] = [];
		const running = collect(
			runOperation({ kind: "sync" }, { locator, cwd: dir, hooks: { onWait: (o) => waits.push(o.command) } }),
		);
		await until(() => waits.length > 0);
		expect(waits).toEqual(["test"]);
		held.release();
		expect((await running).result.kind).toBe("sync");
	});
});

describe("writes from the CLI and the UI go through the core, under the project lock", () => {
	it("a choice (the UI's pick) waits for the lock, then re-reads pyproject.toml inside it", async () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		const held = await lockProject(dir, "test");
		const waits: string[] = [];
		const picking = choose(
			locator,
			dir,
			{ kind: "add", group: "inference", options: ["vlm-adapter-deepseek"] },
			{
				onWait: (o) => waits.push(o.command),
			},
		);
		await until(() => waits.length > 0);
		// a teammate's edit while the pick waits: it must survive the pick
		writeFileSync(file, `${readFileSync(file, "utf8")}\n[tool.ruff]\nline-length = 100\n`);
		held.release();
		const result = await picking;
		expect(waits).toEqual(["test"]);
		expect(result).toMatchObject({ changed: true, selected: ["vlm-adapter-deepseek"] });
		const text = readFileSync(file, "utf8");
		expect(text).toContain('inference = "vlm-adapter-deepseek"');
		expect(text).toContain("[tool.ruff]\nline-length = 100");
	});

	it("a picker's choice applies only what the person changed: an option added meanwhile is kept", async () => {
		const dir = copyExample();
		// the person opened the picker on metrics = ["metric-bleu"] …
		const seen = ["metric-bleu"];
		// … someone else added metric-legacy meanwhile …
		await choose(locator, dir, { kind: "add", group: "metrics", options: ["metric-legacy"] });
		// … and the person ticked metric-rouge and unticked metric-bleu
		const result = await choose(locator, dir, {
			kind: "replace",
			group: "metrics",
			options: ["metric-rouge"],
			seen,
		});
		expect(result.selected).toEqual(["metric-legacy", "metric-rouge"]);
	});

	it("toggle flips an M-of-N option whatever its spelling", async () => {
		const dir = copyExample();
		const first = await choose(locator, dir, { kind: "toggle", group: "metrics", option: "Metric_Rouge" });
		expect(first.selected).toContain("metric-rouge");
		const second = await choose(locator, dir, { kind: "toggle", group: "metrics", option: "metric.rouge" });
		expect(second.selected).not.toContain("metric-rouge");
	});

	it("adding a package (the UI's form) waits for the lock too", async () => {
		const dir = copyExample();
		const held = await lockProject(dir, "test");
		const waits: string[] = [];
		const input = inputValues(PACKAGE_INPUTS, {
			name: "vlm-adapter-llava",
			url: "https://example.org/llava.git",
			version: "1.0",
		});
		const adding = addPackage(locator, dir, input, { onWait: (o) => waits.push(o.command) });
		await until(() => waits.length > 0);
		held.release();
		const added = await adding;
		expect(waits).toEqual(["test"]);
		expect(loadManifest(added.file).version).toBe("1.0");
	});
});

describe("declared inputs", () => {
	it("typed values: booleans only when true, repeatables as lists of strings, strings or undefined", () => {
		const specs = {
			force: { type: "boolean", help: "" },
			option: { type: "string", multiple: true, help: "" },
			name: { type: "string", help: "" },
		} as const;
		expect(inputValues(specs, { force: "yes", option: ["a", 3, "b"], name: 7, extra: "x" })).toEqual({
			force: false,
			option: ["a", "b"],
			name: undefined,
		});
		expect(inputValues(specs, { force: true, name: "n" })).toEqual({ force: true, option: [], name: "n" });
	});

	it.each([
		["a version YAML would read as a number", { version: "1.0" }],
		["quotes, a colon, a hash and unicode", { description: 'says "hi": #1 — ünïcode' }],
		["a leading dash and a yes", { description: "- yes" }],
	])("a written manifest reads back as written: %s", (_what, change) => {
		const manifest = {
			name: "pkg",
			version: "0.1.0",
			description: undefined as string | undefined,
			mode: "prod",
			source: { type: "git", url: "https://example.org/pkg.git", tag: "v1" },
			...change,
		};
		const file = path.join(tempDir(), "pkg.yaml");
		writeFileSync(file, manifestYaml(manifest));
		const loaded = loadManifest(file);
		expect(loaded.version).toBe(manifest.version);
		expect(loaded.description).toBe(manifest.description ?? "");
	});
});
