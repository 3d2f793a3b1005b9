import { cpSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { EXAMPLE } from "../helpers/run.js";
import { openPane, type Pane } from "../helpers/tmux.js";

let pane: Pane | undefined;
afterEach(() => pane?.close());

// The header shows the project's path: a folder of the test's TMPDIR padded to a fixed length (that
// of the path the frames were drawn with) and masked, so that the frames are the same on every
// machine whatever its TMPDIR.
const MASK = "$TMPDIR/hpm-frames-#####";
// the test's TMPDIR is private to the run (global-setup.ts): a fixed name in it is this file's alone
const padding = MASK.length - tmpdir().length - 1;
if (padding < 1)
	throw new Error(
		`the frames need a TMPDIR of at most ${MASK.length - 2} characters (run with TMPDIR=/tmp): ${tmpdir()}`,
	);
const base = path.join(tmpdir(), "f".repeat(padding));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function project(name: string): string {
	const dir = path.join(base, name);
	mkdirSync(base, { recursive: true });
	cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !/[\\/](\.venv|uv\.lock|__pycache__)$/.test(source) });
	return dir;
}

/** The frame as text, the project's folder masked and trailing blanks kept off (tmux pads nothing itself). */
const frame = (screen: string) => screen.replaceAll(base, MASK).replace(/\n+$/, "\n");

/**
 * What a misaligned frame shows: a line wider than the terminal, or a border out of its column
 * (every row between a pane's top and bottom border has its side borders where the top has its corners).
 */
function assertAligned(screen: string, columns: number): void {
	const lines = screen.split("\n").map((line) => [...line]);
	for (const line of lines) expect(line.length, line.join("")).toBeLessThanOrEqual(columns);
	const top = lines.findIndex((line) => line[0] === "┌" || line[0] === "╭");
	if (top === -1) return;
	const bottom = lines.findIndex((line, index) => index > top && (line[0] === "└" || line[0] === "╰"));
	const corners = (lines[top] ?? []).flatMap((char, index) => ("┐┌╮╭".includes(char) ? [index] : []));
	for (const line of lines.slice(top + 1, bottom)) {
		for (const column of corners) expect(line[column], `column ${column}: ${line.join("")}`).toBe("│");
	}
	expect(bottom).toBeGreaterThan(top);
}

const SIZES = [
	[60, 20],
	[80, 24],
	[200, 60],
] as const;

describe("exact frames of hpm ui from 60x20 to 200x60 (the files under frames/ are the frames, reviewed)", () => {
	for (const [columns, rows] of SIZES) {
		it(`${columns}x${rows}: the browser, the help, a check's plan`, async () => {
			const dir = project(`p${columns}`);
			pane = openPane(["ui"], dir, columns, rows);
			const browser = await pane.waitFor((s) => s.includes("inference") && s.includes("q quit"));
			assertAligned(browser, columns);
			await expect(frame(browser)).toMatchFileSnapshot(`frames/${columns}x${rows}-browser.txt`);
			pane.keys("?");
			const help = await pane.waitFor((s) => s.includes("keys: browser"));
			assertAligned(help, columns);
			await expect(frame(help)).toMatchFileSnapshot(`frames/${columns}x${rows}-help.txt`);
			// Escape on its own: an Escape and a Tab in one read are Alt+Tab to a terminal program
			pane.keys("Escape");
			await pane.waitFor((s) => !s.includes("keys: browser") && s.includes("q quit"));
			pane.keys("Tab", "Down", "Enter");
			await pane.waitFor((s) => s.includes("(*) vlm-adapter-deepseek"));
			pane.keys("c");
			const plan = await pane.waitFor((s) => s.includes("Press Enter to resolve it with uv"));
			assertAligned(plan, columns);
			await expect(frame(plan)).toMatchFileSnapshot(`frames/${columns}x${rows}-check-plan.txt`);
		});
	}
});

describe("focus shows without colour", () => {
	it("NO_COLOR at 80x24: the pane with the keys draws its cursor ❯, the other ·; Tab swaps them", async () => {
		const dir = project("nocolor");
		pane = openPane(["ui"], dir, 80, 24, { NO_COLOR: "1" });
		const groups = await pane.waitFor((s) => s.includes("inference") && s.includes("q quit"));
		expect(pane.styled()).not.toMatch(/\u001b\[[0-9;]*3[0-9]m|\u001b\[[0-9;]*38;/);
		await expect(frame(groups)).toMatchFileSnapshot("frames/80x24-nocolor-groups.txt");
		pane.keys("Tab");
		const options = await pane.waitFor((s) => s.includes("❯ (*) vlm-adapter-qwen"));
		await expect(frame(options)).toMatchFileSnapshot("frames/80x24-nocolor-options.txt");
		expect(groups).toContain("│❯ inference 1-of-N pending");
		expect(groups).toContain("│· (*) vlm-adapter-qwen 0.1.0");
		expect(options).toContain("│· inference 1-of-N pending");
		expect(options).toContain("│❯ (*) vlm-adapter-qwen 0.1.0");
	});
});
