import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { afterEach, describe, expect, it } from "vitest";
import { copyExample, hpm, tempDir } from "../helpers/run.js";
import { openPane, type Pane } from "../helpers/tmux.js";
import { installed, slowPackage, uvEnv, writePackage } from "../helpers/uv.js";

let pane: Pane | undefined;
afterEach(() => pane?.close());

const deps = (dir: string) =>
	(parse(readFileSync(path.join(dir, "pyproject.toml"), "utf8")) as { project: { dependencies: string[] } }).project
		.dependencies;

describe("hpm ui in a real terminal", () => {
	it("filter, pick 1-of-N, toggle M-of-N, sync with uv's lines streaming, quit: files and environment follow", async () => {
		const dir = copyExample();
		pane = openPane(["ui"], dir, 100, 30);
		await pane.waitFor((s) => s.includes("inference 1-of-N pending"));
		// filter, then pick in the 1-of-N group
		pane.keys("/");
		pane.type("deepseek");
		await pane.waitFor((s) => s.includes("/deepseek") && !s.includes("vlm-adapter-qwen 0.1.0"));
		pane.keys("Enter", "Tab", "Enter");
		await pane.waitFor((s) => s.includes("inference: switched from vlm-adapter-qwen to vlm-adapter-deepseek"));
		pane.keys("Escape");
		await pane.waitFor((s) => s.includes("metrics M-of-N"));
		// toggle in the M-of-N group
		pane.keys("Left", "Down", "Tab", "Down", "Space");
		await pane.waitFor((s) => s.includes("[x] metric-rouge"));
		// sync: the plan, then uv's own lines, then the result
		pane.keys("s");
		let screen = await pane.waitFor((s) => s.includes("Press Enter to apply this plan."));
		expect(screen).toContain("+ vlm-adapter-deepseek inference");
		expect(screen).toContain("+ metric-rouge metrics");
		pane.keys("Enter");
		screen = await pane.waitFor(
			(s) => s.includes("synced: pyproject.toml, uv.lock and .venv match the selection"),
			60_000,
		);
		expect(screen).toContain("+ metric-rouge==0.1.0");
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("inference 1-of-N synced"));
		pane.keys("q");
		screen = await pane.waitFor((s) => s.includes("HPM_EXIT=0"));
		// the alternate screen is gone: the UI no longer shows
		expect(screen).not.toContain("inference 1-of-N");

		expect(deps(dir)).toEqual(["metric-bleu", "metric-rouge", "vlm-adapter-deepseek"]);
		const lock = readFileSync(path.join(dir, "uv.lock"), "utf8");
		expect(lock).toContain('name = "vlm-adapter-deepseek"');
		expect(lock).not.toContain('name = "vlm-adapter-qwen"');
		expect(installed(dir)).toEqual(["metric-bleu", "metric-rouge", "vlm-adapter-deepseek", "vlm-interface"]);
	});

	it.each([
		[60, 20],
		[80, 24],
		[200, 60],
	])("fits a %ix%i terminal", async (columns, rows) => {
		pane = openPane(["ui"], copyExample(), columns, rows);
		const screen = await pane.waitFor(
			(s) => s.includes("inference 1-of-N pending") && s.includes("groups: inference") && s.includes("q quit"),
		);
		const lines = screen.split("\n");
		expect(lines.length).toBeLessThanOrEqual(rows + 1);
		expect(lines.every((line) => line.length <= columns)).toBe(true);
		expect(screen).toContain("groups: inference");
		// wide terminals show what each option is
		if (columns >= 120) expect(screen).toMatch(/\( \) vlm-adapter-deepseek 0\.1\.0 \S/);
		else expect(screen).not.toMatch(/\( \) vlm-adapter-deepseek 0\.1\.0 \S/);
		// help and quit are always on the key bar
		const bar = lines.filter((line) => line.trim() !== "").at(-1) ?? "";
		expect(bar).toContain("? help");
		expect(bar).toContain("q quit");
		// the help fits too: its title and how to close it are on screen
		pane.keys("?");
		const help = await pane.waitFor((s) => s.includes("press ? or Esc to close"));
		expect(help).toContain("keys: browser");
		expect(help.split("\n").every((line) => line.length <= columns)).toBe(true);
		pane.keys("Escape");
		await pane.waitFor((s) => s.includes("q quit"));
		pane.keys("q");
		await pane.waitFor((s) => s.includes("HPM_EXIT=0"));
	});

	it("SIGTERM (or a closed terminal's SIGHUP) during a UI sync stops uv and restores the files before exiting", async () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		slowPackage(dir);
		hpm(["group", "add", "metrics", "-o", "metric-slow"], { cwd: dir });
		const before = {
			pyproject: readFileSync(path.join(dir, "pyproject.toml")),
			lock: readFileSync(path.join(dir, "uv.lock")),
		};
		pane = openPane(["ui"], dir);
		await pane.waitFor((s) => s.includes("inference 1-of-N"));
		pane.keys("s");
		await pane.waitFor((s) => s.includes("Press Enter to apply this plan."));
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("adding metric-slow"));
		const journal = JSON.parse(readFileSync(path.join(dir, ".hpm.journal.json"), "utf8")) as {
			body: { owner: { pid: number } };
		};
		process.kill(journal.body.owner.pid, "SIGTERM");
		const screen = await pane.waitFor((s) => s.includes("HPM_EXIT="), 30_000);
		expect(screen).toContain("HPM_EXIT=143");
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(before.pyproject);
		expect(readFileSync(path.join(dir, "uv.lock"))).toEqual(before.lock);
		expect(existsSync(path.join(dir, ".hpm.journal.json"))).toBe(false);
	});

	it("Ctrl-C on the browser quits and restores the terminal", async () => {
		pane = openPane(["ui"], copyExample());
		await pane.waitFor((s) => s.includes("inference 1-of-N"));
		pane.keys("C-c");
		const screen = await pane.waitFor((s) => s.includes("HPM_EXIT="));
		expect(screen).not.toContain("inference 1-of-N");
		// Ctrl-C ends the UI as it ends any program in a shell
		expect(screen).toContain("HPM_EXIT=130");
	});
});

describe("keys that arrive together act one by one, each on the screen the previous one left", () => {
	it("c + Enter in one write runs the check; the cursor was on an unpicked option and nothing is written", async () => {
		const dir = copyExample();
		const before = readFileSync(path.join(dir, "pyproject.toml"));
		pane = openPane(["ui"], dir, 100, 30);
		await pane.waitFor((s) => s.includes("inference 1-of-N"));
		// the cursor on an option that is not picked: Enter here would switch the group
		pane.keys("Tab", "Down");
		await pane.waitFor((s) => /❯ \( \) vlm-adapter-deepseek/.test(s));
		pane.burst("c", "Enter");
		const screen = await pane.waitFor((s) => s.includes("ok: the selection resolves"), 60_000);
		expect(screen).toContain("Check: does the selection resolve?");
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(before);
		// Esc back: the cursor is where it was
		pane.keys("Escape");
		await pane.waitFor((s) => /❯ \( \) vlm-adapter-deepseek/.test(s));
	});

	it("s + Enter in one write runs the sync", async () => {
		const dir = copyExample();
		pane = openPane(["ui"], dir, 100, 30);
		await pane.waitFor((s) => s.includes("inference 1-of-N pending"));
		pane.burst("s", "Enter");
		await pane.waitFor((s) => s.includes("synced: pyproject.toml, uv.lock and .venv match the selection"), 60_000);
		expect(deps(dir)).toEqual(["metric-bleu", "vlm-adapter-qwen"]);
	});

	it("in the wizard: Down + Enter, two Backspaces and a paste, each in one write", async () => {
		const dir = copyExample();
		writePackage(path.join(dir, "packages/metric_meteor"), "metric-meteor", "0.2.0");
		pane = openPane(["registry", "add"], dir);
		await pane.waitFor((s) => s.includes("Where does the package come from?"));
		// Down + Enter: the second choice (a git repository), not the first
		pane.burst("Down", "Enter");
		await pane.waitFor((s) => s.includes("Git URL"));
		pane.keys("Escape");
		await pane.waitFor((s) => s.includes("Where does the package come from?"));
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("Folder holding the package"));
		// a paste arrives as one write; two Backspaces in one write delete two characters
		pane.burst("-l", "packages/metric_meteorXY");
		await pane.waitFor((s) => s.includes("› packages/metric_meteorXY"));
		pane.burst("BSpace", "BSpace");
		await pane.waitFor((s) => s.includes("› packages/metric_meteor") && !s.includes("meteorX"));
		// Esc to the previous field and back keeps what was typed
		pane.keys("Escape");
		await pane.waitFor((s) => s.includes("Where does the package come from?"));
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("› packages/metric_meteor") && !s.includes("meteorX"));
	});
});

describe("nothing is hidden", () => {
	it("a failed check: the problem in full, uv's whole output in a pager (l), the groups marked in the browser", async () => {
		const dir = copyExample();
		expect(hpm(["group", "add", "metrics", "-o", "metric-legacy"], { cwd: dir }).code).toBe(0);
		pane = openPane(["ui"], dir, 80, 24);
		await pane.waitFor((s) => s.includes("metrics M-of-N"));
		pane.keys("c");
		await pane.waitFor((s) => s.includes("Press Enter to resolve it with uv"));
		pane.keys("Enter");
		let screen = await pane.waitFor((s) => s.includes("check failed"), 60_000);
		expect(screen.replace(/\s+/g, " ")).toContain(
			"problem: inference=vlm-adapter-qwen conflicts with metrics=metric-legacy: metric-legacy needs vlm-interface<0.1",
		);
		// the narrowing steps are said once, not streamed: uv's lines are those of the first resolution
		expect(screen).not.toContain("Resolved 2 packages");
		pane.keys("l");
		screen = await pane.waitFor((s) => s.includes("uv's output (check)"));
		pane.keys("g");
		screen = await pane.waitFor((s) => s.includes("lines 1-"));
		expect(screen).toContain("error: No solution found when resolving dependencies");
		expect(screen.split("\n").length).toBeLessThanOrEqual(25);
		pane.keys("G");
		screen = await pane.waitFor((s) => s.includes("problem: inference=vlm-adapter-qwen conflicts with metrics"));
		pane.keys("q");
		await pane.waitFor((s) => s.includes("check failed"));
		// ? shows this screen's keys, Esc closes the help and leaves the result as it was
		pane.keys("?");
		await pane.waitFor((s) => s.includes("keys: operation"));
		pane.keys("Escape");
		await pane.waitFor((s) => s.includes("check failed"));
		pane.keys("Escape");
		screen = await pane.waitFor((s) => s.includes("metrics M-of-N conflict"));
		expect(screen).toContain("inference 1-of-N conflict");
	});
});

describe("picks are reversible", () => {
	it("u undoes the last change to pyproject.toml byte for byte, one change at a time; an edit made since is kept", async () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		const original = readFileSync(file);
		pane = openPane(["ui"], dir, 100, 30);
		await pane.waitFor((s) => s.includes("inference 1-of-N"));
		pane.keys("Tab", "Down", "Enter");
		await pane.waitFor((s) => s.includes("inference: switched from vlm-adapter-qwen to vlm-adapter-deepseek"));
		const afterPick = readFileSync(file);
		pane.keys("Left", "Down", "Tab", "Down", "Space");
		await pane.waitFor((s) => s.includes("[x] metric-rouge"));
		pane.keys("u");
		await pane.waitFor((s) => s.includes("undone: metrics: added metric-rouge"));
		expect(readFileSync(file)).toEqual(afterPick);
		pane.keys("u");
		await pane.waitFor((s) => s.includes("undone: inference: switched"));
		expect(readFileSync(file)).toEqual(original);
		pane.keys("u");
		await pane.waitFor((s) => s.includes("nothing to undo"));
		// a change, then someone else's edit: u keeps theirs
		pane.keys("Space");
		await pane.waitFor((s) => s.includes("[x] metric-rouge"));
		writeFileSync(file, `${readFileSync(file, "utf8")}# mine\n`);
		const mine = readFileSync(file);
		pane.keys("u");
		// the message wraps where the path makes it long: read as one line
		await pane.waitFor((s) =>
			s.replace(/\s+/g, " ").includes("changed since (by a sync or an edit); nothing was undone"),
		);
		expect(readFileSync(file)).toEqual(mine);
	});
});

describe("the mode, in the UI", () => {
	it("m switches to the next mode the selection offers; the sync plan shows each switch as old -> new; u undoes", async () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const before = readFileSync(path.join(dir, "pyproject.toml"));
		pane = openPane(["ui"], dir, 120, 30);
		await pane.waitFor((s) => s.includes("mode prod") && s.includes("inference 1-of-N synced"));
		pane.keys("m");
		await pane.waitFor((s) => s.includes("mode: switched from prod to dev") && s.includes("mode dev"));
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toContain('mode = "dev"');
		pane.keys("s");
		const plan = await pane.waitFor((s) => s.includes("Press Enter to apply this plan."));
		expect(plan).toContain(
			"~ vlm-adapter-qwen local packages/vlm_adapter_qwen → local packages/vlm_adapter_qwen (editable)",
		);
		pane.keys("Escape", "u");
		await pane.waitFor((s) => s.includes("undone: mode: switched from prod to dev"));
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(before);
	});
});

describe("bursts that once went wrong", () => {
	it("s Enter Enter runs one sync, and a Ctrl-C typed with another key still cancels it", async () => {
		const dir = copyExample();
		slowPackage(dir);
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(
			file,
			readFileSync(file, "utf8").replace('metrics = ["metric-bleu"]', 'metrics = ["metric-bleu", "metric-slow"]'),
		);
		const before = readFileSync(file);
		pane = openPane(["ui"], dir, 100, 30);
		await pane.waitFor((s) => s.includes("inference 1-of-N"));
		pane.burst("s", "Enter", "Enter", "q");
		await pane.waitFor((s) => s.includes("ctrl-c cancel"), 20_000);
		await new Promise((resolve) => setTimeout(resolve, 1500)); // uv is in the slow build
		pane.burst("j", "C-c");
		await pane.waitFor((s) => s.includes("restored"), 30_000);
		expect(readFileSync(file)).toEqual(before);
	});

	it("? Enter opens the help and never picks later; Space s plans the toggled option; m m comes back", async () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		const before = readFileSync(file);
		pane = openPane(["ui"], dir, 100, 30);
		await pane.waitFor((s) => s.includes("inference 1-of-N"));
		pane.keys("Tab", "Down");
		await pane.waitFor((s) => /❯ \( \) vlm-adapter-deepseek/.test(s));
		pane.burst("?", "Enter");
		await pane.waitFor((s) => s.includes("what the marks mean"));
		pane.keys("Escape");
		await pane.waitFor((s) => /❯ \( \) vlm-adapter-deepseek/.test(s));
		expect(readFileSync(file)).toEqual(before);
		// a toggle and s in one burst: the plan has the toggled option
		pane.keys("Left", "Down", "Tab", "Down");
		await pane.waitFor((s) => /❯ \[ \] metric-rouge/.test(s));
		pane.burst("Space", "s");
		const plan = await pane.waitFor((s) => s.includes("Press Enter to apply this plan."));
		expect(plan).toContain("+ metric-rouge");
		pane.keys("Escape");
		await pane.waitFor((s) => s.includes("q quit"));
		pane.burst("m", "m");
		await pane.waitFor((s) => s.includes("mode: switched from dev to prod"));
		expect(readFileSync(file, "utf8")).toContain('mode = "prod"');
		// the key bar stays while a message shows
		expect(pane.screen()).toContain("? help");
	});
});

describe("colour and characters follow the terminal", () => {
	const COLOUR = /\u001b\[[0-9;]*3[0-9]m|\u001b\[[0-9;]*38;/;

	it("a UTF-8 terminal gets colour and Unicode markers", async () => {
		pane = openPane(["group", "add", "metrics"], copyExample(), 100, 30, { LANG: "C.UTF-8", LC_ALL: "" });
		await pane.waitFor((s) => s.includes("metrics (M-of-N) choose any"));
		expect(pane.screen()).toContain("❯");
		expect(pane.styled()).toMatch(COLOUR);
	});

	it.each([
		["NO_COLOR=1", { NO_COLOR: "1" }],
		["FORCE_COLOR=1 and NO_COLOR=1", { NO_COLOR: "1", FORCE_COLOR: "1" }],
	])("%s: the picker and the UI have no colour", async (_, env) => {
		pane = openPane(["group", "add", "metrics"], copyExample(), 100, 30, env);
		await pane.waitFor((s) => s.includes("metrics (M-of-N) choose any"));
		expect(pane.styled()).not.toMatch(COLOUR);
		pane.close();
		pane = openPane(["ui"], copyExample(), 100, 30, env);
		await pane.waitFor((s) => s.includes("inference 1-of-N"));
		expect(pane.styled()).not.toMatch(COLOUR);
	});

	it("--no-color does the same", async () => {
		pane = openPane(["ui", "--no-color"], copyExample());
		await pane.waitFor((s) => s.includes("inference 1-of-N"));
		expect(pane.styled()).not.toMatch(COLOUR);
	});

	it.each([
		["LC_ALL=C", { LC_ALL: "C" }],
		["TERM=dumb", { TERM: "dumb" }],
	])("%s: ASCII borders, markers and keys", async (_, env) => {
		pane = openPane(["ui"], copyExample(), 100, 30, env);
		const screen = await pane.waitFor((s) => s.includes("inference 1-of-N"));
		expect(screen).toMatch(/^[\x20-\x7e\n]*$/);
		expect(screen).toContain("+---");
		expect(screen).toContain("> ");
	});
});

describe("cancelling is not an error", () => {
	it("hpm ui where it cannot open a project: the reason, q, exit 2", async () => {
		const dir = tempDir("hpm-ui-nowhere-");
		pane = openPane(["ui"], dir);
		await pane.waitFor((s) => s.includes("hpm ui cannot open this project"));
		pane.keys("q");
		const screen = await pane.waitFor((s) => s.includes("HPM_EXIT="));
		expect(screen).toContain("error: hpm ui cannot open this project: no pyproject.toml");
		expect(screen).toContain("HPM_EXIT=2");
	});

	it.each([
		["Escape", 1, "cancelled: nothing chosen; pyproject.toml was not changed"],
		["C-c", 130, "interrupted; pyproject.toml was not changed"],
	] as const)("the picker, %s: exit %s, a plain message, nothing written", async (key, code, says) => {
		const dir = copyExample();
		const before = readFileSync(path.join(dir, "pyproject.toml"));
		pane = openPane(["group", "add", "metrics"], dir);
		await pane.waitFor((s) => s.includes("metrics (M-of-N) choose any"));
		pane.keys("Space", key);
		const screen = await pane.waitFor((s) => s.includes("HPM_EXIT="));
		expect(screen).toContain(`hpm: ${says}`);
		expect(screen).not.toContain("error:");
		expect(screen).toContain(`HPM_EXIT=${code}`);
		expect(readFileSync(path.join(dir, "pyproject.toml"))).toEqual(before);
	});

	it.each([
		["Escape", 1, "cancelled: nothing was written"],
		["C-c", 130, "interrupted; nothing was written"],
	] as const)("the wizard, %s: exit %s, a plain message, nothing written", async (key, code, says) => {
		const dir = copyExample();
		pane = openPane(["registry", "add"], dir);
		await pane.waitFor((s) => s.includes("Where does the package come from?"));
		pane.keys(key);
		const screen = await pane.waitFor((s) => s.includes("HPM_EXIT="));
		expect(screen).toContain(`hpm: ${says}`);
		expect(screen).not.toContain("error:");
		expect(screen).toContain(`HPM_EXIT=${code}`);
	});
});

describe("interactive fallbacks of the plain commands in a real terminal", () => {
	it("group add without --option shows a picker (M-of-N: space toggles, enter confirms)", async () => {
		const dir = copyExample();
		pane = openPane(["group", "add", "metrics"], dir);
		await pane.waitFor((s) => s.includes("metrics (M-of-N) choose any"));
		pane.keys("Down", "Space", "Enter");
		const screen = await pane.waitFor((s) => s.includes("HPM_EXIT="));
		expect(screen).toContain("metrics: now metric-bleu, metric-rouge");
		expect(screen).toContain("HPM_EXIT=0");
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toContain(
			'metrics = ["metric-bleu", "metric-rouge"]',
		);
	});

	it("group add without --option in a 1-of-N group: enter picks", async () => {
		const dir = copyExample();
		pane = openPane(["group", "add", "inference"], dir);
		await pane.waitFor((s) => s.includes("inference (1-of-N) choose one"));
		pane.keys("Down", "Enter");
		const screen = await pane.waitFor((s) => s.includes("HPM_EXIT="));
		expect(screen).toContain("inference: switched from vlm-adapter-qwen to vlm-adapter-deepseek");
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toContain('inference = "vlm-adapter-deepseek"');
	});

	it("registry add with no flags runs the wizard; each field is validated as typed", async () => {
		const dir = copyExample();
		writePackage(path.join(dir, "packages/metric_meteor"), "metric-meteor", "0.2.0");
		pane = openPane(["registry", "add"], dir);
		await pane.waitFor((s) => s.includes("Where does the package come from?"));
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("Folder holding the package"));
		pane.type("packages/nope");
		await pane.waitFor((s) => s.includes("packages/nope does not exist"));
		pane.keys("BSpace", "BSpace", "BSpace", "BSpace");
		pane.type("metric_meteor");
		await pane.waitFor((s) => s.includes("› packages/metric_meteor") && !s.includes("does not exist"));
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("› metric-meteor"));
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("› 0.2.0"));
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("Mode this source serves"));
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("Install it editable?"));
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("Also offer it in a group?"));
		pane.keys("Down", "Down", "Enter");
		await pane.waitFor((s) => s.includes("Summary"));
		pane.keys("Enter");
		const screen = await pane.waitFor((s) => s.includes("HPM_EXIT="));
		expect(screen).toContain("HPM_EXIT=0");
		expect(readFileSync(path.join(dir, "registry/packages/metric-meteor.yaml"), "utf8")).toBe(
			'name: "metric-meteor"\nversion: "0.2.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/metric_meteor"\n',
		);
		expect(readFileSync(path.join(dir, "registry/groups/metrics.yaml"), "utf8")).toContain('  - name: "metric-meteor"');
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);
	});

	it("registry add with some flags asks only for the missing ones", async () => {
		const dir = copyExample();
		mkdirSync(path.join(dir, "x"), { recursive: true });
		writeFileSync(path.join(dir, "x/README"), "");
		pane = openPane(
			[
				"registry",
				"add",
				"--url",
				"https://example.com/llava.git",
				"--tag",
				"v1.0.0",
				"--mode",
				"prod",
				"--group",
				"inference",
			],
			dir,
		);
		let screen = await pane.waitFor((s) => s.includes("Package name"));
		expect(screen).not.toContain("Where does the package come from?");
		pane.type("vlm-adapter-llava");
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("Version"));
		pane.type("1.0.0");
		pane.keys("Enter");
		screen = await pane.waitFor((s) => s.includes("Summary"));
		expect(screen).toContain('tag: "v1.0.0"');
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("HPM_EXIT=0"));
		expect(readFileSync(path.join(dir, "registry/groups/inference.yaml"), "utf8")).toContain(
			'  - name: "vlm-adapter-llava"',
		);
	});

	it("H opens the history: what a rollback would change, Enter asks, Enter rolls back with uv's lines, Esc returns", async () => {
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		const first = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		expect(hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		pane = openPane(["ui"], dir, 100, 44);
		await pane.waitFor((s) => s.includes("metrics M-of-N synced"));
		// H and Down typed at once: the Down moves in the history
		pane.keys("H", "Down");
		// (the whole preview: a capture can fall between two writes of one frame)
		let screen = await pane.waitFor(
			(s) => s.includes("❯ #2") && s.includes("rolling back to before #2 would change:") && s.includes("uv.lock:"),
		);
		expect(screen).toContain("#3");
		expect(screen).toContain('-metrics = ["metric-bleu", "metric-rouge"]');
		expect(screen).toContain('+metrics = ["metric-bleu"]');
		expect(screen).toContain("- metric-rouge 0.1.0");
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("Roll back to before #2"));
		pane.keys("Escape"); // no: nothing happens
		await pane.waitFor((s) => s.includes("rolling back to before #2 would change:"));
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).not.toBe(first);
		pane.keys("Enter", "Enter");
		screen = await pane.waitFor((s) => s.includes("rolled back to before #2"), 60_000);
		expect(screen).toContain("- metric-rouge==0.1.0");
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(first);
		expect(installed(dir)).not.toContain("metric-rouge");
		// back to the history (the rollback is its newest entry), then to the browser, which read it again
		pane.keys("Enter");
		await pane.waitFor((s) => s.includes("❯ #4") && s.includes("rollback to before #2"));
		pane.keys("Escape");
		await pane.waitFor((s) => s.includes("metrics M-of-N synced"));
		pane.keys("Down", "Tab");
		await pane.waitFor((s) => s.includes("[ ] metric-rouge"));
		pane.keys("q");
		await pane.waitFor((s) => s.includes("HPM_EXIT=0"));
	});
});
