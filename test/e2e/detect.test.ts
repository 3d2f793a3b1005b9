import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hpm, ROOT, tempDir } from "../helpers/run.js";

// `hpm detect` through the binary, with the probed tools faked (never a GPU, never uv): a PATH that
// holds only a fake nvidia-smi or rocminfo printing a sample, a fake root (HPM_PROBE_ROOT) with
// /proc and /opt/rocm files, or uv's UV_CUDA_DRIVER_VERSION.

const FIXTURES = path.join(ROOT, "test/fixtures/probes");

/** A registry with a `choose: auto` group over cpu / cu126 / cu128 / rocm (no project: detect needs none). */
function registry(): string {
	const dir = tempDir("hpm-detect-");
	mkdirSync(path.join(dir, "registry/groups"), { recursive: true });
	mkdirSync(path.join(dir, "registry/packages"), { recursive: true });
	const options: Record<string, string> = {
		"torch-cpu": "",
		"torch-cu126": 'needs:\n  cuda: ">=12.6"\n',
		"torch-cu128": 'needs:\n  cuda: ">=12.8"\n',
		"torch-rocm": 'needs:\n  rocm: ">=6.2"\n',
	};
	for (const [name, needs] of Object.entries(options))
		writeFileSync(
			path.join(dir, "registry/packages", `${name}.yaml`),
			`name: ${name}\nversion: "2.5.0"\nsources:\n  prod:\n    type: index\n    requirement: "${name}==2.5.0"\n${needs}`,
		);
	writeFileSync(
		path.join(dir, "registry/groups/torch-backend.yaml"),
		`name: torch-backend\nstrategy: 1-of-N\nmachine: true\nchoose: auto\noptions:\n${Object.keys(options)
			.map((name) => `  - name: ${name}\n`)
			.join("")}`,
	);
	return dir;
}

/** A folder for PATH holding `program`, a script that prints a sample and exits with `code`. */
function fakeTool(program: string, sample: string, code = 0): string {
	const bin = tempDir("hpm-fake-bin-");
	copyFileSync(path.join(FIXTURES, sample), path.join(bin, `${program}.txt`));
	writeFileSync(path.join(bin, program), `#!/bin/sh\n/bin/cat '${path.join(bin, `${program}.txt`)}'\nexit ${code}\n`);
	chmodSync(path.join(bin, program), 0o755);
	return bin;
}

/** A fake machine root holding `files` (path under the root → sample). */
function fakeRoot(files: Record<string, string>): string {
	const root = tempDir("hpm-probe-root-");
	for (const [file, sample] of Object.entries(files)) {
		mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
		copyFileSync(path.join(FIXTURES, sample), path.join(root, file));
	}
	return root;
}

type Detected = {
	detected: string;
	machine: { cuda?: { version: string; from: string }; rocm?: { targets: string[] }; notes: string[] };
	groups: { group: string; option: string; reason: string }[];
};

function detect(dir: string, env: NodeJS.ProcessEnv): Detected {
	const empty = tempDir("hpm-empty-bin-");
	const run = hpm(["detect", "--json", "-r", "registry"], {
		cwd: dir,
		env: { PATH: empty, HPM_PROBE_ROOT: fakeRoot({}), UV_CUDA_DRIVER_VERSION: undefined, ...env },
	});
	expect(run.stderr).toBe("");
	expect(run.code).toBe(0);
	return JSON.parse(run.stdout) as Detected;
}

describe("hpm detect (faked probes)", () => {
	it("nvidia-smi saying CUDA 12.8 takes cu128, and says what it detected and why", () => {
		const dir = registry();
		const found = detect(dir, { PATH: fakeTool("nvidia-smi", "nvidia-smi-570-cuda-12.8.txt") });
		expect(found.detected).toBe("CUDA 12.8 (nvidia-smi, driver 570.86.15)");
		expect(found.groups).toEqual([
			expect.objectContaining({
				group: "torch-backend",
				option: "torch-cu128",
				reason: "CUDA 12.8 (nvidia-smi, driver 570.86.15); torch-cu128 needs cuda >=12.8, the highest option it meets",
			}),
		]);
	});

	it("UV_CUDA_DRIVER_VERSION is read as uv reads it (a driver version): 560.35.03 is CUDA 12.6, cu126", () => {
		const found = detect(registry(), { UV_CUDA_DRIVER_VERSION: "560.35.03" });
		expect(found.machine.cuda).toMatchObject({ version: "12.6", from: "UV_CUDA_DRIVER_VERSION" });
		expect(found.groups[0]?.option).toBe("torch-cu126");
	});

	it("/proc/driver/nvidia/version with no nvidia-smi: driver 550 is CUDA 12.4, too old for both builds: cpu", () => {
		const root = fakeRoot({ "proc/driver/nvidia/version": "proc-driver-nvidia-version-550.txt" });
		const found = detect(registry(), { HPM_PROBE_ROOT: root });
		expect(found.machine.cuda).toMatchObject({ version: "12.4", from: "/proc/driver/nvidia/version" });
		expect(found.machine.notes).toContain("nvidia-smi: not found");
		expect(found.groups[0]?.option).toBe("torch-cpu");
	});

	it("rocminfo listing gfx1100 with ROCm 6.2.4 installed takes the ROCm build", () => {
		const root = fakeRoot({ "opt/rocm/.info/version": "rocm-info-version-6.2.4.txt" });
		const found = detect(registry(), { PATH: fakeTool("rocminfo", "rocminfo-6.2-gfx1100.txt"), HPM_PROBE_ROOT: root });
		expect(found.detected).toBe("ROCm 6.2.4 (gfx1100, rocminfo)");
		expect(found.groups[0]?.option).toBe("torch-rocm");
	});

	it("no tool at all, or an nvidia-smi that cannot reach its driver, is no GPU (not an error): cpu", () => {
		const none = detect(registry(), {});
		expect(none.detected).toMatch(/^no GPU found/);
		expect(none.machine.notes).toEqual([
			"nvidia-smi: not found",
			"/proc/driver/nvidia/version: not there",
			"/sys/module/nvidia/version: not there",
			"rocminfo: not found",
		]);
		expect(none.groups[0]?.option).toBe("torch-cpu");
		const broken = detect(registry(), { PATH: fakeTool("nvidia-smi", "nvidia-smi-no-driver.txt", 9) });
		expect(broken.machine.notes[0]).toBe(
			"nvidia-smi: failed (exit 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
		);
		expect(broken.groups[0]?.option).toBe("torch-cpu");
	});

	it("prints the same for a person; a bad UV_CUDA_DRIVER_VERSION is a clear error, exit 2", () => {
		const dir = registry();
		const run = hpm(["detect", "-r", "registry"], {
			cwd: dir,
			env: { PATH: fakeTool("nvidia-smi", "nvidia-smi-535-cuda-12.2-two-gpus.txt"), HPM_PROBE_ROOT: fakeRoot({}) },
		});
		expect(run.stdout).toContain("detected CUDA 12.2 (nvidia-smi, driver 535.104.05)");
		expect(run.stdout).toContain("torch-backend torch-cpu");
		expect(run.stdout).toContain("no  torch-cu126  needs cuda >=12.6: CUDA 12.2 is not >=12.6");
		const bad = hpm(["detect", "-r", "registry"], { cwd: dir, env: { UV_CUDA_DRIVER_VERSION: "twelve" } });
		expect({ code: bad.code, stderr: bad.stderr.trim() }).toEqual({
			code: 2,
			stderr: expect.stringContaining(
				'UV_CUDA_DRIVER_VERSION must be an NVIDIA driver version such as 570.86.15, got "twelve"',
			),
		});
	});
});

describe("probes are bounded", () => {
	it("an nvidia-smi printing endlessly is stopped at 1 MiB and its output not used; a huge setting is echoed cut short", () => {
		const dir = registry();
		const bin = tempDir("hpm-fake-bin-");
		writeFileSync(path.join(bin, "nvidia-smi"), "#!/bin/sh\nexec /usr/bin/yes AAAA\n");
		chmodSync(path.join(bin, "nvidia-smi"), 0o755);
		const endless = detect(dir, { PATH: bin });
		expect(endless.machine.notes[0]).toBe("nvidia-smi: printed more than 1 MiB; stopped, its output not used");
		expect(endless.groups[0]?.option).toBe("torch-cpu");

		const huge = hpm(["detect", "-r", "registry"], { cwd: dir, env: { UV_CUDA_DRIVER_VERSION: "A".repeat(100_000) } });
		expect(huge.code).toBe(2);
		expect(huge.stderr).toContain('got "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"… (100000 characters)');
		expect(huge.stderr.length).toBeLessThan(1000);
	});
});

describe("needs: and checks: in a manifest are read at their lines", () => {
	it("a bare version, two kinds in one check item, a misspelt key: each a problem at its line", () => {
		const dir = registry();
		writeFileSync(
			path.join(dir, "registry/packages/torch-cu128.yaml"),
			[
				"name: torch-cu128",
				'version: "2.5.0"',
				"sources:",
				"  prod:",
				"    type: index",
				'    requirement: "torch-cu128==2.5.0"',
				"needs:",
				'  cuda: "12.8"',
				"  rocmm: true",
				"checks:",
				"  - import: torch",
				"    lock-forbids: nvidia-*",
				"  - attribute: { module: torch, path: version.cuda }",
				"",
			].join("\n"),
		);
		const run = hpm(["registry", "lint", "--json", "-r", "registry"], { cwd: dir });
		const problems = (JSON.parse(run.stdout) as { problems: { code: string; line: number; message: string }[] })
			.problems;
		expect(problems.map((p) => [p.code, p.line])).toEqual([["unknown-key", 9]]);
		expect(problems[0]?.message).toContain('(did you mean "rocm"?)');
		writeFileSync(
			path.join(dir, "registry/packages/torch-cu128.yaml"),
			readFileSync(path.join(dir, "registry/packages/torch-cu128.yaml"), "utf8").replace("  rocmm: true\n", ""),
		);
		const again = hpm(["registry", "lint", "--json", "-r", "registry"], { cwd: dir });
		expect(
			(JSON.parse(again.stdout) as { problems: { code: string; line: number; message: string }[] }).problems,
		).toEqual([
			expect.objectContaining({ code: "invalid-needs", line: 8, message: expect.stringContaining('such as ">=12.8"') }),
			expect.objectContaining({ code: "invalid-check", line: 10, message: expect.stringContaining("exactly one") }),
			expect.objectContaining({
				code: "invalid-check",
				line: 12,
				message: expect.stringContaining("equals or startswith"),
			}),
		]);
		expect(again.code).toBe(1);
	});
});
