import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, read } from "../helpers/run.js";

describe("registry group add takes every field a group file has", () => {
	it("1-of-N: --interface, --default, --required, --description; the file loads and lints clean", () => {
		const dir = copyExample();
		const result = hpm(
			[
				"registry",
				"group",
				"add",
				"backends",
				"--strategy",
				"1-of-N",
				"-o",
				"vlm-adapter-qwen",
				"-o",
				"vlm-adapter-deepseek",
				"--default",
				"vlm-adapter-qwen",
				"--required",
				"--interface",
				"vlm-interface",
				"--description",
				"VLM backends",
			],
			{ cwd: dir },
		);
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(read(path.join(dir, "registry/groups/backends.yaml"))).toBe(
			'name: "backends"\nstrategy: "1-of-N"\ndescription: "VLM backends"\ninterface: "vlm-interface"\ndefault: "vlm-adapter-qwen"\nrequired: true\noptions:\n  - name: "vlm-adapter-qwen"\n  - name: "vlm-adapter-deepseek"\n',
		);
		const lint = hpm(["registry", "lint"], { cwd: dir });
		expect(lint.code).toBe(0);
		expect(`${lint.stdout}${lint.stderr}`).not.toContain("warning");
		// the same again changes nothing
		const again = hpm(
			["registry", "group", "add", "backends", "--strategy", "1-of-N", "--required", "--interface", "vlm-interface"],
			{ cwd: dir },
		);
		expect(again.code).toBe(0);
		expect(again.stdout).toContain("already exists");
	});

	it("M-of-N: --default twice, --min, --max", () => {
		const dir = copyExample();
		const result = hpm(
			[
				"registry",
				"group",
				"add",
				"evals",
				"--strategy",
				"M-of-N",
				"-o",
				"metric-bleu",
				"-o",
				"metric-rouge",
				"--default",
				"metric-bleu",
				"--default",
				"metric-rouge",
				"--min",
				"1",
				"--max",
				"2",
			],
			{ cwd: dir },
		);
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(read(path.join(dir, "registry/groups/evals.yaml"))).toBe(
			'name: "evals"\nstrategy: "M-of-N"\ndefault:\n  - "metric-bleu"\n  - "metric-rouge"\nmin: 1\nmax: 2\noptions:\n  - name: "metric-bleu"\n  - name: "metric-rouge"\n',
		);
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);
	});

	it.each([
		[["--strategy", "M-of-N", "-o", "metric-bleu", "--min", "x"], '--min must be a whole number, 0 or more, got "x"'],
		[["--strategy", "M-of-N", "-o", "metric-bleu", "--min", "2", "--max", "1"], "--min 2 is more than --max 1"],
		[["--strategy", "1-of-N", "-o", "metric-bleu", "--max", "1"], "--max applies to an M-of-N group"],
		[["--strategy", "M-of-N", "-o", "metric-bleu", "--required"], "--required applies to a 1-of-N group"],
		[
			["--strategy", "1-of-N", "-o", "metric-bleu", "--default", "metric-rouge"],
			"--default metric-rouge is not an option of the group",
		],
		[
			[
				"--strategy",
				"1-of-N",
				"-o",
				"metric-bleu",
				"-o",
				"metric-rouge",
				"--default",
				"metric-bleu",
				"--default",
				"metric-rouge",
			],
			"a 1-of-N group has one default, got 2",
		],
	])("refuses %j: %s, exit 2, nothing written", (flags, message) => {
		const dir = copyExample();
		const result = hpm(["registry", "group", "add", "g", ...flags], { cwd: dir });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(`error: ${message}`);
		expect(existsSync(path.join(dir, "registry/groups/g.yaml"))).toBe(false);
	});
});
