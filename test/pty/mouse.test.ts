import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyExample, hpm } from "../helpers/run.js";
import { openPane, type Pane } from "../helpers/tmux.js";

let pane: Pane | undefined;
afterEach(() => pane?.close());

// the example at 100x30: the groups pane is columns 1-42, the options pane 43-100; rows start at 3
const OPTIONS_COLUMN = 60;
const GROUPS_COLUMN = 10;

describe("the mouse in hpm ui", () => {
	it("a click focuses a pane and puts the cursor on the row; the wheel moves the cursor; nothing is written", async () => {
		const dir = copyExample();
		const before = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		pane = openPane(["ui"], dir, 100, 30);
		await pane.waitFor((s) => s.includes("❯ inference 1-of-N"));
		expect(pane.mouseModes()).toEqual({ standard: true, sgr: true });
		// the second option of inference, clicked
		pane.mouse("click", OPTIONS_COLUMN, 4);
		let screen = await pane.waitFor((s) => s.includes("❯ ( ) vlm-adapter-deepseek"));
		expect(screen).toMatch(/vlm-adapter-deepseek 0\.1\.0.*\n.*prod/); // its details below
		// the options pane has the focus: k moves its cursor, not the groups pane's
		pane.keys("k");
		await pane.waitFor((s) => s.includes("❯ (*) vlm-adapter-qwen") && s.includes("· inference 1-of-N"));
		// the wheel over the groups pane moves its cursor down: metrics, and its options on the right
		pane.mouse("wheel-down", GROUPS_COLUMN, 5);
		screen = await pane.waitFor((s) => s.includes("❯ metrics M-of-N"));
		expect(screen).toContain("[x] metric-bleu");
		pane.mouse("wheel-up", GROUPS_COLUMN, 5);
		await pane.waitFor((s) => s.includes("❯ inference 1-of-N"));
		// a click on a group row selects that group
		pane.mouse("click", GROUPS_COLUMN, 4);
		await pane.waitFor((s) => s.includes("❯ metrics M-of-N"));
		// clicks below the rows, on a border or on the header act on nothing they do not name
		pane.mouse("click", GROUPS_COLUMN, 20);
		pane.mouse("click", 1, 1);
		pane.keys("j");
		screen = await pane.waitFor((s) => s.includes("❯ (no group)"));
		// a mouse report is never typed: its digits and letters did not act as keys (no check, no quit)
		expect(screen).toContain("hpm ");
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(before);
		pane.keys("q");
		await pane.waitFor((s) => s.includes("HPM_EXIT=0"));
		// the terminal gets its mouse back
		expect(pane.mouseModes()).toEqual({ standard: false, sgr: false });
	});

	it("a report that arrives in pieces is put together: its digits and its m are never keys", async () => {
		const dir = copyExample();
		const before = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		pane = openPane(["ui"], dir, 100, 30);
		await pane.waitFor((s) => s.includes("❯ inference 1-of-N"));
		// a press on the second option, split after `ESC[<0;` with a pause (a slow link, SSH)
		pane.raw("\u001B[<0;", 120);
		pane.raw(`${OPTIONS_COLUMN};4M`, 120);
		pane.raw(`\u001B[<0;${OPTIONS_COLUMN};4`, 120);
		pane.raw("m", 120);
		await pane.waitFor((s) => s.includes("❯ ( ) vlm-adapter-deepseek"));
		// and in the filter, nothing of it is typed
		pane.keys("/");
		pane.raw("\u001B[<0;", 120);
		pane.raw("60;3m", 120);
		pane.type("bleu");
		const screen = await pane.waitFor((s) => s.includes("/bleu"));
		expect(screen).not.toContain("[<");
		expect(screen).not.toContain("mode dev");
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(before);
	});

	it("Enter after a click picks the clicked option", async () => {
		const dir = copyExample();
		pane = openPane(["ui"], dir, 100, 30);
		await pane.waitFor((s) => s.includes("❯ inference 1-of-N"));
		pane.mouse("click", OPTIONS_COLUMN, 4);
		await pane.waitFor((s) => s.includes("❯ ( ) vlm-adapter-deepseek"));
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("❯ (*) vlm-adapter-deepseek"));
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toContain('inference = "vlm-adapter-deepseek"');
	});

	it("--no-mouse leaves the mouse to the terminal", async () => {
		const dir = copyExample();
		pane = openPane(["ui", "--no-mouse"], dir, 100, 30);
		await pane.waitFor((s) => s.includes("❯ inference 1-of-N"));
		expect(pane.mouseModes()).toEqual({ standard: false, sgr: false });
		expect(hpm(["ui", "--help"], { cwd: dir }).stdout).toContain("--no-mouse");
	});

	it("the wheel scrolls uv's output in the pager", async () => {
		const dir = copyExample();
		expect(hpm(["group", "add", "metrics", "-o", "metric-legacy"], { cwd: dir }).code).toBe(0);
		// the smallest terminal, so that uv's output (wrapped) is longer than the pager
		pane = openPane(["ui"], dir, 60, 20);
		await pane.waitFor((s) => s.includes("metrics M-of-N"));
		pane.keys("c");
		await pane.waitFor((s) => s.includes("Press Enter to resolve it with uv"));
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("check failed"), 60_000);
		pane.keys("l", "g");
		await pane.waitFor((s) => s.includes("lines 1-"));
		pane.mouse("wheel-down", 10, 10);
		await pane.waitFor((s) => s.includes("lines 4-"));
		pane.mouse("wheel-up", 10, 10);
		await pane.waitFor((s) => s.includes("lines 1-"));
	});
});

describe("the registry's rules in the UI", () => {
	it("an option a rule forbids is greyed out with the reason, live, before any check", async () => {
		const dir = copyExample();
		expect(hpm(["group", "add", "metrics", "-o", "metric-legacy"], { cwd: dir }).code).toBe(0);
		pane = openPane(["ui"], dir, 140, 30);
		const screen = await pane.waitFor((s) => s.includes("vlm-adapter-deepseek"));
		expect(screen).toContain("( ) vlm-adapter-deepseek 0.1.0 ✗ conflicts with metrics=metric-legacy");
		// dropping the conflicting choice (Space on metric-legacy) clears it at once
		pane.keys("j", "Tab", "j", "j", "Space", "h", "k");
		const after = await pane.waitFor((s) => s.includes("metrics: removed metric-legacy"));
		expect(after).not.toContain("✗");
	});
});
