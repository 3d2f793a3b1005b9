import { writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
	fakeMachine,
	type MachineIndexes,
	machineIndexes,
	machineProject,
	optionManifest,
} from "../helpers/machine-project.js";
import { hpm, read } from "../helpers/run.js";

// Every option of a per-machine group resolves: the one uv.lock covers them all, so check names
// an option that does not resolve with the project before it breaks every machine. Real uv.

let indexes: MachineIndexes;
beforeAll(() => {
	indexes = machineIndexes();
});

type Checked = { ok: boolean; problems: { code: string; choices?: string[]; message: string }[] };

describe("hpm check: every per-machine option resolves (real uv)", () => {
	it("names the option that does not resolve with the project, whichever this machine uses", () => {
		// Given a third option whose build the project's base dependency cannot take (basedep needs torchlike>=2)
		const dir = machineProject(indexes);
		writeFileSync(
			path.join(dir, "registry/packages/torch-old.yaml"),
			optionManifest("torch-old", "cpu").replace("torchlike==2.5.0", "torchlike<2"),
		);
		writeFileSync(
			path.join(dir, "registry/groups/torch-backend.yaml"),
			'name: "torch-backend"\nstrategy: "1-of-N"\nmachine: true\noptions:\n  - name: "torch-cpu"\n  - name: "torch-cu128"\n  - name: "torch-old"\n',
		);
		const env = fakeMachine(indexes, undefined);
		expect(hpm(["group", "add", "torch-backend", "--option", "torch-cpu"], { cwd: dir, env }).code).toBe(0);
		const before = read(path.join(dir, "pyproject.toml"));

		// When the project is checked (this machine uses the CPU option, which resolves)
		const check = hpm(["check", "--json"], { cwd: dir, env });
		// Then the check fails naming torch-old alone, and changes nothing
		expect(check.code).toBe(1);
		const result = JSON.parse(check.stdout) as Checked;
		expect(result.problems).toEqual([
			expect.objectContaining({ code: "option-unresolvable", choices: ["torch-backend=torch-old"] }),
		]);
		expect(result.problems[0]?.message).toContain("does not resolve with the project");
		expect(read(path.join(dir, "pyproject.toml"))).toBe(before);

		// and a sync fails in uv's words (naming the option's dependency group), its files restored
		const sync = hpm(["sync"], { cwd: dir, env });
		expect(sync.code).toBe(1);
		expect(sync.stderr).toContain("demo:hpm-torch-backend-torch-old depends on torchlike<2");
		expect(sync.stderr).toContain("`hpm check` shows the problem");
		expect(read(path.join(dir, "pyproject.toml"))).toBe(before);

		// When the option leaves the group, the check passes
		writeFileSync(
			path.join(dir, "registry/groups/torch-backend.yaml"),
			'name: "torch-backend"\nstrategy: "1-of-N"\nmachine: true\noptions:\n  - name: "torch-cpu"\n  - name: "torch-cu128"\n',
		);
		const fixed = hpm(["check"], { cwd: dir, env });
		expect(fixed.stderr).not.toContain("error");
		expect(fixed.code).toBe(0);
	});

	it("registry lint names what it can see without uv: a member a local index lacks, a marker that never holds", () => {
		const dir = machineProject(indexes);
		writeFileSync(
			path.join(dir, "registry/packages/torch-cu128.yaml"),
			optionManifest(
				"torch-cu128",
				"cu128",
				"    marker: \"sys_platform == 'linux' and sys_platform == 'win32'\"\n",
			).replace('      - "visionlike"\n', '      - "visionlike"\n      - "audiolike"\n'),
		);
		const lint = hpm(["registry", "lint", "-r", "registry"], { cwd: dir, env: fakeMachine(indexes, undefined) });
		expect(lint.code).toBe(1);
		const said = lint.stdout + lint.stderr;
		expect(said).toMatch(
			/torch-cu128\.yaml:\d+:\d+: torch-cu128: sources\.prod installs audiolike from index "cu128", which has no audiolike/,
		);
		expect(said).toContain(
			'torch-cu128: sources.prod.marker (sys_platform == "linux" and sys_platform == "win32") holds on no platform',
		);
		expect(said).not.toContain("torchlike from index");
	});
});
