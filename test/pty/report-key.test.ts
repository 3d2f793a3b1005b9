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
});
