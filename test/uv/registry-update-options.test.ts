import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hpm, tempDir } from "../helpers/run.js";
import { component, manifest, teamRegistry } from "../helpers/team-registry.js";
import { uvEnv } from "../helpers/uv.js";

const env = uvEnv({ UV_OFFLINE: undefined });

describe("registry update and the groups the project chooses in", () => {
	it("lists the options added to and removed from those groups (not other groups'), in text and JSON", () => {
		const bleu = component("metric-bleu", "0.1.0");
		const rouge = component("metric-rouge", "0.1.0");
		const old = component("metric-old", "0.1.0");
		const qwen = component("vlm-qwen", "0.1.0");
		const team = teamRegistry({
			"hpm/packages/metric-bleu.yaml": manifest("metric-bleu", "0.1.0", bleu),
			"hpm/packages/metric-old.yaml": manifest("metric-old", "0.1.0", old),
			"hpm/packages/vlm-qwen.yaml": manifest("vlm-qwen", "0.1.0", qwen),
			"hpm/groups/metrics.yaml":
				"name: metrics\nstrategy: M-of-N\noptions:\n  - name: metric-bleu\n  - name: metric-old\n",
			"hpm/groups/inference.yaml": "name: inference\nstrategy: 1-of-N\noptions:\n  - name: vlm-qwen\n",
		});
		const url = `git+file://${team.bare}@main#subdirectory=hpm`;
		const dir = tempDir("hpm-update-options-");
		writeFileSync(
			path.join(dir, "pyproject.toml"),
			`[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nregistry = ${JSON.stringify(url)}\n\n[tool.hpm.groups]\nmetrics = ["metric-bleu"]\n`,
		);
		expect(hpm(["sync"], { cwd: dir, env }).code).toBe(0);
		// the team adds metric-rouge to metrics, drops metric-old, and adds an option to a group the
		// project does not use
		team.commit({
			"hpm/packages/metric-rouge.yaml": manifest("metric-rouge", "0.1.0", rouge),
			"hpm/packages/vlm-other.yaml": manifest("vlm-other", "0.1.0", qwen),
			"hpm/groups/metrics.yaml":
				"name: metrics\nstrategy: M-of-N\noptions:\n  - name: metric-bleu\n  - name: metric-rouge\n",
			"hpm/groups/inference.yaml":
				"name: inference\nstrategy: 1-of-N\noptions:\n  - name: vlm-qwen\n  - name: vlm-other\n",
		});
		const dry = hpm(["registry", "update", "--dry-run"], { cwd: dir, env });
		expect(dry.stderr).toBe("");
		expect(dry.code).toBe(0);
		expect(dry.stdout).toContain("  + metrics=metric-rouge: a new option of group metrics (not chosen)\n");
		expect(dry.stdout).toContain("  - metrics=metric-old: no longer an option of group metrics\n");
		expect(dry.stdout).not.toContain("vlm-other");
		expect(dry.stdout).not.toContain("nothing the selection uses changed");
		const json = JSON.parse(hpm(["registry", "update", "--dry-run", "--json"], { cwd: dir, env }).stdout);
		expect(json.changes).toEqual([
			{
				kind: "option-added",
				name: "metrics=metric-rouge",
				details: ["a new option of group metrics (not chosen)"],
			},
			{ kind: "option-removed", name: "metrics=metric-old", details: ["no longer an option of group metrics"] },
		]);
	}, 120_000);
});
