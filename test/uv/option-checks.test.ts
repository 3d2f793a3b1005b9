import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hpm, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

// Proof after install with the real uv: local packages whose versions carry local tags (+cpu,
// +cu126), options whose checks pass, one whose build is not the one its checks expect, and a
// lock rule (no nvidia-* with the CPU option).

const env = uvEnv();

function pkg(dir: string, name: string, version: string, init: string): void {
	const module = name.replace(/-/g, "_");
	mkdirSync(path.join(dir, "packages", module, "src", module), { recursive: true });
	writeFileSync(
		path.join(dir, "packages", module, "pyproject.toml"),
		`[project]\nname = "${name}"\nversion = "${version}"\nrequires-python = ">=3.11"\ndependencies = []\n\n[build-system]\nrequires = ["uv_build>=0.7,<10000"]\nbuild-backend = "uv_build"\n`,
	);
	writeFileSync(path.join(dir, "packages", module, "src", module, "__init__.py"), init);
	writeFileSync(
		path.join(dir, "registry/packages", `${name}.yaml`),
		`name: ${name}\nversion: "${version}"\nsources:\n  prod:\n    type: local\n    path: ../../packages/${module}\n`,
	);
}

function project(): string {
	const dir = tempDir("hpm-checks-");
	mkdirSync(path.join(dir, "registry/groups"), { recursive: true });
	mkdirSync(path.join(dir, "registry/packages"), { recursive: true });
	pkg(dir, "accel-cpu", "1.0.0+cpu", "class version:\n    cuda = None\n");
	// the "CUDA 12.8" option's package is really a 12.6 build: the wrong variant, as installs get
	pkg(dir, "accel-cuda", "1.0.0+cu126", 'print("noise from an import")\nclass version:\n    cuda = "12.6"\n');
	pkg(dir, "nvidia-fake", "0.1.0", "");
	const append = (name: string, text: string) => {
		const file = path.join(dir, "registry/packages", `${name}.yaml`);
		writeFileSync(file, readFileSync(file, "utf8") + text);
	};
	append(
		"accel-cpu",
		'checks:\n  - import: accel_cpu\n  - version: { package: accel-cpu, local: cpu }\n  - attribute: { module: accel_cpu, path: version.cuda, equals: "None" }\n  - lock-forbids: "nvidia-*"\n',
	);
	append(
		"accel-cuda",
		'checks:\n  - version: { package: accel_cuda, local: cu128 }\n  - attribute: { module: accel_cuda, path: version.cuda, startswith: "12.8" }\n',
	);
	writeFileSync(
		path.join(dir, "registry/groups/backend.yaml"),
		"name: backend\nstrategy: 1-of-N\noptions:\n  - name: accel-cpu\n  - name: accel-cuda\n",
	);
	writeFileSync(
		path.join(dir, "registry/groups/extras.yaml"),
		"name: extras\nstrategy: M-of-N\noptions:\n  - name: nvidia-fake\n",
	);
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		'[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nmode = "prod"\n\n[tool.hpm.groups]\nbackend = "accel-cpu"\n',
	);
	return dir;
}

type Verified = { ok: boolean; checks: { choice: string; check: string; ok: boolean; found: string }[] };

describe("checks: proof after install (real uv)", () => {
	it("an option whose checks pass: the sync says so, and hpm verify --json lists each check", () => {
		const dir = project();
		const sync = hpm(["sync"], { cwd: dir, env });
		expect(sync.stderr).toContain("checking the chosen options (4 checks)");
		expect(sync.stdout).toContain(
			"synced: pyproject.toml, uv.lock and .venv match the selection; 4 checks of the chosen options passed",
		);
		expect(sync.code).toBe(0);
		const verify = hpm(["verify", "--json"], { cwd: dir, env });
		expect(verify.code).toBe(0);
		expect(JSON.parse(verify.stdout)).toEqual({
			ok: true,
			checks: [
				{ choice: "backend=accel-cpu", check: "import accel_cpu", ok: true, found: "imported" },
				{
					choice: "backend=accel-cpu",
					check: "accel-cpu's installed version has the local tag +cpu",
					ok: true,
					found: "accel-cpu 1.0.0+cpu",
				},
				{ choice: "backend=accel-cpu", check: 'accel_cpu.version.cuda is "None"', ok: true, found: "None" },
				{ choice: "backend=accel-cpu", check: "no nvidia-* in uv.lock", ok: true, found: "none" },
			],
		} satisfies Verified);
	}, 120_000);

	it("an option whose build is not the expected one fails the sync, naming it and what was found; the sync stays", () => {
		const dir = project();
		expect(hpm(["group", "add", "backend", "--option", "accel-cuda"], { cwd: dir, env }).code).toBe(0);
		const sync = hpm(["sync"], { cwd: dir, env });
		expect(sync.code).toBe(1);
		expect(sync.stderr).toContain(
			'synced, but 2 of 2 checks failed: backend=accel-cuda: accel-cuda\'s installed version has the local tag +cu128 failed, found accel-cuda 1.0.0+cu126; backend=accel-cuda: accel_cuda.version.cuda starts with "12.8" failed, found 12.6',
		);
		expect(sync.stderr).toContain(path.join(dir, "registry/packages/accel-cuda.yaml"));
		// not undone: the files and .venv agree with the selection, and hpm rollback is there
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toContain('"accel-cuda"');
		const verify = hpm(["verify", "--json"], { cwd: dir, env });
		expect(verify.code).toBe(1);
		expect((JSON.parse(verify.stdout) as Verified).checks.map((c) => [c.ok, c.found])).toEqual([
			[false, "accel-cuda 1.0.0+cu126"],
			[false, "12.6"],
		]);
		const json = hpm(["sync", "--json"], { cwd: dir, env });
		expect(json.code).toBe(1);
		expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: "check-failed", choices: ["backend=accel-cuda"] } });
	}, 120_000);

	it("lock-forbids: a package the CPU option forbids in uv.lock fails the sync with its name", () => {
		const dir = project();
		expect(hpm(["group", "add", "extras", "--option", "nvidia-fake"], { cwd: dir, env }).code).toBe(0);
		const sync = hpm(["sync"], { cwd: dir, env });
		expect(sync.code).toBe(1);
		expect(sync.stderr).toContain(
			"synced, but 1 of 4 checks failed: backend=accel-cpu: no nvidia-* in uv.lock failed, found nvidia-fake in uv.lock",
		);
	}, 120_000);

	it("an attribute check shows a scalar only: a mapping by its type, a long value cut, a URL's secret redacted; _ paths refused", () => {
		const dir = project();
		writeFileSync(
			path.join(dir, "packages/accel_cpu/src/accel_cpu/__init__.py"),
			'class version:\n    cuda = None\nmirror = "https://user:s3cretpass@example.org/simple"\nbig = "A" * 100000\n',
		);
		writeFileSync(
			path.join(dir, "registry/packages/accel-cpu.yaml"),
			'name: accel-cpu\nversion: "1.0.0+cpu"\nsources:\n  prod:\n    type: local\n    path: ../../packages/accel_cpu\nchecks:\n  - attribute: { module: os, path: environ, equals: "x" }\n  - attribute: { module: accel_cpu, path: mirror, equals: "x" }\n  - attribute: { module: accel_cpu, path: big, equals: "x" }\n',
		);
		expect(hpm(["sync"], { cwd: dir, env }).code).toBe(1);
		const verify = hpm(["verify", "--json"], { cwd: dir, env: { ...env, GITHUB_TOKEN: "ghp_leakedtoken123" } });
		expect(verify.code).toBe(1);
		expect(verify.stdout + verify.stderr).not.toContain("ghp_leakedtoken123");
		expect(verify.stdout + verify.stderr).not.toContain("s3cretpass");
		const found = (JSON.parse(verify.stdout) as Verified).checks.map((c) => c.found);
		expect(found[0]).toBe("a mapping (os._Environ)");
		expect(found[1]).toBe("https://***:***@example.org/simple");
		expect(found[2]?.length).toBeLessThanOrEqual(201);

		// a walk through private attributes (__class__, __globals__) is refused where it is written
		writeFileSync(
			path.join(dir, "registry/packages/accel-cpu.yaml"),
			'name: accel-cpu\nversion: "1.0.0+cpu"\nsources:\n  prod:\n    type: local\n    path: ../../packages/accel_cpu\nchecks:\n  - attribute: { module: os, path: path.__class__.__mro__, equals: "x" }\n',
		);
		const lint = hpm(["registry", "lint"], { cwd: dir, env });
		expect(lint.code).not.toBe(0);
		expect(lint.stdout + lint.stderr).toContain("accel-cpu.yaml:8:");
		expect(lint.stdout + lint.stderr).toContain("names a private attribute");
	}, 120_000);
});
