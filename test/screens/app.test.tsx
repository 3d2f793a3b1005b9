import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { App } from "../../screens/app.js";
import { BrowserScreen } from "../../screens/browser-screen.js";
import { loadView } from "../../screens/view.js";
import { stripAnsi } from "../../source/cli/output.js";
import { KEY, press, waitForFrame } from "../helpers/ink.js";
import { copyExample, tempDir } from "../helpers/run.js";
import { slowPackage, uvEnv } from "../helpers/uv.js";

const locator = {} as const;
const groupsOf = (dir: string) =>
	readFileSync(path.join(dir, "pyproject.toml"), "utf8").split("[tool.hpm.groups]")[1]?.trim();

describe("the registry browser", () => {
	it("shows groups, the focused group's options and the focused package, at 80x24", async () => {
		const dir = copyExample();
		const view = await loadView(locator, dir);
		const { lastFrame } = render(
			<BrowserScreen
				view={view}
				width={80}
				height={24}
				message={undefined}
				onChoose={() => {}}
				onCommand={() => {}}
				active
			/>,
		);
		const lines = stripAnsi(lastFrame() ?? "").split("\n");
		expect(lines.length).toBeLessThanOrEqual(24);
		expect(lines.every((line) => line.length <= 80)).toBe(true);
		// the options pane has not the keys: its cursor is drawn without them (focus shows without colour)
		expect(lines[2]).toBe("│❯ inference 1-of-N pending     ││· (*) vlm-adapter-qwen 0.1.0                 │");
		expect(lines[3]).toBe("│  metrics M-of-N pending       ││  ( ) vlm-adapter-deepseek 0.1.0             │");
		expect(lines).toContain(" vlm-adapter-qwen 0.1.0 VLM adapter for Qwen");
		expect(lines).toContain(" prod   local ../../packages/vlm_adapter_qwen");
		expect(lines).toContain(" groups: inference");
	});

	it("scrolls a registry of 2,000 packages rendering only the visible rows", async () => {
		const dir = tempDir("hpm-big-");
		mkdirSync(path.join(dir, "registry/packages"), { recursive: true });
		mkdirSync(path.join(dir, "registry/groups"), { recursive: true });
		for (let g = 0; g < 200; g++) {
			const names = Array.from({ length: 10 }, (_, i) => `pkg-${g}-${i}`);
			for (const name of names)
				writeFileSync(
					path.join(dir, "registry/packages", `${name}.yaml`),
					`name: "${name}"\nversion: "1.0.0"\nsources:\n  prod:\n    type: "git"\n    url: "https://example.com/${name}.git"\n`,
				);
			writeFileSync(
				path.join(dir, "registry/groups", `group-${String(g).padStart(3, "0")}.yaml`),
				`name: "group-${String(g).padStart(3, "0")}"\nstrategy: "M-of-N"\noptions:\n${names.map((n) => `  - name: "${n}"`).join("\n")}\n`,
			);
		}
		writeFileSync(path.join(dir, "pyproject.toml"), '[project]\nname = "big"\nversion = "0"\n');
		const view = await loadView(locator, dir);
		const { lastFrame, stdin } = render(
			<BrowserScreen
				view={view}
				width={80}
				height={24}
				message={undefined}
				onChoose={() => {}}
				onCommand={() => {}}
				active
			/>,
		);
		await press(stdin, ...Array(150).fill(KEY.down));
		const frame = await waitForFrame(lastFrame, (f) => f.includes("❯ group-150"));
		expect(frame.split("\n").length).toBeLessThanOrEqual(24);
		expect(frame).toContain("of 200");
		expect(frame).not.toContain("group-000");
	});
});

describe("the app", () => {
	it("Enter picks in a 1-of-N group, Space toggles in an M-of-N group; each is written at once and shown as pending", async () => {
		const dir = copyExample();
		const { lastFrame, stdin } = render(<App locator={locator} cwd={dir} />);
		await waitForFrame(lastFrame, (f) => f.includes("inference 1-of-N"));
		await press(stdin, KEY.tab, KEY.down, KEY.enter);
		await waitForFrame(lastFrame, (f) =>
			f.includes("inference: switched from vlm-adapter-qwen to vlm-adapter-deepseek (press s to sync, u to undo)"),
		);
		expect(groupsOf(dir)).toBe('inference = "vlm-adapter-deepseek"\nmetrics = ["metric-bleu"]');
		await press(stdin, KEY.left, KEY.down, KEY.tab, KEY.down, KEY.space);
		await waitForFrame(lastFrame, (f) => f.includes("[x] metric-rouge"));
		expect(groupsOf(dir)).toBe('inference = "vlm-adapter-deepseek"\nmetrics = ["metric-bleu", "metric-rouge"]');
		await press(stdin, KEY.space);
		await waitForFrame(lastFrame, (f) => f.includes("[ ] metric-rouge"));
		expect(groupsOf(dir)).toBe('inference = "vlm-adapter-deepseek"\nmetrics = ["metric-bleu"]');
	});

	it("/ filters live; Esc clears; ? shows help", async () => {
		const { lastFrame, stdin } = render(<App locator={locator} cwd={copyExample()} />);
		await waitForFrame(lastFrame, (f) => f.includes("inference 1-of-N"));
		stdin.write("/rouge"); // the slash and the text in one chunk, as a paste or a fast typist sends them
		let frame = await waitForFrame(lastFrame, (f) => f.includes("/rouge"));
		expect(frame).not.toContain("inference 1-of-N");
		expect(frame).toContain("[ ] metric-rouge 0.1.0");
		await press(stdin, KEY.escape);
		frame = await waitForFrame(lastFrame, (f) => f.includes("inference 1-of-N"));
		await press(stdin, "?");
		frame = await waitForFrame(lastFrame, (f) => f.includes("keys: browser"));
		expect(frame).toContain("space       toggle (M-of-N)");
		await press(stdin, KEY.escape);
		await waitForFrame(lastFrame, (f) => f.includes("inference 1-of-N"));
	});

	it("check shows the plan, then on Enter streams uv and shows the result, changing nothing", async () => {
		const dir = copyExample();
		Object.assign(process.env, uvEnv());
		const before = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		const { lastFrame, stdin } = render(<App locator={locator} cwd={dir} />);
		await waitForFrame(lastFrame, (f) => f.includes("inference 1-of-N"));
		await press(stdin, "c");
		let frame = await waitForFrame(lastFrame, (f) => f.includes("Press Enter to resolve it with uv"));
		expect(frame).toContain("+ vlm-adapter-qwen inference");
		await press(stdin, KEY.enter);
		frame = await waitForFrame(
			lastFrame,
			(f) => f.includes("ok: the selection resolves (4 packages); nothing was changed"),
			30_000,
		);
		expect(frame).toContain("Resolved 4 packages");
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(before);
		await press(stdin, KEY.enter);
		await waitForFrame(lastFrame, (f) => f.includes("inference 1-of-N"));
	});

	it("a check's warnings are shown as `hpm check` prints them", async () => {
		// Given a registry with a broken file the selection does not use
		const dir = copyExample();
		Object.assign(process.env, uvEnv());
		writeFileSync(path.join(dir, "registry/packages/unused-broken.yaml"), "name: [\n");
		const { lastFrame, stdin } = render(<App locator={locator} cwd={dir} />);
		await waitForFrame(lastFrame, (f) => f.includes("inference 1-of-N"));
		// When a check runs
		await press(stdin, "c");
		await waitForFrame(lastFrame, (f) => f.includes("Press Enter to resolve it with uv"));
		await press(stdin, KEY.enter);
		const frame = await waitForFrame(lastFrame, (f) => f.includes("ok: the selection resolves"), 30_000);
		// Then the warning the stream reported is on the screen
		expect(frame).toMatch(/warning: \S*registry\/packages\/unused-broken\.yaml:2:1: YAML/);
		await press(stdin, KEY.enter);
		await waitForFrame(lastFrame, (f) => f.includes("inference 1-of-N"));
	});

	it("an unreadable registry is shown in place, not as a crash", async () => {
		const dir = copyExample();
		writeFileSync(path.join(dir, "registry/groups/metrics.yaml"), "name: [\n");
		const { lastFrame } = render(<App locator={locator} cwd={dir} />);
		const frame = await waitForFrame(lastFrame, (f) => f.includes("hpm ui cannot open this project"));
		expect(frame.replace(/\n/g, "")).toContain("registry/groups/metrics.yaml:2: YAML syntax error");
	});
});

describe("cancelling a sync from the UI", () => {
	it("Ctrl-C while uv runs stops it, restores pyproject.toml and uv.lock, and says so in place", async () => {
		const dir = copyExample();
		Object.assign(process.env, uvEnv());
		slowPackage(dir);
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(
			file,
			readFileSync(file, "utf8").replace('metrics = ["metric-bleu"]', 'metrics = ["metric-bleu", "metric-slow"]'),
		);
		const before = readFileSync(file);
		const { lastFrame, stdin } = render(<App locator={locator} cwd={dir} />);
		await waitForFrame(lastFrame, (f) => f.includes("inference 1-of-N"));
		await press(stdin, "s");
		await waitForFrame(lastFrame, (f) => f.includes("Press Enter to apply this plan."));
		await press(stdin, KEY.enter);
		await waitForFrame(lastFrame, (f) => f.includes("adding vlm-adapter-qwen, metric-bleu, metric-slow"));
		await new Promise((resolve) => setTimeout(resolve, 500)); // uv is inside the slow build now
		stdin.write("\u0003");
		const frame = await waitForFrame(
			lastFrame,
			(f) => f.includes("interrupted: uv was stopped and pyproject.toml and uv.lock were restored"),
			20_000,
		);
		expect(frame).toContain("restored pyproject.toml and uv.lock");
		expect(readFileSync(file)).toEqual(before);
	});
});
