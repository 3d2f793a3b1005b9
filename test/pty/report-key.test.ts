import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyExample } from "../helpers/run.js";
import { openPane, type Pane } from "../helpers/tmux.js";

let pane: Pane | undefined;
afterEach(() => pane?.close());

describe("the report, from the UI", () => {
	it("r writes the HTML report in the project's folder and shows its path", async () => {
		const dir = copyExample();
		const file = path.join(dir, "hpm-report.html");
		pane = openPane(["ui"], dir, 160, 30);
		await pane.waitFor((s) => s.includes("mode prod"));
		expect(existsSync(file)).toBe(false);
		pane.keys("r");
		await pane.waitFor((s) => s.includes(`report written: ${file}`));
		expect(readFileSync(file, "utf8")).toContain('<meta name="generator" content="hpm report">');
	});

	it("v runs the chosen options' checks as hpm verify does and says what they found", async () => {
		const dir = copyExample();
		pane = openPane(["ui"], dir, 160, 30);
		await pane.waitFor((s) => s.includes("mode prod"));
		pane.keys("v");
		// the example's options declare no checks: verify says so, and changes nothing
		await pane.waitFor((s) => s.includes("verify: no chosen option declares checks"));
	});
});
