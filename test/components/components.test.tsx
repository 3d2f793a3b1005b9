import { Text } from "ink";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { HelpOverlay } from "../../components/help-overlay.js";
import { ListView } from "../../components/list-view.js";
import { LogTail } from "../../components/log-tail.js";
import { wrapRows } from "../../components/pager.js";
import { fitHints, StatusBar } from "../../components/status-bar.js";
import { windowStart } from "../../components/window.js";
import { stripAnsi } from "../../source/cli/output.js";

const frame = (f: string | undefined) => stripAnsi(f ?? "");

describe("ListView", () => {
	const items = Array.from({ length: 2000 }, (_, i) => `package-${i}`);
	const view = (selected: number) => (
		<ListView
			items={items}
			selected={selected}
			height={3}
			focused
			itemKey={(x) => x}
			renderItem={(x) => <Text>{x}</Text>}
		/>
	);

	it("renders only the visible rows of a long list, with the position", () => {
		const { lastFrame } = render(view(0));
		expect(frame(lastFrame())).toBe("❯ package-0\n  package-1\n  package-2\n  1–3 of 2000");
	});

	it("keeps the selection in view when it moves past the window", () => {
		const { lastFrame, rerender } = render(view(0));
		rerender(view(1500));
		expect(frame(lastFrame())).toBe("  package-1498\n  package-1499\n❯ package-1500\n  1499–1501 of 2000");
	});

	it("says so when empty", () => {
		const { lastFrame } = render(
			<ListView
				items={[]}
				selected={0}
				height={3}
				focused
				itemKey={(x: string) => x}
				renderItem={(x) => <Text>{x}</Text>}
				empty="nothing here"
			/>,
		);
		expect(frame(lastFrame())).toBe("nothing here");
	});

	it("windowStart scrolls only as far as needed", () => {
		expect(windowStart(0, 5, 3)).toBe(0);
		expect(windowStart(4, 5, 100, 0)).toBe(0);
		expect(windowStart(5, 5, 100, 0)).toBe(1);
		expect(windowStart(2, 5, 100, 4)).toBe(2);
		expect(windowStart(99, 5, 100, 0)).toBe(95);
	});
});

describe("StatusBar, HelpOverlay, LogTail", () => {
	it("status bar lists the keys, or a message instead", () => {
		expect(
			frame(
				render(
					<StatusBar
						hints={[
							["q", "quit"],
							["?", "help"],
						]}
					/>,
				).lastFrame(),
			),
		).toBe("q quit  ? help");
		expect(frame(render(<StatusBar hints={[["q", "quit"]]} message="saved" />).lastFrame())).toBe("saved");
	});

	it("help overlay shows every key", () => {
		// it spans the terminal (ink-testing-library's is 100 columns wide)
		const row = (text: string) => `│ ${text.padEnd(96)} │`;
		expect(
			frame(
				render(
					<HelpOverlay
						title="keys"
						keys={[
							["q", "quit"],
							["/", "filter"],
						]}
					/>,
				).lastFrame(),
			),
		).toBe(
			[
				`╭${"─".repeat(98)}╮`,
				row("keys"),
				row(`${"q".padEnd(12)}quit`),
				row(`${"/".padEnd(12)}filter`),
				row("press ? or Esc to close"),
				`╰${"─".repeat(98)}╯`,
			].join("\n"),
		);
	});

	it("log tail keeps the last lines that fit", () => {
		expect(frame(render(<LogTail lines={["a", "b", "c", "d"]} height={2} width={40} />).lastFrame())).toBe("c\nd");
		// a long line wraps into rows of the width (never cut): the tail is its last rows
		const long = `${"x".repeat(12)}${"y".repeat(12)}END`;
		expect(frame(render(<LogTail lines={["a", long]} height={2} width={12} />).lastFrame())).toBe("yyyyyyyyyyyy\nEND");
	});
});

describe("the key bar", () => {
	const hints = [
		["↑↓", "move"],
		["enter", "pick (1-of-N)"],
		["space", "toggle (M-of-N)"],
		["/", "filter"],
		["c", "check"],
		["s", "sync"],
		["?", "help"],
		["q", "quit"],
	] as const;

	it.each([200, 80, 60, 40, 20, 12])("at %i columns keeps ? and q and is never wider", (width) => {
		const fitted = fitHints(hints, width);
		const line = fitted.map(([k, a]) => `${k} ${a}`).join("  ");
		expect(fitted.map(([k]) => k)).toContain("?");
		expect(fitted.map(([k]) => k)).toContain("q");
		expect(line.length <= width || fitted.length === 2).toBe(true);
		// the order is kept
		const order = hints.map(([k]) => k).filter((k) => fitted.some(([f]) => f === k));
		expect(fitted.map(([k]) => k)).toEqual(order);
	});
});

describe("wrapRows", () => {
	it("breaks at the last space that fits, cuts only a word longer than a row, drops nothing else", () => {
		expect(wrapRows(["we can conclude that metric-legacy cannot be used."], 20)).toEqual([
			"we can conclude that",
			"metric-legacy cannot",
			"be used.",
		]);
		expect(wrapRows(["x".repeat(25)], 10)).toEqual(["xxxxxxxxxx", "xxxxxxxxxx", "xxxxx"]);
		expect(wrapRows(["", "short"], 10)).toEqual(["", "short"]);
		const text = "  cause: Because only vlm-interface>=0.1 is available and metric-legacy==0.1.0 depends on it";
		const rows = wrapRows([text], 17);
		for (const row of rows) expect(row.length).toBeLessThanOrEqual(17);
		// every character but the spaces it broke at is kept, in order
		expect(rows.join("").replace(/\s+/g, "")).toBe(text.replace(/\s+/g, ""));
	});
});
