import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packageForm } from "../../source/core/operations/registry/add-package.js";
import { EXAMPLE, hpm, snapshot, tempDir } from "../helpers/run.js";

/** A project whose registry is two folder layers: its own "mine" first, then the team's. */
function layered(): string {
	const dir = tempDir("hpm-layers-write-");
	for (const folder of ["mine/packages", "mine/groups", "team/packages", "team/groups"])
		mkdirSync(path.join(dir, folder), { recursive: true });
	writeFileSync(
		path.join(dir, "team/packages/metric-bleu.yaml"),
		`name: "metric-bleu"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "${path.join(EXAMPLE, "packages/metric_bleu")}"\n`,
	);
	writeFileSync(
		path.join(dir, "team/groups/metrics.yaml"),
		"name: metrics\nstrategy: M-of-N\noptions:\n  - name: metric-bleu\n",
	);
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		'[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nregistry = ["mine", "team"]\n',
	);
	return dir;
}

describe("registry writes in a project with layers", () => {
	it("the form of `registry add` offers every layer's groups and knows every layer's packages", async () => {
		// Given a group and a package only the team's layer defines
		const dir = layered();
		// When the form is prepared as the command prepares it
		const env = await packageForm({}, dir);
		// Then it offers the team's group and knows its package, and writes into the first layer
		expect(env.groups).toContain("metrics");
		expect([...env.existing.keys()]).toContain("metric-bleu");
		expect(env.packagesDir).toBe(path.join(dir, "mine/packages"));
	});

	it("a new group may offer another layer's package, and a package may join it; lint stays clean", () => {
		const dir = layered();
		const group = hpm(["registry", "group", "add", "judges", "--strategy", "M-of-N", "-o", "metric-bleu"], {
			cwd: dir,
		});
		expect(group.code, group.stderr).toBe(0);
		expect(readFileSync(path.join(dir, "mine/groups/judges.yaml"), "utf8")).toContain('- name: "metric-bleu"');
		const added = hpm(["registry", "add", "--path", path.join(EXAMPLE, "packages/metric_rouge"), "--group", "judges"], {
			cwd: dir,
		});
		expect(added.code, added.stderr).toBe(0);
		expect(readFileSync(path.join(dir, "mine/groups/judges.yaml"), "utf8")).toContain('- name: "metric-rouge"');
		const lint = hpm(["registry", "lint"], { cwd: dir });
		expect(lint.code).toBe(0);
		expect(lint.stdout + lint.stderr).toContain("no problems");
	});

	it("a group of another layer is neither hidden by a new one nor written into: each says so, nothing is written", () => {
		const dir = layered();
		const before = snapshot(dir);
		const hide = hpm(["registry", "group", "add", "metrics", "--strategy", "M-of-N"], { cwd: dir });
		expect(hide.code).toBe(2);
		expect(hide.stderr).toContain('group "metrics" is already defined by another registry layer');
		expect(hide.stderr).toContain(path.join(dir, "team/groups/metrics.yaml"));
		const join = hpm(["registry", "add", "--path", path.join(EXAMPLE, "packages/metric_rouge"), "--group", "metrics"], {
			cwd: dir,
		});
		expect(join.code).toBe(2);
		expect(join.stderr).toContain('group "metrics" is defined by another registry layer');
		expect(join.stderr).toContain(`hpm adds packages and options only to ${path.join(dir, "mine")}`);
		expect(snapshot(dir)).toEqual(before);
		expect(readdirSync(path.join(dir, "mine/packages"))).toEqual([]);
	});

	it("an index both layers declare is a lint warning naming the hidden one, as for packages and groups", () => {
		const dir = layered();
		for (const [layer, host] of [
			["mine", "a.example"],
			["team", "b.example"],
		] as const) {
			mkdirSync(path.join(dir, layer, "indexes"), { recursive: true });
			writeFileSync(path.join(dir, layer, "indexes/internal.yaml"), `name: internal\nurl: "https://${host}/simple"\n`);
		}
		const lint = hpm(["registry", "lint"], { cwd: dir });
		expect(lint.code).toBe(0);
		expect(lint.stdout + lint.stderr).toContain(
			`mine/indexes/internal.yaml:1:7: warning: index "internal" is also defined in a later registry layer (${path.join(dir, "team/indexes/internal.yaml")})`,
		);
	});
});
