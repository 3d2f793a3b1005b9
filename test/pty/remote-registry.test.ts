import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/run.js";
import { component, manifest, teamRegistry } from "../helpers/team-registry.js";
import { openPane, type Pane } from "../helpers/tmux.js";

let pane: Pane | undefined;
afterEach(() => pane?.close());

describe("a registry from git in a real terminal", () => {
	it("git's progress shows while it is fetched; the UI browses it, checks against it, and says it is read-only", async () => {
		const bleu = component("metric-bleu", "0.1.0");
		const team = teamRegistry({
			"packages/metric-bleu.yaml": manifest("metric-bleu", "0.1.0", bleu),
			"groups/metrics.yaml": "name: metrics\nstrategy: M-of-N\noptions:\n  - name: metric-bleu\n",
		});
		const url = `git+file://${team.bare}`;
		const cache = tempDir("hpm-pty-remote-cache-");
		const dir = tempDir("hpm-pty-remote-");
		pane = openPane(["list", "-r", url], dir, 120, 30, { HPM_CACHE_DIR: cache });
		const listed = await pane.waitFor((s) => s.includes("HPM_EXIT="));
		expect(listed).toContain(`hpm: fetching the registry file://${team.bare}`);
		expect(listed).toContain("metrics  M-of-N");
		expect(listed).toContain("HPM_EXIT=0");
		pane.close();

		writeFileSync(
			path.join(dir, "pyproject.toml"),
			`[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nregistry = "${url}"\n\n[tool.hpm.groups]\nmetrics = ["metric-bleu"]\n`,
		);
		const before = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		pane = openPane(["ui"], dir, 90, 30, { HPM_CACHE_DIR: cache });
		await pane.waitFor((s) => s.includes("metrics M-of-N"));
		pane.keys("a");
		await pane.waitFor((s) =>
			s.includes("a registry from git is read-only: add to a checkout (hpm -r DIR ui) or a folder layer"),
		);
		pane.keys("c");
		await pane.waitFor((s) => s.includes("Press Enter to resolve it with uv (nothing is changed)."));
		expect(pane.screen()).toContain("metric-bleu");
		pane.keys("Escape");
		await pane.waitFor((s) => s.includes("metrics M-of-N"));
		pane.keys("q");
		await pane.waitFor((s) => s.includes("HPM_EXIT=0"));
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(before);
	}, 90_000);
});
