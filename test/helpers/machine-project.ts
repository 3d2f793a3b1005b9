import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildWheel, simpleIndex } from "./index.js";
import { ROOT, tempDir } from "./run.js";
import { REAL_UV, uvEnv, writePackage } from "./uv.js";

/**
 * A project with a per-machine group `torch-backend` (torch-cpu / torch-cu128, each the family
 * torchlike + visionlike from its own local index) and a base dependency `basedep` that requires
 * torchlike from the default index: the case where a plain `uv sync` replaces the build.
 */
export type MachineIndexes = { readonly cpu: string; readonly cu128: string; readonly base: string };

/** A wheel of `name` `version` requiring `dependencies`, built by the real uv into `into`. */
export function wheelWith(name: string, version: string, dependencies: string[], into: string): void {
	const source = path.join(tempDir("hpm-wheel-src-"), name);
	writePackage(source, name, version, dependencies);
	execFileSync(REAL_UV, ["build", "--wheel", "-q", "-o", into], {
		cwd: source,
		env: { ...process.env, ...uvEnv() },
		stdio: "ignore",
	});
}

/** The three local indexes (built once per test file). */
export function machineIndexes(): MachineIndexes {
	const wheels = { cpu: tempDir("hpm-wheels-"), cu128: tempDir("hpm-wheels-"), base: tempDir("hpm-wheels-") };
	buildWheel("torchlike", "2.5.0+cpu", wheels.cpu);
	buildWheel("visionlike", "0.20.0+cpu", wheels.cpu);
	buildWheel("torchlike", "2.5.0+cu128", wheels.cu128);
	buildWheel("visionlike", "0.20.0+cu128", wheels.cu128);
	buildWheel("nvidia-fakelib", "12.8.0", wheels.cu128);
	buildWheel("torchlike", "2.5.0", wheels.base);
	buildWheel("visionlike", "0.20.0", wheels.base);
	wheelWith("basedep", "1.0.0", ["torchlike>=2"], wheels.base);
	return {
		cpu: pathToFileURL(simpleIndex(wheels.cpu)).href,
		cu128: pathToFileURL(simpleIndex(wheels.cu128)).href,
		base: pathToFileURL(simpleIndex(wheels.base)).href,
	};
}

/** A package manifest of one option: torchlike==2.5.0 and visionlike from `index`, plus `extra` lines. */
export const optionManifest = (name: string, index: string, extra = "") =>
	`name: "${name}"\nversion: "2.5.0"\nsources:\n  prod:\n    type: "index"\n    requirement: "torchlike==2.5.0"\n    index: "${index}"\n    family:\n      - "visionlike"\n${extra}`;

/** The project; `group` is the group file's extra lines (`choose: "auto"\n`), `options` each manifest's extra lines. */
export function machineProject(
	indexes: MachineIndexes,
	settings: { group?: string; cpu?: string; cu128?: string } = {},
): string {
	const dir = tempDir("hpm-machine-");
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["basedep"]\n\n[tool.hpm]\nmode = "prod"\n`,
	);
	for (const folder of ["indexes", "groups", "packages"])
		mkdirSync(path.join(dir, "registry", folder), { recursive: true });
	writeFileSync(path.join(dir, "registry/indexes/cpu.yaml"), `name: "cpu"\nurl: "${indexes.cpu}"\n`);
	writeFileSync(path.join(dir, "registry/indexes/cu128.yaml"), `name: "cu128"\nurl: "${indexes.cu128}"\n`);
	writeFileSync(
		path.join(dir, "registry/groups/torch-backend.yaml"),
		`name: "torch-backend"\nstrategy: "1-of-N"\nmachine: true\n${settings.group ?? ""}options:\n  - name: "torch-cpu"\n  - name: "torch-cu128"\n`,
	);
	writeFileSync(path.join(dir, "registry/packages/torch-cpu.yaml"), optionManifest("torch-cpu", "cpu", settings.cpu));
	writeFileSync(
		path.join(dir, "registry/packages/torch-cu128.yaml"),
		optionManifest("torch-cu128", "cu128", settings.cu128 ?? 'needs:\n  cuda: ">=12.8"\n'),
	);
	return dir;
}

/** The installed version of `name` in the project's .venv (`2.5.0+cu128`). */
export function installedVersion(dir: string, name = "torchlike"): string {
	return execFileSync(
		path.join(dir, ".venv/bin/python"),
		["-c", `import importlib.metadata as m; print(m.version(${JSON.stringify(name)}))`],
		{ encoding: "utf8" },
	).trim();
}

/**
 * The environment of a machine, faked: a `nvidia-smi` printing a sample from test/fixtures/probes
 * (or failing as it does without a driver), an empty probe root, uv's own variable unset. The real
 * uv is reached through HPM_UV.
 */
export function fakeMachine(
	indexes: MachineIndexes,
	sample: string | undefined,
	extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
	const bin = tempDir("hpm-fake-bin-");
	const file = path.join(ROOT, "test/fixtures/probes", sample ?? "nvidia-smi-no-driver.txt");
	copyFileSync(file, path.join(bin, "nvidia-smi.txt"));
	writeFileSync(
		path.join(bin, "nvidia-smi"),
		`#!/bin/sh\n/bin/cat '${path.join(bin, "nvidia-smi.txt")}'\nexit ${sample === undefined ? 9 : 0}\n`,
	);
	chmodSync(path.join(bin, "nvidia-smi"), 0o755);
	return uvEnv({
		UV_DEFAULT_INDEX: indexes.base,
		PATH: `${bin}:${process.env.PATH ?? ""}`,
		HPM_PROBE_ROOT: tempDir("hpm-probe-root-"),
		HPM_UV: REAL_UV,
		UV_CUDA_DRIVER_VERSION: undefined,
		HPM_MACHINE_CHOICE: undefined,
		...extra,
	});
}
