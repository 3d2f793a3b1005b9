import { spawn, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
	fakeMachine,
	installedVersion,
	type MachineIndexes,
	machineIndexes,
	machineProject,
	optionManifest,
} from "../helpers/machine-project.js";
import { BIN, hpm, read, tempDir } from "../helpers/run.js";
import { REAL_UV } from "../helpers/uv.js";

// It stays chosen where hpm can keep it: `hpm run` keeps this machine's build where a plain
// `uv run` replaces it (the fixture's basedep requires torchlike from the default index), and
// `hpm verify` / `hpm list` report the drift. Real uv, local indexes.

let indexes: MachineIndexes;
beforeAll(() => {
	indexes = machineIndexes();
});

const VERSION = "import importlib.metadata as m; print(m.version('torchlike'))";

/** A project synced with torch-cu128 on this machine. */
function synced(settings: Parameters<typeof machineProject>[1] = {}, option = "torch-cu128"): string {
	const dir = machineProject(indexes, settings);
	const env = fakeMachine(indexes, undefined);
	expect(hpm(["group", "add", "torch-backend", "--option", option], { cwd: dir, env }).code).toBe(0);
	const sync = hpm(["sync"], { cwd: dir, env });
	expect(sync.stderr).not.toContain("error");
	expect(sync.code).toBe(0);
	return dir;
}

describe("hpm run, and drift after a plain uv run (real uv)", () => {
	it("a plain uv run replaces the build; verify and list say so; hpm run puts it back and keeps it", () => {
		const dir = synced();
		const env = fakeMachine(indexes, undefined);
		expect(installedVersion(dir)).toBe("2.5.0+cu128");
		expect(hpm(["verify"], { cwd: dir, env }).code).toBe(0);

		// When a plain uv run re-syncs the base dependency, the default index's build replaces cu128
		const plain = spawnSync(REAL_UV, ["run", "python", "-c", VERSION], {
			cwd: dir,
			env: { ...process.env, ...env },
			encoding: "utf8",
		});
		expect(plain.stdout.trim()).toBe("2.5.0");

		// Then verify fails naming the option, what is installed and the fix; list says the same
		const verify = hpm(["verify", "--json"], { cwd: dir, env });
		expect(verify.code).toBe(1);
		expect(JSON.parse(verify.stdout)).toMatchObject({
			ok: false,
			drift: [{ choice: "torch-backend=torch-cu128", package: "torchlike", installed: "2.5.0", wanted: "2.5.0+cu128" }],
		});
		const text = hpm(["verify"], { cwd: dir, env });
		expect(text.stdout).toContain(
			"DRIFT torch-backend=torch-cu128  torchlike 2.5.0, this machine's option installs 2.5.0+cu128: run `hpm sync`",
		);
		const list = hpm(["list"], { cwd: dir, env });
		expect(list.code).toBe(0);
		expect(list.stdout).toContain(
			"drift torch-backend=torch-cu128: torchlike 2.5.0 in .venv, this machine's option installs 2.5.0+cu128",
		);

		// When the command runs through hpm run, it gets this machine's build, which stays
		const run = hpm(["run", "--", "python", "-c", VERSION], { cwd: dir, env });
		expect(run.code).toBe(0);
		expect(run.stdout.trim()).toBe("2.5.0+cu128");
		expect(installedVersion(dir)).toBe("2.5.0+cu128");
		expect(hpm(["verify"], { cwd: dir, env }).code).toBe(0);
		// and with UV_NO_SYNC=1 a plain uv run keeps it too
		const kept = spawnSync(REAL_UV, ["run", "python", "-c", VERSION], {
			cwd: dir,
			env: { ...process.env, ...env, UV_NO_SYNC: "1" },
			encoding: "utf8",
		});
		expect(kept.stdout.trim()).toBe("2.5.0+cu128");
	});

	it("the exit code passes through; a signal that ends the command is 128+N; SIGTERM to hpm reaches it", async () => {
		const dir = synced();
		const env = fakeMachine(indexes, undefined);
		expect(hpm(["run", "--", "python", "-c", "import sys; sys.exit(7)"], { cwd: dir, env }).code).toBe(7);
		const killed = hpm(["run", "--", "python", "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"], {
			cwd: dir,
			env,
		});
		expect(killed.code).toBe(137);
		const missing = hpm(["run", "--machine-choice", "torch-backend=nope", "--", "python", "-c", "pass"], {
			cwd: dir,
			env,
		});
		expect(missing.code).toBe(2);
		expect(missing.stderr).toContain('"nope" is not an option of group "torch-backend"');

		// Given a command that writes a file when SIGTERM reaches it
		const marker = path.join(tempDir("hpm-run-signal-"), "got-term");
		const script = `import signal, sys, time\ndef stop(*_):\n    open(${JSON.stringify(marker)}, "w").write("term")\n    sys.exit(3)\nsignal.signal(signal.SIGTERM, stop)\nprint("ready", flush=True)\ntime.sleep(60)\n`;
		const child = spawn(process.execPath, [BIN, "run", "--", "python", "-c", script], {
			cwd: dir,
			env: { ...process.env, ...env },
			stdio: ["ignore", "pipe", "pipe"],
		});
		await new Promise<void>((resolve) =>
			child.stdout.on("data", (data: Buffer) => data.toString().includes("ready") && resolve()),
		);
		child.kill("SIGTERM");
		const code = await new Promise<number | null>((resolve) => child.on("close", (exit) => resolve(exit)));
		expect(existsSync(marker)).toBe(true);
		expect(code).toBe(3);
	});

	it("lock-forbids of a per-machine option looks at what this machine installed, not the universal lock", () => {
		// Given cu128's family brings nvidia-fakelib, and the CPU option forbids nvidia-*
		const dir = machineProject(indexes, { cpu: 'checks:\n  - lock-forbids: "nvidia-*"\n' });
		writeFileSync(
			path.join(dir, "registry/packages/torch-cu128.yaml"),
			optionManifest("torch-cu128", "cu128").replace(
				'      - "visionlike"\n',
				'      - "visionlike"\n      - "nvidia-fakelib"\n',
			),
		);
		const env = fakeMachine(indexes, undefined);
		expect(hpm(["group", "add", "torch-backend", "--option", "torch-cpu"], { cwd: dir, env }).code).toBe(0);
		// When the CPU machine syncs: the lock lists nvidia-fakelib (for cu128 machines), .venv does not
		const sync = hpm(["sync"], { cwd: dir, env });
		expect(sync.code).toBe(0);
		expect(read(path.join(dir, "uv.lock"))).toContain('name = "nvidia-fakelib"');
		expect(sync.stdout).toContain("1 check of the chosen options passed");
		// When the environment does hold one (a forced cu128 run installed it), the check fails, named
		const forced = hpm(["run", "--machine-choice", "torch-backend=torch-cu128", "--", "python", "-c", "pass"], {
			cwd: dir,
			env,
		});
		expect(forced.code).toBe(0);
		const verify = hpm(["verify"], { cwd: dir, env });
		expect(verify.code).toBe(1);
		expect(verify.stdout).toContain(
			"FAIL torch-backend=torch-cpu  no nvidia-* installed on this machine: found nvidia-fakelib installed",
		);
	});
});
