import { mkdirSync, writeFileSync } from "node:fs";
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

// What a per-machine group refuses, and how: each with a message naming the file (and line), a
// non-zero exit code, and nothing a person wrote lost. Real uv, local indexes.

let indexes: MachineIndexes;
beforeAll(() => {
	indexes = machineIndexes();
});

const env = () => fakeMachine(indexes, undefined);

/** The project with the group joined and this machine's choice torch-cpu. */
function joined(settings: Parameters<typeof machineProject>[1] = {}): string {
	const dir = machineProject(indexes, settings);
	const add = hpm(["group", "add", "torch-backend", "--option", "torch-cpu"], { cwd: dir, env: env() });
	expect(add.code).toBe(0);
	return dir;
}

describe("per-machine groups: refusals and canonical lines (real uv)", () => {
	it("an entry hpm did not write is never taken over: machine-entry-taken, pyproject.toml as it was", () => {
		const dir = joined();
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(file, `${read(file)}\n[dependency-groups]\nhpm-torch-backend-torch-cpu = ["mine"]\n`);
		const before = read(file);
		const sync = hpm(["sync"], { cwd: dir, env: env() });
		expect(sync.code).toBe(2);
		expect(sync.stderr).toContain("[dependency-groups] hpm-torch-backend-torch-cpu, which hpm did not write");
		expect(sync.stderr).toContain("remove or rename your hpm-torch-backend-torch-cpu entry");
		expect(read(file)).toBe(before);
	});

	it("a malformed .hpm/machine.toml is named with its line; nothing overwrites it", () => {
		const dir = joined();
		const file = path.join(dir, ".hpm/machine.toml");
		const broken = '[torch-backend]\noption = "torch-cpu"\nwhy = unquoted words\n';
		writeFileSync(file, broken);
		const before = read(path.join(dir, "pyproject.toml"));
		for (const args of [["sync"], ["group", "add", "torch-backend", "--option", "torch-cu128"]]) {
			const run = hpm(args, { cwd: dir, env: env() });
			expect(run.code).toBe(2);
			expect(run.stderr).toContain(`${file}:3:7: this machine's choice file does not parse (invalid TOML`);
			expect(run.stderr).not.toMatch(/^\s+at /m);
			expect(read(file)).toBe(broken);
			expect(read(path.join(dir, "pyproject.toml"))).toBe(before);
		}
		writeFileSync(file, '# mine\n\n[torch-backend]\nchoice = "torch-cpu"\n');
		const table = hpm(["sync"], { cwd: dir, env: env() });
		expect(table.code).toBe(2);
		expect(table.stderr).toContain(`${file}:3: [torch-backend] has no valid option = "NAME"`);
	});

	it("a bad forced choice is refused before anything is written", () => {
		const dir = joined();
		expect(hpm(["sync"], { cwd: dir, env: env() }).code).toBe(0);
		const files = ["pyproject.toml", "uv.lock", ".hpm/machine.toml"].map((name) => read(path.join(dir, name)));
		const unknown = hpm(["sync", "--machine-choice", "torch-backend=torch-cu999"], { cwd: dir, env: env() });
		expect(unknown.code).toBe(1);
		expect(unknown.stdout + unknown.stderr).toContain(
			'this machine\'s choice "torch-cu999" is not an option of group "torch-backend"',
		);
		const group = hpm(["sync"], { cwd: dir, env: { ...env(), HPM_MACHINE_CHOICE: "no-such-group=torch-cpu" } });
		expect(group.code).toBe(1);
		expect(group.stdout + group.stderr).toContain('a forced machine choice names "no-such-group"');
		const auto = hpm(["sync", "--machine-choice", "torch-backend=auto"], { cwd: dir, env: env() });
		expect(auto.code).toBe(1);
		expect(auto.stdout + auto.stderr).toContain('asks "torch-backend" to choose by probing, and it does not');
		expect(auto.stdout + auto.stderr).not.toContain('choice "auto" is not an option');
		const malformed = hpm(["sync", "--machine-choice", "torch-backend"], { cwd: dir, env: env() });
		expect(malformed.code).toBe(2);
		expect(malformed.stderr).toContain('--machine-choice: "torch-backend" is not GROUP=OPTION');
		expect(["pyproject.toml", "uv.lock", ".hpm/machine.toml"].map((name) => read(path.join(dir, name)))).toEqual(files);
		expect(installedVersion(dir)).toBe("2.5.0+cpu");
	});

	it("family: or marker: in an option of a committed group is refused at its line", () => {
		const dir = machineProject(indexes);
		mkdirSync(path.join(dir, "registry/groups"), { recursive: true });
		writeFileSync(
			path.join(dir, "registry/groups/vision.yaml"),
			'name: "vision"\nstrategy: "1-of-N"\noptions:\n  - name: "torch-cpu"\n',
		);
		const lint = hpm(["registry", "lint", "-r", "registry", "--json"], { cwd: dir, env: env() });
		expect(lint.code).toBe(1);
		const problems = (
			JSON.parse(lint.stdout) as {
				problems: { code: string; file: string; line: number; choices?: string[] }[];
			}
		).problems;
		expect(problems).toEqual([
			expect.objectContaining({
				code: "machine-only",
				file: expect.stringContaining("torch-cpu.yaml"),
				line: 9,
				choices: ["vision=torch-cpu"],
			}),
		]);
		// and choosing it in the committed group is refused by sync, nothing written
		const add = hpm(["group", "add", "vision", "--option", "torch-cpu"], { cwd: dir, env: env() });
		expect(add.code).toBe(0);
		const before = read(path.join(dir, "pyproject.toml"));
		const sync = hpm(["sync"], { cwd: dir, env: env() });
		expect(sync.code).toBe(1);
		expect(sync.stdout + sync.stderr).toContain('is an option of group "vision", which is not per-machine');
		expect(read(path.join(dir, "pyproject.toml"))).toBe(before);
	});

	it("an option without family: is written from its parsed form, not as typed", () => {
		// Given an option that is one distribution (no family), its requirement written loosely
		const dir = machineProject(indexes);
		writeFileSync(
			path.join(dir, "registry/packages/torchlike.yaml"),
			'name: "TorchLike"\nversion: "2.5.0"\nsources:\n  prod:\n    type: "index"\n    requirement: "TorchLike  ==  2.5.0"\n    index: "cu128"\n',
		);
		writeFileSync(
			path.join(dir, "registry/groups/torch-backend.yaml"),
			'name: "torch-backend"\nstrategy: "1-of-N"\nmachine: true\noptions:\n  - name: "torch-cpu"\n  - name: "TorchLike"\n',
		);
		expect(hpm(["group", "add", "torch-backend", "--option", "torchlike"], { cwd: dir, env: env() }).code).toBe(0);
		const sync = hpm(["sync"], { cwd: dir, env: env() });
		expect(sync.code).toBe(0);
		// Then its dependency group holds the canonical line, and it installs from its index
		const pyproject = read(path.join(dir, "pyproject.toml"));
		expect(pyproject).toContain('hpm-torch-backend-torchlike = ["torchlike==2.5.0"]');
		expect(pyproject).not.toContain("TorchLike");
		expect(installedVersion(dir)).toBe("2.5.0+cu128");
	});
});
