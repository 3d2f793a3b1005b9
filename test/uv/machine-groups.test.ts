import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { buildWheel, simpleIndex } from "../helpers/index.js";
import { hpm, read, tempDir } from "../helpers/run.js";
import { REAL_UV, uvEnv, writePackage } from "../helpers/uv.js";

let cpu: string;
let cu128: string;
let base: string;

/** A wheel of `name` `version` requiring `dependencies`, built by the real uv into `into`. */
function wheelWith(name: string, version: string, dependencies: string[], into: string): void {
	const source = path.join(tempDir("hpm-wheel-src-"), name);
	writePackage(source, name, version, dependencies);
	execFileSync(REAL_UV, ["build", "--wheel", "-q", "-o", into], {
		cwd: source,
		env: { ...process.env, ...uvEnv() },
		stdio: "ignore",
	});
}

beforeAll(() => {
	// Given two accelerator indexes holding torchlike and visionlike with local version tags, and a
	// default index with a plain torchlike and basedep, a base dependency that requires torchlike
	const wheels = { cpu: tempDir("hpm-wheels-"), cu128: tempDir("hpm-wheels-"), base: tempDir("hpm-wheels-") };
	buildWheel("torchlike", "2.5.0+cpu", wheels.cpu);
	buildWheel("visionlike", "0.20.0+cpu", wheels.cpu);
	buildWheel("torchlike", "2.5.0+cu128", wheels.cu128);
	buildWheel("visionlike", "0.20.0+cu128", wheels.cu128);
	buildWheel("nvidia-fakelib", "1.0.0", wheels.cu128);
	buildWheel("torchlike", "2.5.0", wheels.base);
	buildWheel("visionlike", "0.20.0", wheels.base);
	wheelWith("basedep", "1.0.0", ["torchlike>=2"], wheels.base);
	cpu = pathToFileURL(simpleIndex(wheels.cpu)).href;
	cu128 = pathToFileURL(simpleIndex(wheels.cu128)).href;
	base = pathToFileURL(simpleIndex(wheels.base)).href;
});

const option = (name: string, index: string, marker = "") =>
	`name: "${name}"\nversion: "2.5.0"\nsources:\n  prod:\n    type: "index"\n    requirement: "torchlike==2.5.0"\n    index: "${index}"\n${marker}    family:\n      - "visionlike"\n`;

function project(): string {
	const dir = tempDir("hpm-machine-");
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["basedep"]\n\n[tool.hpm]\nmode = "prod"\n`,
	);
	for (const folder of ["indexes", "groups", "packages"])
		mkdirSync(path.join(dir, "registry", folder), { recursive: true });
	writeFileSync(path.join(dir, "registry/indexes/cpu.yaml"), `name: "cpu"\nurl: "${cpu}"\n`);
	writeFileSync(path.join(dir, "registry/indexes/cu128.yaml"), `name: "cu128"\nurl: "${cu128}"\n`);
	writeFileSync(
		path.join(dir, "registry/groups/torch-backend.yaml"),
		'name: "torch-backend"\nstrategy: "1-of-N"\nmachine: true\noptions:\n  - name: "torch-cpu"\n  - name: "torch-cu128"\n',
	);
	writeFileSync(path.join(dir, "registry/packages/torch-cpu.yaml"), option("torch-cpu", "cpu"));
	writeFileSync(
		path.join(dir, "registry/packages/torch-cu128.yaml"),
		option("torch-cu128", "cu128", `    marker: "sys_platform == 'linux'"\n`),
	);
	return dir;
}

const env = () => uvEnv({ UV_DEFAULT_INDEX: base });
const installedBuild = (dir: string) =>
	execFileSync(
		path.join(dir, ".venv/bin/python"),
		["-c", "import importlib.metadata as m; print(m.version('torchlike'))"],
		{
			encoding: "utf8",
		},
	).trim();

describe("per-machine groups (real uv, local indexes)", () => {
	it("one pyproject.toml and one uv.lock for every option; each machine installs its own", () => {
		const dir = project();

		// When the group joins the project with cu128 chosen on this machine, and it syncs
		const add = hpm(["group", "add", "torch-backend", "--option", "torch-cu128"], { cwd: dir, env: env() });
		expect(add.stderr + add.stdout).toContain("torch-backend");
		expect(add.code).toBe(0);
		const sync = hpm(["sync"], { cwd: dir, env: env() });
		expect(sync.stderr).toContain("--group hpm-torch-backend-torch-cu128");
		expect(sync.code).toBe(0);

		// Then the cu128 build is installed, and the files say every option, owned by hpm
		expect(installedBuild(dir)).toBe("2.5.0+cu128");
		const pyproject = read(path.join(dir, "pyproject.toml"));
		const lock = read(path.join(dir, "uv.lock"));
		expect(pyproject).toContain('hpm-torch-backend-torch-cpu = ["torchlike==2.5.0", "visionlike"]');
		expect(pyproject).toContain(
			'conflicts = [[{ group = "hpm-torch-backend-torch-cpu" }, { group = "hpm-torch-backend-torch-cu128" }]]',
		);
		expect(pyproject).toContain(
			`{ index = "cu128", group = "hpm-torch-backend-torch-cu128", marker = 'sys_platform == "linux"' }`,
		);
		expect(pyproject).toMatch(/uv-owned = \[.*"dependency-groups.hpm-torch-backend-torch-cpu".*\]/);
		expect(lock).toContain('version = "2.5.0+cpu"');
		expect(lock).toContain('version = "2.5.0+cu128"');
		expect(readFileSync(path.join(dir, ".hpm/machine.toml"), "utf8")).toContain('option = "torch-cu128"');

		// When this machine switches to the CPU build
		const local = hpm(["group", "add", "torch-backend", "--option", "torch-cpu"], { cwd: dir, env: env() });
		expect(local.code).toBe(0);
		// Then only the local choice changed: pyproject.toml is untouched
		expect(read(path.join(dir, "pyproject.toml"))).toBe(pyproject);
		const again = hpm(["sync"], { cwd: dir, env: env() });
		expect(again.code).toBe(0);
		expect(installedBuild(dir)).toBe("2.5.0+cpu");
		expect(read(path.join(dir, "pyproject.toml"))).toBe(pyproject);
		expect(read(path.join(dir, "uv.lock"))).toBe(lock);

		// When CI forces cu128 with the environment variable, or the flag
		const forced = hpm(["sync"], { cwd: dir, env: { ...env(), HPM_MACHINE_CHOICE: "torch-backend=torch-cu128" } });
		expect(forced.code).toBe(0);
		expect(installedBuild(dir)).toBe("2.5.0+cu128");
		const flag = hpm(["sync", "--machine-choice", "torch-backend=torch-cpu"], { cwd: dir, env: env() });
		expect(flag.code).toBe(0);
		expect(installedBuild(dir)).toBe("2.5.0+cpu");
		// Then neither was written down: the files and the local choice are as they were
		expect(read(path.join(dir, "pyproject.toml"))).toBe(pyproject);
		expect(read(path.join(dir, "uv.lock"))).toBe(lock);
		expect(readFileSync(path.join(dir, ".hpm/machine.toml"), "utf8")).toContain('option = "torch-cpu"');

		// When the group leaves the project
		const remove = hpm(["group", "remove", "torch-backend"], { cwd: dir, env: env() });
		expect(remove.code).toBe(0);
		expect(hpm(["sync"], { cwd: dir, env: env() }).code).toBe(0);
		// Then every entry hpm wrote for it is gone, the person's lines stay
		const after = read(path.join(dir, "pyproject.toml"));
		expect(after).not.toContain("hpm-torch-backend");
		expect(after).not.toContain("[[tool.uv.index]]");
		expect(after).not.toContain("uv-owned");
		expect(after).not.toMatch(/\[tool\.uv|\[dependency-groups\]/);
		expect(after).toContain('dependencies = ["basedep"]');
		expect(installedBuild(dir)).toBe("2.5.0");
	});

	it("the checks of this machine's option run after sync and in verify; its lock-forbids judges what this machine installed", () => {
		const dir = project();
		// Given a CPU option forbidding nvidia-*, and a CUDA option whose family brings nvidia-fakelib
		// into the one uv.lock (every option is locked), and whose check expects a build it is not
		const append = (name: string, text: string) => {
			const file = path.join(dir, "registry/packages", `${name}.yaml`);
			writeFileSync(file, readFileSync(file, "utf8") + text);
		};
		writeFileSync(
			path.join(dir, "registry/packages/torch-cu128.yaml"),
			option("torch-cu128", "cu128").replace(
				'      - "visionlike"\n',
				'      - "visionlike"\n      - "nvidia-fakelib"\n',
			),
		);
		append("torch-cpu", 'checks:\n  - version: { package: torchlike, local: cpu }\n  - lock-forbids: "nvidia-*"\n');
		append("torch-cu128", "checks:\n  - version: { package: torchlike, local: cu999 }\n");
		expect(hpm(["group", "add", "torch-backend", "--option", "torch-cpu"], { cwd: dir, env: env() }).code).toBe(0);

		// When it syncs with the CPU option chosen on this machine
		const sync = hpm(["sync"], { cwd: dir, env: env() });
		// Then the option's checks ran and passed: nvidia-fakelib is in uv.lock, not in .venv
		expect(sync.stderr).toContain("checking the chosen options (2 checks)");
		expect(sync.stdout).toContain("2 checks of the chosen options passed");
		expect(sync.code).toBe(0);
		expect(read(path.join(dir, "uv.lock"))).toContain('name = "nvidia-fakelib"');
		const verify = hpm(["verify", "--json"], { cwd: dir, env: env() });
		expect(verify.code).toBe(0);
		expect(JSON.parse(verify.stdout)).toMatchObject({
			ok: true,
			checks: [
				{ choice: "torch-backend=torch-cpu", ok: true, found: "torchlike 2.5.0+cpu" },
				{ choice: "torch-backend=torch-cpu", check: "no nvidia-* installed on this machine", ok: true, found: "none" },
			],
		});

		// When CI forces the CUDA option, whose check expects another build
		const forced = hpm(["sync", "--json", "--machine-choice", "torch-backend=torch-cu128"], { cwd: dir, env: env() });
		// Then its check fails the sync, naming the option
		expect(forced.code).toBe(1);
		expect(JSON.parse(forced.stdout)).toMatchObject({
			error: { code: "check-failed", choices: ["torch-backend=torch-cu128"] },
		});
		const cuda = hpm(["verify"], { cwd: dir, env: { ...env(), HPM_MACHINE_CHOICE: "torch-backend=torch-cu128" } });
		expect(cuda.code).toBe(1);
		expect(cuda.stdout).toContain("torch-backend=torch-cu128");
	}, 120_000);
});

describe("per-machine groups beside the person's [tool.uv] tables (real uv)", () => {
	it("syncs when [tool.uv] holds only [[tool.uv.index]] tables, as `uv add --index` writes them", () => {
		// Given a project whose only [tool.uv] content is an index table of its own
		const dir = project();
		const file = path.join(dir, "pyproject.toml");
		const mine = `\n[[tool.uv.index]]\nname = "mine"\nurl = "${base}"\n`;
		writeFileSync(file, read(file) + mine);

		// When the per-machine group joins and the project syncs
		expect(hpm(["group", "add", "torch-backend", "--option", "torch-cpu"], { cwd: dir, env: env() }).code).toBe(0);
		const sync = hpm(["sync"], { cwd: dir, env: env() });

		// Then it succeeds with the chosen build, and the person's index table is still there
		expect(sync.stderr).not.toContain("error");
		expect(sync.code).toBe(0);
		expect(installedBuild(dir)).toBe("2.5.0+cpu");
		expect(read(file)).toContain(mine);
		expect(read(file)).toMatch(/\[tool\.uv\]\nconflicts = /);
	});
});

describe("per-machine groups in a CRLF pyproject.toml (real uv)", () => {
	it("adds, switches and removes the group's entries and the file keeps its CRLF line ends", () => {
		// Given a project whose pyproject.toml has Windows line ends
		const dir = project();
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(file, read(file).replace(/\n/g, "\r\n"));
		const crlfOnly = () => expect(/(^|[^\r])\n/.test(read(file))).toBe(false);
		const run = (args: string[]) => {
			const result = hpm(args, { cwd: dir, env: env() });
			expect(result.stderr).not.toContain("error");
			expect(result.code).toBe(0);
			crlfOnly();
		};

		// When the group joins, the machine switches, and the group leaves, each followed by a sync
		run(["group", "add", "torch-backend", "--option", "torch-cu128"]);
		run(["sync"]);
		expect(read(file)).toContain("hpm-torch-backend-torch-cpu");
		run(["group", "add", "torch-backend", "--option", "torch-cpu"]);
		run(["sync"]);
		expect(installedBuild(dir)).toBe("2.5.0+cpu");
		run(["group", "remove", "torch-backend"]);
		run(["sync"]);

		// Then nothing of the group is left and every line still ends in CRLF
		expect(read(file)).not.toContain("hpm-torch-backend");
		expect(installedBuild(dir)).toBe("2.5.0");
	});
});
