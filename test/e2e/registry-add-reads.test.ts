import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, read } from "../helpers/run.js";
import { uvEnv, uvSpy } from "../helpers/uv.js";

/** Files under `dir`, each path relative to it. */
function files(dir: string, contents: Readonly<Record<string, string>>): string {
	for (const [name, text] of Object.entries(contents)) {
		mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
		writeFileSync(path.join(dir, name), text);
	}
	return dir;
}

/**
 * A PEP 517 backend in the tree (`backend-path`), with no build requirements, so it runs offline:
 * its version is known only when it runs, as setuptools-scm's or hatch-vcs's is.
 */
const BACKEND = `
import os
def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    print("the backend talks on stdout too")
    info = "dyn_pkg-2.4.1.dist-info"
    os.makedirs(os.path.join(metadata_directory, info))
    with open(os.path.join(metadata_directory, info, "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\\nName: dyn-pkg\\nVersion: 2.4.1\\nSummary: Computed by its backend\\n\\nLong text.\\nVersion: 9\\n")
    return info
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("hpm only asks for the metadata")
`;

describe("registry add reads what the package says", () => {
	it("an sdist with a dynamic version (tqdm style): version and description from its PKG-INFO, no --version asked", () => {
		const dir = copyExample();
		files(path.join(dir, "vendor/tqdm-4.66.5"), {
			"pyproject.toml":
				'[build-system]\nrequires = ["setuptools>=64", "setuptools_scm[toml]>=8"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "tqdm"\ndynamic = ["version"]\ndescription = "Fast, Extensible Progress Meter"\n',
			"PKG-INFO":
				"Metadata-Version: 2.1\nName: tqdm\nVersion: 4.66.5\nSummary: Fast, Extensible Progress Meter\n\nVersion: 0.0 in the long description is not the version\n",
		});
		const spy = uvSpy();
		const result = hpm(["registry", "add", "--path", "vendor/tqdm-4.66.5"], { cwd: dir, env: spy.env });
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(read(path.join(dir, "registry/packages/tqdm.yaml"))).toBe(
			'name: "tqdm"\nversion: "4.66.5"\ndescription: "Fast, Extensible Progress Meter"\nsources:\n  prod:\n    type: "local"\n    path: "../../vendor/tqdm-4.66.5"\n',
		);
		// PKG-INFO answered: no build backend ran
		expect(spy.calls()).toEqual([]);
	});

	it("an old sdist with only setup.py (attrs style): name, version and summary from PKG-INFO", () => {
		const dir = copyExample();
		files(path.join(dir, "vendor/attrs-21.4.0"), {
			"setup.py": "from setuptools import setup\nsetup()\n",
			"PKG-INFO": "Metadata-Version: 2.1\nName: attrs\nVersion: 21.4.0\nSummary: Classes Without Boilerplate\n",
		});
		const result = hpm(["registry", "add", "--path", "vendor/attrs-21.4.0", "--json"], { cwd: dir });
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({ name: "attrs", version: "21.4.0" });
		expect(read(path.join(dir, "registry/packages/attrs.yaml"))).toContain(
			'version: "21.4.0"\ndescription: "Classes Without Boilerplate"\n',
		);
	});

	it("a source tree whose version only its build backend knows: asked with PEP 517's prepare_metadata_for_build_wheel through uv, offline", () => {
		const dir = copyExample();
		files(path.join(dir, "packages/dyn_pkg"), {
			"pyproject.toml":
				'[project]\nname = "dyn-pkg"\ndynamic = ["version", "description"]\n\n[build-system]\nrequires = []\nbuild-backend = "dynback"\nbackend-path = ["backend"]\n',
			"backend/dynback.py": BACKEND,
		});
		const result = hpm(["registry", "add", "--path", "packages/dyn_pkg", "--group", "metrics"], {
			cwd: dir,
			env: uvEnv(),
		});
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(read(path.join(dir, "registry/packages/dyn-pkg.yaml"))).toBe(
			'name: "dyn-pkg"\nversion: "2.4.1"\ndescription: "Computed by its backend"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/dyn_pkg"\n',
		);
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);
	});

	it("a backend that cannot say: --version is asked for, naming where hpm looked; nothing written", () => {
		const dir = copyExample();
		files(path.join(dir, "packages/broken"), {
			"pyproject.toml":
				'[project]\nname = "broken"\ndynamic = ["version"]\n\n[build-system]\nrequires = []\nbuild-backend = "nope"\nbackend-path = ["."]\n',
			"nope.py": "raise ImportError('this backend is broken')\n",
		});
		const result = hpm(["registry", "add", "--path", "packages/broken"], { cwd: dir, env: uvEnv() });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(
			"--version is required (neither the package's pyproject.toml, its PKG-INFO nor its build backend gave one)",
		);
		expect(result.stderr).not.toContain("Traceback");
		expect(existsSync(path.join(dir, "registry/packages/broken.yaml"))).toBe(false);
	});

	it.each([
		["httpx>=0.27", ">=0.27"],
		["httpx[http2]>=0.27,<1", ">=0.27,<1"],
		["httpx==0.27.2", "0.27.2"],
		["httpx", "*"],
	])("--requirement %s records the version %s, never an invented one; lint and show agree", (requirement, version) => {
		const dir = copyExample();
		const result = hpm(["registry", "add", "--requirement", requirement], { cwd: dir });
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(read(path.join(dir, "registry/packages/httpx.yaml"))).toBe(
			`name: "httpx"\nversion: ${JSON.stringify(version)}\nsources:\n  prod:\n    type: "index"\n    requirement: ${JSON.stringify(requirement)}\n`,
		);
		expect(hpm(["registry", "lint"], { cwd: dir }).code).toBe(0);
		const show = hpm(["show", "httpx", "--json"], { cwd: dir });
		expect(show.code).toBe(0);
		expect(JSON.parse(show.stdout)).toMatchObject({ name: "httpx", version });
	});
});
