import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyExample, hpm } from "../helpers/run.js";
import { openPane, type Pane } from "../helpers/tmux.js";
import { uvEnv, writePackage } from "../helpers/uv.js";

let pane: Pane | undefined;
afterEach(() => pane?.close());

/** The screen as one line: a prompt the terminal wrapped is compared as written. */
const flat = (screen: string) => screen.replace(/[│|]/g, " ").replace(/\s+/g, " ");

/**
 * Every screen gets the keys of one write one at a time, each acting on the state the previous
 * one left (STYLE.md "One message at a time"): `Down Enter`, `Down Down Enter` and `Esc Enter` in
 * one write, on the history, the help, the pager, the wizard and the picker.
 */
describe("keys in one write, on every screen", () => {
	it("the history: Down Enter asks about the entry the cursor moved to; Esc Enter leaves and acts on the browser; Down Down Enter rolls back the entry two down", async () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const beforeRouge = readFileSync(file);
		expect(hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		expect(hpm(["mode", "dev"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const newest = readFileSync(file);
		// #1 sync, #2 group add, #3 mode
		pane = openPane(["ui"], dir, 100, 40);
		await pane.waitFor((s) => s.includes("metrics M-of-N"));
		pane.keys("H");
		await pane.waitFor((s) => s.includes("❯ #3") && s.includes("rolling back to before #3 would change:"));
		pane.burst("Down", "Enter");
		let screen = await pane.waitFor((s) => s.includes("Roll back to before #"));
		// the prompt has the keys: the list's cursor is drawn as the list without them
		expect(screen).toContain("· #2 ");
		expect(flat(screen)).toContain(
			"Roll back to before #2 (group add: metrics: added metric-rouge (now metric-bleu, metric-rouge))? " +
				"pyproject.toml and uv.lock are put back and the environment synced. Enter: yes, Esc: no",
		);
		pane.keys("Escape");
		await pane.waitFor((s) => s.includes("rolling back to before #2 would change:"));
		// Esc Enter: back to the browser, whose Enter moves the keys to the options
		pane.burst("Escape", "Enter");
		screen = await pane.waitFor((s) => s.includes("metrics M-of-N") && s.includes("❯ (*) vlm-adapter-qwen"));
		expect(screen).toContain("· inference 1-of-N");
		expect(readFileSync(file)).toEqual(newest);
		// Down Down Enter from the top asks about #1; then Up Enter Enter rolls back to before #2
		pane.keys("H");
		await pane.waitFor((s) => s.includes("❯ #3") && s.includes("rolling back to before #3 would change:"));
		pane.burst("Down", "Down", "Enter");
		screen = await pane.waitFor((s) => s.includes("Roll back to before #1"));
		expect(screen).toContain("· #1 ");
		expect(flat(screen)).toContain("Roll back to before #1 (sync: +vlm-adapter-qwen +metric-bleu (mode prod))?");
		expect(readFileSync(file)).toEqual(newest);
		pane.keys("Escape");
		await pane.waitFor((s) => s.includes("rolling back to before #1 would change:"));
		pane.burst("Up", "Enter", "Enter");
		await pane.waitFor((s) => s.includes("rolled back to before #2"), 60_000);
		expect(readFileSync(file)).toEqual(beforeRouge);
	});

	it("the help at 80x24: its legend is there by scrolling; Down Down Enter scrolls and does nothing else; Esc Enter closes it and the Enter acts on the browser", async () => {
		const dir = copyExample();
		const before = readFileSync(path.join(dir, "pyproject.toml"));
		pane = openPane(["ui"], dir, 80, 24);
		await pane.waitFor((s) => s.includes("inference 1-of-N") && s.includes("q quit"));
		pane.keys("?");
		let screen = await pane.waitFor((s) => s.includes("keys: browser"));
		expect(screen).toContain("keys: browser  lines 1–20 of 31, ↑↓ scroll");
		pane.burst("Down", "Down", "Enter");
		await pane.waitFor((s) => s.includes("lines 3–22 of 31"));
		pane.burst("Down", "Enter");
		await pane.waitFor((s) => s.includes("lines 4–23 of 31"));
		pane.keys("End");
		screen = await pane.waitFor((s) => s.includes("lines 12–31 of 31"));
		expect(screen).toContain("what the marks mean");
		expect(flat(screen)).toContain(
			"conflict a rule of the registry, or the last check or sync, names this group in a problem (l shows the output)",
		);
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(before);
		pane.burst("Escape", "Enter");
		screen = await pane.waitFor((s) => !s.includes("keys: browser") && s.includes("❯ (*) vlm-adapter-qwen"));
		expect(screen).toContain("· inference 1-of-N");
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(before);
	});

	it("the pager: Down Down Enter scrolls two lines; Esc Enter closes it and leaves the result", async () => {
		const dir = copyExample();
		expect(hpm(["group", "add", "metrics", "-o", "metric-legacy"], { cwd: dir }).code).toBe(0);
		const before = readFileSync(path.join(dir, "pyproject.toml"));
		// short enough that uv's output takes more than a page
		pane = openPane(["ui"], dir, 80, 16);
		await pane.waitFor((s) => s.includes("metrics M-of-N"));
		pane.burst("c", "Enter");
		await pane.waitFor((s) => s.includes("check failed"), 60_000);
		pane.keys("l");
		await pane.waitFor((s) => s.includes("uv's output (check)"));
		pane.keys("g");
		await pane.waitFor((s) => /lines 1-\d+ of/.test(s));
		pane.burst("Down", "Down", "Enter");
		await pane.waitFor((s) => /lines 3-\d+ of/.test(s));
		pane.burst("Down", "Enter");
		await pane.waitFor((s) => /lines 4-\d+ of/.test(s));
		pane.burst("Escape", "Enter");
		const screen = await pane.waitFor((s) => s.includes("metrics M-of-N conflict"));
		expect(screen).toContain("inference 1-of-N conflict");
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(before);
	});

	it("the wizard: Down Down Enter asks for a requirement; Esc Enter goes back and takes the first choice", async () => {
		const dir = copyExample();
		writePackage(path.join(dir, "packages/metric_meteor"), "metric-meteor", "0.2.0");
		const manifests = readdirSync(path.join(dir, "registry/packages"));
		pane = openPane(["registry", "add"], dir);
		await pane.waitFor((s) => s.includes("Where does the package come from?"));
		pane.burst("Down", "Down", "Enter");
		let screen = await pane.waitFor((s) => s.includes("Requirement (e.g. name>=1.0,<2)"));
		expect(screen).toContain("✓ type: index");
		pane.burst("Escape", "Enter");
		screen = await pane.waitFor((s) => s.includes("Folder holding the package (its pyproject.toml)"));
		expect(screen).toContain("✓ type: local");
		pane.burst("Escape", "Down", "Enter");
		await pane.waitFor((s) => s.includes("Git URL"));
		pane.keys("C-c");
		await pane.waitFor((s) => s.includes("HPM_EXIT=130"));
		expect(readdirSync(path.join(dir, "registry/packages"))).toEqual(manifests);
	});

	it("the picker: Down Enter picks the second option; Down Down Space Enter adds the third; Esc Enter cancels", async () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		pane = openPane(["group", "add", "inference"], dir);
		await pane.waitFor((s) => s.includes("inference (1-of-N) choose one"));
		pane.burst("Down", "Enter");
		let screen = await pane.waitFor((s) => s.includes("HPM_EXIT="));
		expect(screen).toContain("inference: switched from vlm-adapter-qwen to vlm-adapter-deepseek");
		expect(readFileSync(file, "utf8")).toContain('inference = "vlm-adapter-deepseek"');
		pane.close();
		pane = openPane(["group", "add", "metrics"], dir);
		await pane.waitFor((s) => s.includes("metrics (M-of-N) choose any"));
		pane.burst("Down", "Down", "Space", "Enter");
		screen = await pane.waitFor((s) => s.includes("HPM_EXIT="));
		expect(screen).toContain("metrics: now metric-bleu, metric-legacy");
		expect(readFileSync(file, "utf8")).toContain('metrics = ["metric-bleu", "metric-legacy"]');
		const before = readFileSync(file);
		pane.close();
		pane = openPane(["group", "add", "metrics"], dir);
		await pane.waitFor((s) => s.includes("metrics (M-of-N) choose any"));
		pane.burst("Space", "Escape", "Enter");
		screen = await pane.waitFor((s) => s.includes("HPM_EXIT="));
		expect(screen).toContain("hpm: cancelled: nothing chosen; pyproject.toml was not changed");
		expect(screen).toContain("HPM_EXIT=1");
		expect(readFileSync(file)).toEqual(before);
	});
});

describe("what the browser says is whole, and undone is recorded", () => {
	it("a message longer than the line wraps at 80x24; u is an entry of hpm history", async () => {
		const dir = copyExample();
		pane = openPane(["ui"], dir, 80, 24);
		await pane.waitFor((s) => s.includes("inference 1-of-N"));
		pane.keys("Tab", "Down", "Enter");
		await pane.waitFor((s) => s.includes("(*) vlm-adapter-deepseek"));
		pane.keys("Left", "Down", "Tab", "Down", "Down", "Space");
		let screen = await pane.waitFor((s) => s.includes("(u undoes)"));
		expect(flat(screen)).toContain(
			"metrics: added metric-legacy (now metric-bleu, metric-legacy); this breaks a rule: " +
				"inference=vlm-adapter-deepseek conflicts with metrics=metric-legacy; choose one of them (u undoes)",
		);
		expect(screen.split("\n").every((line) => line.length <= 80)).toBe(true);
		pane.keys("u");
		screen = await pane.waitFor((s) => s.includes("undone: metrics: added metric-legacy"));
		pane.keys("q");
		await pane.waitFor((s) => s.includes("HPM_EXIT=0"));
		const history = hpm(["history"], { cwd: dir });
		expect(history.code).toBe(0);
		const lines = history.stdout.split("\n").map((line) => line.replace(/^(#\d+)\s+\S+ \S+\s+/, "$1 "));
		expect(lines.slice(0, 3)).toEqual([
			"#3 undo: group add: metrics: added metric-legacy (now metric-bleu, metric-legacy)",
			"#2 group add: metrics: added metric-legacy (now metric-bleu, metric-legacy)",
			"#1 group add: inference: switched from vlm-adapter-qwen to vlm-adapter-deepseek",
		]);
	});
});
