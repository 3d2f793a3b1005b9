import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeScratch } from "../../source/core/os/scratch.js";
import { tempDir } from "../helpers/run.js";

const saved = process.env.TMPDIR;
afterEach(() => {
	process.env.TMPDIR = saved;
});

describe("scratch folders a SIGKILLed hpm left behind", () => {
	it("are removed by the next run when their process is gone; a live one's, a link and others' names stay", async () => {
		const tmp = tempDir("hpm-scratch-root-");
		process.env.TMPDIR = tmp;
		const dead = spawnSync("true").pid;
		const live = spawn("sleep", ["30"]);
		try {
			mkdirSync(path.join(tmp, `hpm-change-${dead}-abcdef`));
			mkdirSync(path.join(tmp, `hpm-check-${dead}-ABC123`, "inside"), { recursive: true });
			mkdirSync(path.join(tmp, `hpm-change-${live.pid}-abcdef`));
			mkdirSync(path.join(tmp, "someone-elses"));
			symlinkSync(tmp, path.join(tmp, `hpm-check-${dead}-linked`));

			const made = makeScratch("change");

			expect(path.basename(made)).toMatch(new RegExp(`^hpm-change-${process.pid}-[A-Za-z0-9]{6}$`));
			expect(readdirSync(tmp).sort()).toEqual(
				[path.basename(made), `hpm-change-${live.pid}-abcdef`, `hpm-check-${dead}-linked`, "someone-elses"].sort(),
			);
			expect(existsSync(tmp)).toBe(true);
		} finally {
			live.kill();
			rmSync(tmp, { recursive: true, force: true });
		}
	});
});
