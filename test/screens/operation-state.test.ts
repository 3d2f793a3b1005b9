import { describe, expect, it } from "vitest";
import { operationReducer, type OperationState } from "../../screens/operation-state.js";
import { HpmError } from "../../source/core/base/errors.js";
import type { HpmEvent } from "../../source/core/plan/events.js";
import type { CheckResult } from "../../source/core/operations/check.js";
import { checkRun } from "../../source/core/operations/transaction.js";
import { implicatedGroups, type Overview } from "../../source/core/plan/overview.js";
import type { Plan, PlanEntry } from "../../source/core/plan/plan.js";

const plan = (name: string): Plan => ({
	root: "/p",
	mode: "prod",
	add: [],
	switch: [],
	remove: [],
	unchanged: [],
	selected: [],
	managed: [name],
	problems: [],
});
const confirm: OperationState = { phase: "confirm", plan: plan("first"), problems: [] };
const run = (state: OperationState, ...events: HpmEvent[]) =>
	events.reduce((s, event) => operationReducer(s, { type: "event", event }), state);

describe("the operation screen's state, over the core's events", () => {
	it("Enter starts it; the stream's plan, uv's lines and hpm's steps are taken in order", () => {
		const running = operationReducer(confirm, { type: "start", since: 42 });
		expect(running).toMatchObject({ phase: "running", since: 42, lines: [], status: "starting" });
		const later = run(
			running,
			{ type: "plan", plan: plan("second") },
			{ type: "phase", phase: "add", message: "adding a" },
			{ type: "uv-start", args: ["add"], pid: 1, token: "t" },
			{ type: "uv-line", line: "Resolved 5 packages in 3ms" },
			{ type: "uv-line", line: "some other line" },
			{ type: "uv-exit", args: ["add"], exitCode: 0 },
			{ type: "restored", files: [], message: "restored pyproject.toml" },
		);
		expect(later).toMatchObject({
			phase: "running",
			plan: { managed: ["second"] },
			lines: ["Resolved 5 packages in 3ms", "some other line", "restored pyproject.toml"],
			status: "adding a: resolved 5 packages",
			step: "adding a",
		});
	});

	it("events before Enter or after the end change nothing", () => {
		const line: HpmEvent = { type: "uv-line", line: "Resolved 1 package" };
		expect(run(confirm, line)).toBe(confirm);
		const done = operationReducer(operationReducer(confirm, { type: "start", since: 0 }), {
			type: "error",
			error: new Error("boom"),
		});
		expect(run(done, line)).toBe(done);
	});

	it("a result ends it with the core's sentence and uv's counts; a check's problems are kept", () => {
		const running = run(operationReducer(confirm, { type: "start", since: 0 }), {
			type: "uv-line",
			line: "Resolved 4 packages in 1ms",
		});
		const problem = { code: "resolution" as const, message: "words", choices: ["inference=a"] };
		const result: CheckResult = {
			kind: "check",
			ok: false,
			problems: [problem],
			resolved: null,
			plan: plan("x"),
			warnings: [],
			summary: "failed: 1 problem",
		};
		expect(operationReducer(running, { type: "result", result })).toEqual({
			phase: "done",
			plan: plan("first"),
			lines: ["Resolved 4 packages in 1ms"],
			ok: false,
			summary: "failed: 1 problem",
			problems: [problem],
			choices: [],
		});
		const ok = operationReducer(running, { type: "result", result: { ...result, ok: true, summary: "ok" } });
		expect(ok).toMatchObject({ phase: "done", ok: true, summary: "ok (uv: resolved 4)" });
	});

	it("a failed uv run of a sync hands back the choices uv named as data, and those groups are implicated", () => {
		const entry = {
			key: "vlm-adapter-qwen",
			name: "vlm-adapter-qwen",
			groups: ["inference"],
			source: { type: "local", path: "/p/packages/qwen", rawPath: "packages/qwen" },
		} as unknown as PlanEntry;
		let thrown: unknown;
		try {
			checkRun(
				{ exitCode: 2, aborted: false, lines: ["error: Distribution not found at: file:///p/packages/qwen"] },
				"uv sync",
				{ selected: [entry] },
			);
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(HpmError);
		const done = operationReducer(operationReducer(confirm, { type: "start", since: 0 }), {
			type: "error",
			error: thrown,
		});
		expect(done).toMatchObject({ phase: "done", ok: false, problems: [], choices: ["inference=vlm-adapter-qwen"] });
		const overview: Overview = {
			registry: "r",
			project: null,
			mode: "prod",
			groups: ["inference", "metrics"].map((name) => ({
				name,
				strategy: "1-of-N",
				description: "",
				options: [],
				selected: [],
				synced: true,
			})),
			ungrouped: [],
		};
		const failure = done.phase === "done" ? done : { problems: [], choices: [] };
		expect(implicatedGroups(overview, failure)).toEqual(["inference"]);
		// a problem's groups (a group's own rule) and choices count too; a group not in the registry does not
		expect(
			implicatedGroups(overview, {
				problems: [
					{ code: "too-few", message: "x", groups: ["metrics"] },
					{ code: "resolution", message: "y", choices: ["gone=z"] },
				],
				choices: [],
			}),
		).toEqual(["metrics"]);
	});
});
