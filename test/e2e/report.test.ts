import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

/** The report's data, read back from the JSON element of the HTML file. */
function dataOf(file: string): {
	missing: string[];
	selection: string[];
	matrix: { kind: string; conflicts: { reason: string; explanation: string }[]; runs: { status: string }[] } | null;
} {
	const html = readFileSync(file, "utf8");
	const json = /<script type="application\/json" id="hpm-data">([^<]*)<\/script>/.exec(html)?.[1];
	if (json === undefined) throw new Error(`no data in ${file}`);
	return JSON.parse(json) as ReturnType<typeof dataOf>;
}

describe("hpm report", () => {
	it("without --from uses the matrix's cached answers, and says what is missing", () => {
		const dir = copyExample();
		const env = uvEnv();
		const first = hpm(["report"], { cwd: dir, env });
		expect(first.code, first.stderr).toBe(0);
		const file = path.join(dir, "hpm-report.html");
		expect(first.stdout).toContain(`report written: ${file}`);
		expect(first.stderr).toMatch(/note: \d+ of \d+ combinations of `hpm check --matrix` have no cached answer/);
		const before = dataOf(file);
		expect(before.selection).toEqual(["inference=vlm-adapter-qwen", "metrics=metric-bleu"]);
		expect(before.matrix?.runs.every((run) => run.status === "missing")).toBe(true);
		// once the matrix ran, its answers are in the cache: the report shows them without running uv
		expect(hpm(["check", "--matrix"], { cwd: dir, env }).code).toBe(1);
		const second = hpm(["report"], { cwd: dir, env: { ...env, PATH: `${process.env.HPM_TEST_UV_DIR}:/usr/bin:/bin` } });
		expect(second.code, second.stderr).toBe(0);
		expect(second.stderr).not.toContain("no cached answer");
		const after = dataOf(file);
		expect(after.matrix?.runs.some((run) => run.status === "missing")).toBe(false);
		expect(after.matrix?.conflicts.map((c) => c.reason)).toContainEqual(
			expect.stringContaining("inference=vlm-adapter-qwen conflicts with metrics=metric-legacy"),
		);
		expect(after.matrix?.conflicts.find((c) => c.explanation !== "")?.explanation).toContain("No solution found");
	}, 120_000);

	it("never overwrites a file that is not a report, and refuses a --from that is not a saved matrix", () => {
		const dir = copyExample();
		const mine = path.join(dir, "notes.html");
		writeFileSync(mine, "<p>my notes</p>\n");
		const refused = hpm(["report", "-o", mine], { cwd: dir });
		expect({ code: refused.code, stderr: refused.stderr.split("\n")[0] }).toEqual({
			code: 2,
			stderr: `error: ${mine} exists and is not an hpm report; it is left as it is`,
		});
		expect(readFileSync(mine, "utf8")).toBe("<p>my notes</p>\n");
		// a note that quotes the report's mark is still the person's note
		const quoting = path.join(dir, "notes.md");
		const note = 'reports carry <meta name="generator" content="hpm report">\n';
		writeFileSync(quoting, note);
		expect(hpm(["report", "-o", quoting], { cwd: dir }).code).toBe(2);
		expect(readFileSync(quoting, "utf8")).toBe(note);
		// a report is replaced by the next one
		const report = path.join(dir, "out.html");
		expect(hpm(["report", "-o", report], { cwd: dir }).code).toBe(0);
		expect(hpm(["report", "-o", report], { cwd: dir }).code).toBe(0);
		const bad = path.join(tempDir(), "matrix.json");
		writeFileSync(bad, '{"pairs": [], "compatible": [], "uncovered": [], "results": [{"combination": 1}]}');
		const wrong = hpm(["report", "--from", bad], { cwd: dir });
		expect(wrong.code).toBe(2);
		expect(wrong.stderr).toContain(`${bad}: not a \`hpm check --matrix --json\` or \`hpm test --json\` document`);
		expect(wrong.stderr).toContain('"results"[0]');
		expect(wrong.stderr).not.toMatch(/\n\s+at /);
		// a file that is not JSON is never quoted: its first bytes may be anyone's secret
		writeFileSync(bad, "AWS_SECRET_ACCESS_KEY=abc123\n");
		const notJson = hpm(["report", "--from", bad], { cwd: dir });
		expect(notJson.stderr).toContain("it is not JSON");
		expect(notJson.stderr).not.toContain("AWS_SECRET");
	});

	it("--from reads a log only from hpm's own test-logs folder, and never waits on a named pipe", () => {
		const dir = copyExample();
		const secret = path.join(dir, "secret.txt");
		writeFileSync(secret, "PRIVATE-KEY-CONTENT\n");
		const fifo = path.join(dir, "fifo");
		spawnSync("mkfifo", [fifo]);
		const run = (log: string) => ({
			command: ["false"],
			combinations: [
				{
					combination: "inference=vlm-adapter-qwen,metrics=metric-bleu",
					choices: ["inference=vlm-adapter-qwen", "metrics=metric-bleu"],
					status: "failed",
					exitCode: 1,
					seconds: 0.1,
					log,
					firstFailingLine: "boom",
					environment: "built",
				},
			],
			pairs: [],
			compatible: [],
			uncovered: [],
			logs: dir,
			ok: false,
		});
		for (const log of [secret, fifo]) {
			const from = path.join(tempDir(), "test.json");
			writeFileSync(from, JSON.stringify(run(log)));
			const out = path.join(dir, "r.html");
			const made = hpm(["report", "--from", from, "-o", out], { cwd: dir, timeout: 60_000 });
			expect(made.code, made.stderr).toBe(0);
			expect(readFileSync(out, "utf8")).not.toContain("PRIVATE-KEY-CONTENT");
		}
	});

	it("--open hands the file to the system's opener, and says so when there is none; no browser otherwise", async () => {
		const dir = copyExample();
		const bin = tempDir("hpm-opener-");
		const asked = path.join(bin, "asked");
		// an opener that records what it was given (xdg-open is what Linux has)
		writeFileSync(
			path.join(bin, "xdg-open"),
			`#!/bin/sh\nprintf '%s' "$1" > '${asked}.tmp' && mv '${asked}.tmp' '${asked}'\n`,
		);
		chmodSync(path.join(bin, "xdg-open"), 0o755);
		const file = path.join(dir, "hpm-report.html");
		const plain = hpm(["report"], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}` } });
		expect(plain.code).toBe(0);
		const opened = hpm(["report", "--open"], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}` } });
		expect(opened.code, opened.stderr).toBe(0);
		for (let tries = 0; tries < 100 && !existsSync(asked); tries++) await new Promise((r) => setTimeout(r, 50));
		expect(readFileSync(asked, "utf8")).toBe(file);
		// a PATH with node and nothing else: no opener (and no uv, which the report then says it lacks)
		const bare = tempDir("hpm-bare-path-");
		symlinkSync(process.execPath, path.join(bare, "node"));
		const none = hpm(["report", "--open"], { cwd: dir, env: { PATH: bare } });
		expect(none.code).toBe(0);
		expect(none.stderr).toContain("no browser could be opened here");
		expect(none.stderr).toContain("uv is not usable here (uv-missing)");
	});
});
