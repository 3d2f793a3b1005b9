import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

/** The README's walkthrough of a shared registry, run as a reader would run it. */
function walkthrough(): string {
	const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
	const block = /<!-- walkthrough -->\n```sh\n([\s\S]*?)\n```/.exec(readme)?.[1];
	if (block === undefined) throw new Error("README.md has no walkthrough block");
	return block;
}

describe("README: sharing a registry across projects, step by step", () => {
	it("runs from start to end, and leaves what it says", () => {
		const bin = tempDir("hpm-walkthrough-bin-");
		writeFileSync(path.join(bin, "hpm"), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
		chmodSync(path.join(bin, "hpm"), 0o755);
		const scratch = tempDir("hpm-walkthrough-");
		const script = `${walkthrough()}\necho "TEAM=$TEAM"\n`;
		const result = spawnSync("bash", ["-e", "-c", script], {
			cwd: ROOT,
			encoding: "utf8",
			timeout: 240_000,
			env: {
				...process.env,
				...uvEnv(),
				PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
				TMPDIR: scratch,
				HPM_CACHE_DIR: tempDir("hpm-walkthrough-cache-"),
				NO_COLOR: "1",
				GIT_AUTHOR_NAME: "t",
				GIT_AUTHOR_EMAIL: "t@t",
				GIT_COMMITTER_NAME: "t",
				GIT_COMMITTER_EMAIL: "t@t",
			},
		});
		expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
		const team = /TEAM=(.*)/.exec(result.stdout)?.[1] ?? "";
		const project = readFileSync(path.join(team, "project/pyproject.toml"), "utf8");
		expect(project).toMatch(/^registry = \["registry", "git\+file:\/\/.*registry\.git"\]$/m);
		expect(project).toMatch(/^registry-rev = "[0-9a-f]{40}"$/m);
		expect(project).toMatch(/metric-bleu = \{ path = "work\/metric_bleu", editable = true \}/);
		// the teammate's clone synced from the same pin as the project had then
		expect(readFileSync(path.join(team, "teammate/uv.lock"), "utf8")).toContain('name = "metric-bleu"');
		expect(result.stdout).toMatch(/hides\s+\S+metric-bleu\.yaml:1 \(its prod source is used\)/);
	}, 300_000);
});
