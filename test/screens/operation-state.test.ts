import { describe, expect, it } from "vitest";
import { appendLine, emptyTail, KEPT_LINES, tailLines } from "../../screens/line-tail.js";
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
		expect(running).toMatchObject({ phase: "running", since: 42, status: "starting" });
		expect(running.phase === "running" && tailLines(running.lines)).toEqual([]);
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
			status: "adding a: resolved 5 packages",
			step: "adding a",
		});
		expect(later.phase === "running" && tailLines(later.lines)).toEqual([
			"Resolved 5 packages in 3ms",
			"some other line",
			"restored pyproject.toml",
		]);
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
		const done = operationReducer(running, { type: "result", result });
		expect({ ...done, lines: done.phase === "done" && tailLines(done.lines) }).toEqual({
			phase: "done",
			plan: plan("first"),
			lines: ["Resolved 4 packages in 1ms"],
			ok: false,
			summary: "failed: 1 problem",
			problems: [problem],
			warnings: [],
			choices: [],
			groups: [],
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

	it("a sync's warnings and problems reach the screen's state as the stream reports them", () => {
		// Given a running sync
		const running = operationReducer(confirm, { type: "start", since: 0 });
		const warning = { code: "yaml-syntax" as const, message: "a file nobody chose is broken" };
		const same = { code: "yaml-syntax" as const, message: "a file nobody chose is broken" };
		const problem = { code: "too-few" as const, message: "metrics needs 1", groups: ["metrics"] };
		// When the stream reports two warnings with the same words and a problem, then the refusal counts the problem
		const streamed = run(
			running,
			{ type: "warning", problem: warning },
			{ type: "warning", problem: same },
			{ type: "problem", problem },
		);
		expect(streamed).toMatchObject({ phase: "running", warnings: [warning, same], problems: [problem] });
		const done = operationReducer(streamed, {
			type: "error",
			error: new HpmError("too-few", "sync refused", { problems: [problem], groups: ["extras"] }),
		});
		// Then both warnings are kept, the problem once, and the error's groups as data
		expect(done).toMatchObject({
			phase: "done",
			warnings: [warning, same],
			problems: [problem],
			choices: [],
			groups: ["extras"],
		});
	});

	it("a long run keeps the last lines the screen can show, and counts the rest", () => {
		// Given a running sync
		let state = operationReducer(confirm, { type: "start", since: 0 });
		// When uv writes far more lines than the screen keeps
		for (let n = 1; n <= 4 * KEPT_LINES + 7; n++) state = run(state, { type: "uv-line", line: `line ${n}` });
		// Then the last KEPT_LINES are kept, in order, and the older ones counted
		const lines = state.phase === "running" ? state.lines : emptyTail();
		expect(tailLines(lines)).toHaveLength(KEPT_LINES);
		expect(tailLines(lines)[0]).toBe(`line ${3 * KEPT_LINES + 8}`);
		expect(tailLines(lines).at(-1)).toBe(`line ${4 * KEPT_LINES + 7}`);
		expect(lines.dropped).toBe(3 * KEPT_LINES + 7);
		// and the array behind them stays within twice that
		expect(lines.backing.length).toBeLessThanOrEqual(2 * KEPT_LINES);
	});
});

describe("the tail of a stream's lines", () => {
	it("an append reuses the lines it has (no copy of them per line)", () => {
		const one = appendLine(emptyTail(), "a", 4);
		const two = appendLine(one, "b", 4);
		expect(two.backing).toBe(one.backing);
		expect(tailLines(two)).toEqual(["a", "b"]);
	});

	it("an older value is not changed by what is appended to a newer one, and can be appended to itself", () => {
		const one = appendLine(emptyTail(), "a", 4);
		const two = appendLine(one, "b", 4);
		const other = appendLine(one, "c", 4);
		expect([tailLines(one), tailLines(two), tailLines(other)]).toEqual([["a"], ["a", "b"], ["a", "c"]]);
	});

	it("keeps the last `keep` lines, however many come", () => {
		let tail = emptyTail();
		for (let n = 1; n <= 11; n++) tail = appendLine(tail, `${n}`, 3);
		expect({ lines: tailLines(tail), dropped: tail.dropped }).toEqual({ lines: ["9", "10", "11"], dropped: 8 });
	});
});
