import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { Picker } from "../../screens/picker.js";
import { waitForFrame } from "../helpers/ink.js";
import { hpm, copyExample } from "../helpers/run.js";

const request = {
	group: "metrics",
	strategy: "M-of-N" as const,
	options: [
		{ name: "metric-bleu", description: "BLEU" },
		{ name: "metric-rouge", description: "ROUGE" },
	],
	defaults: [],
	selected: ["metric-bleu"],
};

describe("the group picker", () => {
	it("shows the options with the current choice marked", async () => {
		const { lastFrame } = render(<Picker request={request} onDone={() => {}} />);
		const frame = await waitForFrame(lastFrame, (f) => f.includes("metric-rouge"));
		expect(frame).toBe(
			"metrics (M-of-N) choose any: space toggles, enter confirms\n❯ [x] metric-bleu BLEU\n  [ ] metric-rouge ROUGE\nspace toggle  enter confirm  esc cancel",
		);
	});

	it("acts on every key even when keys arrive in one chunk (fast typing, paste)", async () => {
		let picked: string[] | undefined;
		const { lastFrame, stdin } = render(<Picker request={request} onDone={(p) => (picked = p)} />);
		await waitForFrame(lastFrame, (f) => f.includes("metric-rouge"));
		stdin.write("\u001B[B");
		stdin.write(" \r"); // space and enter together
		await waitForFrame(lastFrame, () => picked !== undefined);
		expect(picked).toEqual(["metric-bleu", "metric-rouge"]);
	});

	it.each([
		["Esc Enter", "\u001B\r"],
		["Space Esc Enter", " \u001B\r"],
		["Esc Down Enter", "\u001B\u001B[B\r"],
	])("%s in one chunk cancels: the Enter after the Esc picks nothing", async (_, chunk) => {
		const calls: (string[] | undefined)[] = [];
		const { lastFrame, stdin } = render(<Picker request={request} onDone={(p) => calls.push(p)} />);
		await waitForFrame(lastFrame, (f) => f.includes("metric-rouge"));
		stdin.write(chunk);
		await waitForFrame(lastFrame, () => calls.length > 0);
		expect(calls).toEqual([undefined]);
	});

	it("Esc cancels", async () => {
		let picked: string[] | undefined = ["unchanged"];
		const { lastFrame, stdin } = render(
			<Picker request={{ ...request, strategy: "1-of-N" }} onDone={(p) => (picked = p)} />,
		);
		await waitForFrame(lastFrame, (f) => f.includes("choose one"));
		stdin.write("\u001B");
		await waitForFrame(lastFrame, () => picked === undefined);
	});
});

describe("hpm ui without a terminal", () => {
	it("exits 2 with a one-line reason and the non-interactive alternative", () => {
		const result = hpm(["ui"], { cwd: copyExample() });
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(
			"error: hpm ui needs an interactive terminal (stdin and stdout a TTY, not CI, not --json)\nhint: in scripts use `hpm list`, `hpm group add GROUP --option NAME` and `hpm sync`\n",
		);
	});
});
