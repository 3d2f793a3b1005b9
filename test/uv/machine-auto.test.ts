import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
	fakeMachine,
	installedVersion,
	type MachineIndexes,
	machineIndexes,
	machineProject,
} from "../helpers/machine-project.js";
import { hpm, read } from "../helpers/run.js";

// `choose: auto` applied by hpm sync and `hpm group add GROUP --option auto`: real uv, local
// indexes, the machine faked (a fake nvidia-smi on PATH, an empty HPM_PROBE_ROOT,
// UV_CUDA_DRIVER_VERSION), never a GPU.

let indexes: MachineIndexes;
beforeAll(() => {
	indexes = machineIndexes();
});

const GPU = "nvidia-smi-570-cuda-12.8.txt";
const machineFile = (dir: string) => path.join(dir, ".hpm/machine.toml");
type SyncJson = { machine?: { group: string; option: string; from: string; why?: string }[] };

describe("choose: auto (real uv, faked probes)", () => {
	it("a teammate's first sync probes, records the choice and why; later syncs keep it until asked again", () => {
		const dir = machineProject(indexes, { group: 'choose: "auto"\n' });
		// Given a GPU machine joins the group by probing
		const add = hpm(["group", "add", "torch-backend", "--option", "auto"], {
			cwd: dir,
			env: fakeMachine(indexes, GPU),
		});
		expect(add.stderr).toBe("");
		expect(add.code).toBe(0);
		expect(add.stdout).toContain("this machine uses torch-cu128, chosen by probing: CUDA 12.8 (nvidia-smi");
		expect(read(machineFile(dir))).toContain('option = "torch-cu128"');
		expect(read(machineFile(dir))).toMatch(
			/why = "auto: CUDA 12\.8 \(nvidia-smi, driver 570\.86\.15\); torch-cu128 needs cuda >=12\.8/,
		);

		// When a teammate without a GPU (no choice recorded in their checkout) runs hpm sync
		rmSync(path.join(dir, ".hpm"), { recursive: true });
		const cpuMachine = fakeMachine(indexes, undefined);
		const first = hpm(["sync"], { cwd: dir, env: cpuMachine });
		expect(first.code).toBe(0);
		// Then it says what it detected and why it chose, installs the CPU build and records it
		expect(first.stderr).toContain("torch-backend: chose torch-cpu by probing: no GPU found");
		expect(first.stderr).toContain("torch-cpu needs nothing, and no GPU option's needs are met");
		expect(installedVersion(dir)).toBe("2.5.0+cpu");
		expect(read(machineFile(dir))).toContain('option = "torch-cpu"');
		const lock = read(path.join(dir, "uv.lock"));
		const pyproject = read(path.join(dir, "pyproject.toml"));

		// When the machine later has a GPU, a plain sync keeps the recorded choice: no probe
		const kept = hpm(["sync", "--json"], { cwd: dir, env: fakeMachine(indexes, GPU) });
		expect(kept.code).toBe(0);
		expect(kept.stderr).not.toContain("probing");
		expect((JSON.parse(kept.stdout) as SyncJson).machine).toEqual([
			expect.objectContaining({ option: "torch-cpu", from: "recorded", why: expect.stringContaining("auto: no GPU") }),
		]);
		expect(installedVersion(dir)).toBe("2.5.0+cpu");

		// When it asks again with --machine-choice GROUP=auto, it probes, switches and records
		const again = hpm(["sync", "--machine-choice", "torch-backend=auto"], { cwd: dir, env: fakeMachine(indexes, GPU) });
		expect(again.code).toBe(0);
		expect(again.stderr).toContain("torch-backend: chose torch-cu128 by probing: CUDA 12.8 (nvidia-smi");
		expect(installedVersion(dir)).toBe("2.5.0+cu128");
		expect(read(machineFile(dir))).toContain('option = "torch-cu128"');
		// and the committed files are the same on every machine
		expect(read(path.join(dir, "pyproject.toml"))).toBe(pyproject);
		expect(read(path.join(dir, "uv.lock"))).toBe(lock);
	});

	it("uv's UV_CUDA_DRIVER_VERSION is a probe too; a dry run says the choice and records nothing", () => {
		const dir = machineProject(indexes, { group: 'choose: "auto"\n' });
		writeFileSync(
			path.join(dir, "pyproject.toml"),
			`${read(path.join(dir, "pyproject.toml"))}machine-groups = ["torch-backend"]\n`,
		);
		const env = fakeMachine(indexes, undefined, { UV_CUDA_DRIVER_VERSION: "570.86.15" });
		const dry = hpm(["sync", "--dry-run"], { cwd: dir, env });
		expect(dry.code).toBe(0);
		expect(dry.stderr).toContain("chose torch-cu128 by probing: CUDA 12.8 (UV_CUDA_DRIVER_VERSION");
		expect(dry.stderr).toContain("not recorded: a dry run");
		const json = hpm(["sync", "--dry-run", "--json"], { cwd: dir, env });
		expect((JSON.parse(json.stdout) as SyncJson).machine).toEqual([
			{
				group: "torch-backend",
				option: "torch-cu128",
				from: "probed",
				why: expect.stringContaining("auto: CUDA 12.8"),
			},
		]);
		expect(existsSync(machineFile(dir))).toBe(false);
		const sync = hpm(["sync"], { cwd: dir, env });
		expect(sync.code).toBe(0);
		expect(installedVersion(dir)).toBe("2.5.0+cu128");
		expect(readFileSync(machineFile(dir), "utf8")).toContain("UV_CUDA_DRIVER_VERSION");
	});

	it("group add without --option in a script probes a choose: auto group", () => {
		const dir = machineProject(indexes, { group: 'choose: "auto"\n' });
		const add = hpm(["group", "add", "torch-backend"], { cwd: dir, env: fakeMachine(indexes, GPU) });
		expect(add.code).toBe(0);
		expect(add.stderr).toContain('probing this machine for group "torch-backend" (choose: auto)');
		expect(add.stdout).toContain("this machine uses torch-cu128, chosen by probing");
		expect(read(machineFile(dir))).toContain('option = "torch-cu128"');
	});

	it("--option auto on a group that does not choose by probing is refused, nothing written", () => {
		const dir = machineProject(indexes);
		const before = read(path.join(dir, "pyproject.toml"));
		const add = hpm(["group", "add", "torch-backend", "--option", "auto"], {
			cwd: dir,
			env: fakeMachine(indexes, GPU),
		});
		expect(add.code).toBe(2);
		expect(add.stderr).toContain('group "torch-backend" does not choose by probing (it has no choose: auto)');
		expect(read(path.join(dir, "pyproject.toml"))).toBe(before);
		expect(existsSync(machineFile(dir))).toBe(false);
	});

	it("choose: auto without machine: true is a problem at its line", () => {
		const dir = machineProject(indexes);
		writeFileSync(
			path.join(dir, "registry/groups/torch-backend.yaml"),
			'name: "torch-backend"\nstrategy: "1-of-N"\nchoose: "auto"\noptions:\n  - name: "torch-cpu"\n',
		);
		const lint = hpm(["registry", "lint", "-r", "registry"], { cwd: dir, env: fakeMachine(indexes, undefined) });
		expect(lint.code).toBe(1);
		expect(lint.stdout + lint.stderr).toMatch(/torch-backend\.yaml:3:\d+.*choose: auto without machine: true/);
	});
});
