import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, tempDir } from "../helpers/run.js";
import { REAL_UV, uvEnv } from "../helpers/uv.js";

/**
 * What a killed hpm leaves beside the project: its staged backups (`.pyproject.toml.hpm-<pid>-<id>.before`)
 * and a journal that names them. When the journal cannot be used (signed with a key this user no
 * longer has: a cleared cache, another HPM_CACHE_DIR), the backups may be the only copy of what
 * the person had: they are kept and named, never deleted.
 */
describe("backups a killed hpm left, with no journal that can be used", () => {
	it("are kept as pyproject.toml.hpm-before, named, and the next writing command changes nothing (exit 1)", () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		const original = readFileSync(file);
		// a sync killed after uv changed pyproject.toml: the backup holds the bytes from before it
		writeFileSync(path.join(dir, ".pyproject.toml.hpm-4194000-0badf00d.before"), original);
		const halfDone = `${original.toString("utf8")}\n# what uv wrote before hpm was killed\n`;
		writeFileSync(file, halfDone);
		// and its journal, signed with a key this user does not have
		writeFileSync(path.join(dir, ".hpm.journal.json"), '{"signature":"00","body":{}}\n');
		const run = hpm(["group", "add", "metrics", "--option", "metric-rouge"], {
			cwd: dir,
			env: uvEnv({ HPM_CACHE_DIR: tempDir("hpm-other-cache-") }),
		});
		expect(run.code, run.stdout + run.stderr).toBe(1);
		expect(run.stderr).toContain("hpm restored nothing, so no edit is lost");
		expect(run.stderr).toContain("pyproject.toml.hpm-before holds pyproject.toml from before that change");
		expect(readFileSync(path.join(dir, "pyproject.toml.hpm-before"))).toEqual(original);
		expect(readFileSync(file, "utf8")).toBe(halfDone);
		// once compared and put away, the next command goes on
		expect(existsSync(path.join(dir, ".pyproject.toml.hpm-4194000-0badf00d.before"))).toBe(false);
	});

	it("a backup that holds what the file holds again is only a leftover: removed, nothing said", () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(path.join(dir, ".pyproject.toml.hpm-4194000-0badf00d.before"), readFileSync(file));
		const run = hpm(["group", "add", "metrics", "--option", "metric-rouge"], { cwd: dir, env: uvEnv() });
		expect(run.code, run.stderr).toBe(0);
		expect(existsSync(path.join(dir, ".pyproject.toml.hpm-4194000-0badf00d.before"))).toBe(false);
		expect(existsSync(path.join(dir, "pyproject.toml.hpm-before"))).toBe(false);
	});
});

describe("a sync killed right after uv added a package", () => {
	it("leaves the package hpm's: once deselected, the next sync removes it (it stayed as the person's)", () => {
		const dir = copyExample();
		const env = uvEnv();
		expect(hpm(["sync"], { cwd: dir, env }).code).toBe(0);
		expect(hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir }).code).toBe(0);
		// a uv that adds, then kills the hpm that ran it (kill -9 at the worst moment)
		const bin = tempDir("hpm-kill-after-add-");
		writeFileSync(
			path.join(bin, "uv"),
			`#!/bin/sh\nif [ "$1" = "add" ]; then "${REAL_UV}" "$@"; kill -9 $PPID; exit 0; fi\nexec "${REAL_UV}" "$@"\n`,
			{ mode: 0o755 },
		);
		const killed = hpm(["sync"], { cwd: dir, env: { ...env, PATH: `${bin}:${process.env.PATH}` } });
		expect(killed.code).toBeNull(); // killed
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toMatch(/"metric-rouge"/);
		// the next command runs with another key: the journal cannot be used, the backups are kept
		const other = uvEnv({ HPM_CACHE_DIR: tempDir("hpm-other-key-") });
		const next = hpm(["group", "remove", "metrics", "-o", "metric-rouge"], { cwd: dir, env: other });
		expect(next.code, next.stderr).toBe(1);
		expect(next.stderr).toContain("pyproject.toml.hpm-before");
		for (const name of readdirSync(dir)) if (name.includes(".hpm-before")) rmSync(path.join(dir, name));
		// the person compared and removed the copies; now the choice goes, and so does the package
		expect(hpm(["group", "remove", "metrics", "-o", "metric-rouge"], { cwd: dir, env: other }).code).toBe(0);
		const sync = hpm(["sync"], { cwd: dir, env: other });
		expect(sync.code, sync.stdout + sync.stderr).toBe(0);
		const text = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		expect(text).not.toMatch(/"metric-rouge"/);
		expect(text).not.toMatch(/^metric-rouge = /m);
	}, 120_000);
});
