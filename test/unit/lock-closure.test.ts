import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { holds, lockedClosure } from "../../source/core/project/lock-closure.js";
import { tempDir } from "../helpers/run.js";

const CPU = "group-4-demo-hpm-b-cpu";
const CUDA = "group-4-demo-hpm-b-cuda";

describe("what uv.lock installs for one option of a per-machine group", () => {
	it("evaluates uv's group extras and takes every other condition as met", () => {
		const active = new Set([CPU]);
		expect(holds(`extra == '${CPU}'`, active)).toBe(true);
		expect(holds(`sys_platform == 'linux' and extra == '${CUDA}'`, active)).toBe(false);
		expect(holds(`(sys_platform == 'linux' or sys_platform == 'win32') and extra != '${CUDA}'`, active)).toBe(true);
		expect(holds(`extra == '${CUDA}' or extra == '${CPU}' and (extra == '${CUDA}')`, active)).toBe(false);
		expect(holds(`platform_machine not in 'x86_64 arm64'`, active)).toBe(true);
	});

	it("follows the project's dependencies and the chosen group, not the other options", () => {
		const dir = tempDir("hpm-lock-closure-");
		writeFileSync(
			path.join(dir, "uv.lock"),
			`version = 1
[[package]]
name = "demo"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "metrics" }]
[package.dev-dependencies]
hpm-b-cpu = [{ name = "torch", version = "1+cpu" }]
hpm-b-cuda = [{ name = "torch", version = "1+cu128" }]
[[package]]
name = "metrics"
version = "1"
source = { registry = "x" }
dependencies = [
    { name = "torch", version = "1+cpu", marker = "extra == '${CPU}'" },
    { name = "torch", version = "1+cu128", marker = "sys_platform == 'linux' and extra == '${CUDA}'" },
]
[[package]]
name = "torch"
version = "1+cpu"
source = { registry = "cpu" }
[[package]]
name = "torch"
version = "1+cu128"
source = { registry = "cu128" }
dependencies = [{ name = "nvidia-cublas-cu12", marker = "sys_platform == 'linux'" }]
[[package]]
name = "nvidia-cublas-cu12"
version = "12"
source = { registry = "x" }
`,
		);
		expect(lockedClosure(dir, ["hpm-b-cpu"])).toEqual(["metrics", "torch"]);
		expect(lockedClosure(dir, ["hpm-b-cuda"])).toEqual(["metrics", "nvidia-cublas-cu12", "torch"]);
	});
});
