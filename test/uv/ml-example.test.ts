import { chmodSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonOutputs } from "../../source/cli/json-output.js";
import { hpm, read, tempDir } from "../helpers/run.js";
import { ML_EXAMPLE, torchIndexes } from "../helpers/torch-lookalikes.js";
import { uvEnv } from "../helpers/uv.js";

// The ML example (registry-examples/ml) as it is committed, tested offline: the same registry
// files, under a layer that re-declares only its four PyTorch indexes as local indexes of
// look-alike wheels (torch 2.8.0+cpu, +cu126, +cu128, +rocm6.4). Machines are faked through the
// probes (a fake nvidia-smi that finds no driver, an empty probe root, UV_CUDA_DRIVER_VERSION),
// never a GPU; uv is the real one.

let layer: string;
let defaultIndex: string;

beforeAll(() => {
	({ layer, defaultIndex } = torchIndexes());
}, 120_000);

/** A checkout of the example: the committed files only (as `git clone` gives a teammate). */
function checkout(from = ML_EXAMPLE): string {
	const dir = tempDir("hpm-ml-");
	for (const file of ["pyproject.toml", "uv.lock", "registry"])
		if (existsSync(path.join(from, file))) cpSync(path.join(from, file), path.join(dir, file), { recursive: true });
	return dir;
}

/** A machine without a GPU: nvidia-smi finds no driver, rocminfo fails, no driver files. */
function cpuMachine(): NodeJS.ProcessEnv {
	const bin = tempDir("hpm-fake-bin-");
	writeFileSync(
		path.join(bin, "nvidia-smi"),
		"#!/bin/sh\necho 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'\nexit 9\n",
	);
	writeFileSync(path.join(bin, "rocminfo"), "#!/bin/sh\nexit 1\n");
	for (const tool of ["nvidia-smi", "rocminfo"]) chmodSync(path.join(bin, tool), 0o755);
	return uvEnv({
		UV_DEFAULT_INDEX: defaultIndex,
		PATH: `${bin}:${process.env.PATH}`,
		HPM_PROBE_ROOT: tempDir("hpm-probe-root-"),
		UV_CUDA_DRIVER_VERSION: undefined,
	});
}

/** The same machine with an NVIDIA driver 570 (CUDA 12.8), as uv's own variable states it. */
const cudaMachine = (): NodeJS.ProcessEnv => ({ ...cpuMachine(), UV_CUDA_DRIVER_VERSION: "570.86.15" });

const LAYERS = () => ["-r", layer, "-r", "registry"];

type Detected = { detected: string; groups: { group: string; option: string; reason: string }[] };

function installedTorch(dir: string): string {
	const record = readFileSync(path.join(dir, ".venv/lib/python3.11/site-packages/torch/__init__.py"), "utf8");
	return /__version__ = "(.*)"/.exec(record)?.[1] ?? "";
}

/** What `hpm detect` picks here, then that option chosen on this machine and synced. */
function syncMachine(dir: string, env: NodeJS.ProcessEnv): { detected: Detected; sync: ReturnType<typeof hpm> } {
	const detect = hpm(["detect", "--json", ...LAYERS()], { cwd: dir, env });
	expect(detect.code).toBe(0);
	const detected = JSON.parse(detect.stdout) as Detected;
	const option = detected.groups.find((group) => group.group === "torch-backend")?.option ?? "";
	const choose = hpm(["group", "add", "torch-backend", "--option", option, ...LAYERS()], { cwd: dir, env });
	expect(choose.code).toBe(0);
	return { detected, sync: hpm(["sync", ...LAYERS()], { cwd: dir, env }) };
}

describe("the ML example, offline (real uv, local PyTorch look-alike indexes)", () => {
	it("its registry lints clean as committed", () => {
		const lint = hpm(["registry", "lint"], { cwd: ML_EXAMPLE });
		expect(lint.stdout + lint.stderr).toContain("3 groups, 8 packages, no problems");
		expect(lint.code).toBe(0);
	});

	it("lint warns, at the option's source, about a family that lacks a member every other option installs", () => {
		// Given the example with torchaudio left out of the CPU build's family
		const dir = checkout();
		const file = path.join(dir, "registry/packages/torch-cpu.yaml");
		writeFileSync(file, readFileSync(file, "utf8").replace(', "torchaudio==2.8.0"]', "]"));
		const lint = hpm(["registry", "lint"], { cwd: dir });
		// Then one warning names the option, the member and who has it (ROCm's own extra member is no gap)
		const lines = `${lint.stdout}${lint.stderr}`.split("\n");
		expect(lines.filter((line) => line.includes("warning:"))).toEqual([
			`${file}:8:12: warning: torch-backend=torch-cpu (mode prod) does not install torchaudio, which every other option of the group installs (torch-cu126, torch-cu128, torch-rocm): add it to the source's family: (or leave it out of the others)`,
		]);
		expect(lint.stdout + lint.stderr).toContain("no problems, 1 warning");
		expect(lint.code).toBe(0);
	});

	it("a CPU machine and a CUDA 12.8 machine share pyproject.toml and uv.lock byte for byte, each with its build", () => {
		// Given a CPU machine: detect says why it picks the CPU build; the sync installs +cpu and proves it
		const cpu = checkout();
		const first = syncMachine(cpu, cpuMachine());
		expect(first.detected.detected).toBe("no GPU found (linux-x64)");
		expect(first.detected.groups).toEqual([expect.objectContaining({ group: "torch-backend", option: "torch-cpu" })]);
		expect(first.detected.groups[0]?.reason).toContain("torch-cpu needs nothing");
		expect(first.sync.stderr).toContain("--group hpm-torch-backend-torch-cpu");
		expect(first.sync.stdout).toContain("4 checks of the chosen options passed");
		expect(first.sync.code).toBe(0);
		expect(installedTorch(cpu)).toBe("2.8.0+cpu");
		// the lock holds the CUDA builds' nvidia-* libraries; the CPU machine installed none of them
		const cpuVerify = hpm(["verify", "--json", ...LAYERS()], { cwd: cpu, env: cpuMachine() });
		expect(cpuVerify.code).toBe(0);
		expect(JSON.parse(cpuVerify.stdout)).toMatchObject({
			checks: expect.arrayContaining([
				{
					choice: "torch-backend=torch-cpu",
					check: "no nvidia-* installed on this machine",
					ok: true,
					found: "none",
				},
			]),
		});
		expect(read(path.join(cpu, "uv.lock"))).toContain('name = "nvidia-cublas-cu12"');
		const pyproject = read(path.join(cpu, "pyproject.toml"));
		const lock = read(path.join(cpu, "uv.lock"));
		for (const build of ["cpu", "cu126", "cu128", "rocm6.4"]) expect(lock).toContain(`version = "2.8.0+${build}"`);

		// When a teammate's clone syncs on a machine whose driver supports CUDA 12.8
		const gpu = checkout(cpu);
		const second = syncMachine(gpu, cudaMachine());
		expect(second.detected.detected).toBe("CUDA 12.8 (UV_CUDA_DRIVER_VERSION, driver 570.86.15)");
		expect(second.detected.groups[0]).toMatchObject({ option: "torch-cu128" });
		expect(second.detected.groups[0]?.reason).toContain("torch-cu128 needs cuda >=12.8, the highest option it meets");
		expect(second.sync.code).toBe(0);
		expect(second.sync.stdout).toContain("checks of the chosen options passed");

		// Then it runs the cu128 build, and the committed files are the same bytes on both machines
		expect(installedTorch(gpu)).toBe("2.8.0+cu128");
		expect(read(path.join(gpu, "pyproject.toml"))).toBe(pyproject);
		expect(read(path.join(gpu, "uv.lock"))).toBe(lock);
		expect(read(path.join(gpu, ".hpm/machine.toml"))).toContain('option = "torch-cu128"');
		// and hpm list says which option is this machine's, and that the choice is local
		const list = hpm(["list", ...LAYERS()], { cwd: gpu, env: cudaMachine() });
		expect(list.stdout).toMatch(/torch-backend +1-of-N +.* synced\n/);
		expect(list.stdout).toMatch(
			/\(\*\) torch-cu128 +2\.8\.0 +PyTorch built for CUDA 12\.8 +this machine's \(local: \.hpm\/machine\.toml, not in git\)/,
		);
		const listed = JSON.parse(hpm(["list", "--json", ...LAYERS()], { cwd: gpu, env: cudaMachine() }).stdout) as {
			groups: { name: string; selected: string[]; machine?: unknown }[];
		};
		expect(jsonOutputs(true).list.safeParse(listed).success).toBe(true);
		expect(listed.groups.find((group) => group.name === "torch-backend")).toMatchObject({
			selected: ["torch-cu128"],
			machine: { option: "torch-cu128", from: "local", why: "chosen with hpm group add" },
		});
		expect(listed.groups.find((group) => group.name === "tokenizer")).not.toHaveProperty("machine");
		const verify = hpm(["verify", "--json", ...LAYERS()], { cwd: gpu, env: cudaMachine() });
		expect(verify.code).toBe(0);
		expect(JSON.parse(verify.stdout)).toMatchObject({
			ok: true,
			checks: expect.arrayContaining([
				expect.objectContaining({ choice: "torch-backend=torch-cu128", found: "torch 2.8.0+cu128" }),
				expect.objectContaining({ choice: "torch-backend=torch-cu128", found: "12.8" }),
			]),
		});
	}, 300_000);

	it("a local choice is a history entry: hpm rollback brings the previous one back, and its build", () => {
		// Given a machine on the CPU build that switches to cu128 (only .hpm/machine.toml changes)
		const dir = checkout();
		const env = cpuMachine();
		const run = (...args: string[]) => hpm([...args, ...LAYERS()], { cwd: dir, env });
		expect(run("group", "add", "torch-backend", "--option", "torch-cpu").code).toBe(0);
		expect(run("sync").code).toBe(0);
		const pyproject = read(path.join(dir, "pyproject.toml"));
		expect(run("group", "add", "torch-backend", "--option", "torch-cu128").code).toBe(0);
		const switched = run("sync", "--machine-choice", "torch-backend=torch-cu128");
		expect(switched.code).toBe(0);
		expect(installedTorch(dir)).toBe("2.8.0+cu128");
		const history = run("history");
		expect(history.stdout).toContain("group add: torch-backend: this machine uses torch-cu128 (local choice)");

		// When it rolls back
		const rollback = run("rollback");
		expect(rollback.stderr).toContain("--group hpm-torch-backend-torch-cpu");
		expect(rollback.code).toBe(0);

		// Then the previous local choice is back, and so is its build; the committed files never moved
		expect(rollback.stdout).toContain("this machine's choice (.hpm/machine.toml) too");
		expect(read(path.join(dir, ".hpm/machine.toml"))).toContain('option = "torch-cpu"');
		expect(installedTorch(dir)).toBe("2.8.0+cpu");
		expect(read(path.join(dir, "pyproject.toml"))).toBe(pyproject);
	}, 300_000);

	it("check --matrix: the machine group is one more dimension, each option resolved as a machine installs it", () => {
		// Given the example whose ROCm build's family asks for a torchaudio its index does not have
		const dir = checkout();
		const file = path.join(dir, "registry/packages/torch-rocm.yaml");
		writeFileSync(file, readFileSync(file, "utf8").replace('"torchaudio==2.8.0"', '"torchaudio==2.7.0"'));
		const matrix = hpm(["check", "--matrix", "--json", ...LAYERS()], { cwd: dir, env: cpuMachine() });
		const result = JSON.parse(matrix.stdout) as {
			results: { combination: string; ok: boolean }[];
			pairs: { choices: string[]; status: string }[];
		};
		// Then every option of torch-backend is checked with the rest of the choices
		for (const option of ["torch-cpu", "torch-cu126", "torch-cu128", "torch-rocm"])
			expect(result.results.some((r) => r.combination.includes(`torch-backend=${option}`))).toBe(true);
		// and the one whose family does not resolve fails alone (its family is resolved, not torch alone)
		expect(result.pairs).toEqual([
			expect.objectContaining({ choices: ["torch-backend=torch-rocm"], status: "fails-alone" }),
		]);
		expect(result.results.filter((r) => !r.ok).every((r) => r.combination.includes("torch-backend=torch-rocm"))).toBe(
			true,
		);
		expect(matrix.code).toBe(1);
	}, 300_000);

	it("a rollback whose sync fails leaves this machine's choice as it was, with the files", () => {
		// Given a machine that switched from the CPU build to cu128, with its own indexes and uv cache
		const own = torchIndexes();
		const dir = checkout();
		const env = { ...cpuMachine(), UV_DEFAULT_INDEX: own.defaultIndex, UV_CACHE_DIR: tempDir("hpm-uv-cache-") };
		const run = (...args: string[]) => hpm([...args, "-r", own.layer, "-r", "registry"], { cwd: dir, env });
		expect(run("group", "add", "torch-backend", "--option", "torch-cpu").code).toBe(0);
		expect(run("sync").code).toBe(0);
		expect(run("group", "add", "torch-backend", "--option", "torch-cu128").code).toBe(0);
		expect(run("sync").code).toBe(0);
		const machine = read(path.join(dir, ".hpm/machine.toml"));
		// When the CPU index has gone (and the CPU wheels are in no cache) and it rolls back
		const cpuIndex = /url: "file:\/\/(.*)"/.exec(read(path.join(own.layer, "indexes/pytorch-cpu.yaml")))?.[1] ?? "";
		rmSync(path.join(cpuIndex, "torch"), { recursive: true });
		const rollback = run("rollback");
		// Then the rollback fails, and this machine's choice is still cu128
		expect(rollback.code).toBe(1);
		expect(read(path.join(dir, ".hpm/machine.toml"))).toBe(machine);
	}, 300_000);
});
