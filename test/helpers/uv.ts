import { execFileSync, execSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./run.js";

export const REAL_UV = execSync("command -v uv", { encoding: "utf8" }).trim();

const cache = tempDir("hpm-uv-cache-");

/** uv settings for hermetic tests: no Python downloads, no network, no user config. */
export function uvEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return {
		UV_PYTHON_DOWNLOADS: "never",
		UV_OFFLINE: "1",
		UV_NO_CONFIG: "1",
		UV_LINK_MODE: "copy",
		UV_CACHE_DIR: cache,
		...extra,
	};
}

/**
 * A folder holding a `uv` that logs its arguments to `log`, then runs the real uv: a spy for
 * counting invocations, never a fake.
 */
export function uvSpy(): { readonly env: NodeJS.ProcessEnv; readonly calls: () => string[][] } {
	const dir = tempDir("hpm-uv-spy-");
	const log = path.join(dir, "calls.log");
	writeFileSync(path.join(dir, "uv"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${REAL_UV}' "$@"\n`);
	chmodSync(path.join(dir, "uv"), 0o755);
	return {
		env: { PATH: `${dir}:${process.env.PATH}` },
		calls: () =>
			existsSync(log)
				? readFileSync(log, "utf8")
						.trim()
						.split("\n")
						.filter(Boolean)
						.map((line) => line.split(" "))
				: [],
	};
}

/** The packages installed in the project's .venv (normalized names). */
export function installed(project: string): string[] {
	const out = execFileSync(
		REAL_UV,
		["pip", "list", "--format", "json", "--python", path.join(project, ".venv/bin/python")],
		{
			encoding: "utf8",
			env: { ...process.env, ...uvEnv() },
		},
	);
	return (JSON.parse(out) as { name: string }[]).map((p) => p.name.replace(/[-_.]+/g, "-").toLowerCase()).sort();
}

/** Writes a tiny uv_build package at `dir` (offline-buildable). */
export function writePackage(dir: string, name: string, version = "0.1.0", dependencies: string[] = []): void {
	const module = name.replace(/-/g, "_");
	mkdirSync(path.join(dir, "src", module), { recursive: true });
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "${name}"\nversion = "${version}"\nrequires-python = ">=3.11"\ndependencies = [${dependencies.map((d) => JSON.stringify(d)).join(", ")}]\n\n[build-system]\nrequires = ["uv_build>=0.7,<10000"]\nbuild-backend = "uv_build"\n`,
	);
	writeFileSync(path.join(dir, "src", module, "__init__.py"), `__version__ = "${version}"\n`);
}

/** Adds `manifest` to the registry and, with `group`, as an option of that group. */
export function registerPackage(project: string, manifest: string, name: string, group?: string): void {
	writeFileSync(path.join(project, "registry/packages", `${name}.yaml`), manifest);
	if (group) {
		const file = path.join(project, "registry/groups", `${group}.yaml`);
		writeFileSync(file, `${readFileSync(file, "utf8").trimEnd()}\n  - name: "${name}"\n`);
	}
}

/** Runs git in `cwd` quietly, as a fixed author and committer. */
export function git(args: string[], cwd: string): void {
	execFileSync("git", args, {
		cwd,
		stdio: "ignore",
		env: {
			...process.env,
			GIT_AUTHOR_NAME: "t",
			GIT_AUTHOR_EMAIL: "t@t",
			GIT_COMMITTER_NAME: "t",
			GIT_COMMITTER_EMAIL: "t@t",
		},
	});
}

/** A bare git repository holding the package at `source`, tagged `tag`, on branch `main`. */
export function gitRepo(source: string, tag: string): string {
	const bare = path.join(tempDir("hpm-git-"), "repo.git");
	const work = tempDir("hpm-git-work-");
	git(["init", "-q", "--bare", bare], work);
	git(["init", "-q", "-b", "main"], work);
	execSync(`cp -r '${source}'/. '${work}'/`);
	git(["add", "-A"], work);
	git(["commit", "-q", "-m", "init"], work);
	git(["tag", tag], work);
	git(["push", "-q", bare, "main", "--tags"], work);
	return bare;
}

/**
 * A package whose in-tree build backend (no download needed) takes a minute to report its
 * metadata, so uv is certainly still running when the test interrupts hpm.
 */
export function slowPackage(dir: string): string {
	// a backend module name of its own, so a test can look for exactly its build processes
	const backend = `slow_backend_${path.basename(dir).replace(/[^A-Za-z0-9]/g, "_")}`;
	const pkg = path.join(dir, "packages/metric_slow");
	mkdirSync(pkg, { recursive: true });
	writeFileSync(
		path.join(pkg, "pyproject.toml"),
		`[project]\nname = "metric-slow"\ndynamic = ["version"]\nrequires-python = ">=3.11"\n\n[build-system]\nrequires = []\nbuild-backend = "${backend}"\nbackend-path = ["."]\n`,
	);
	writeFileSync(
		path.join(pkg, `${backend}.py`),
		"import time\n\ndef get_requires_for_build_wheel(config_settings=None):\n    time.sleep(60)\n    return []\n\ndef prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):\n    time.sleep(60)\n    raise RuntimeError('too slow')\n\ndef build_wheel(wheel_directory, config_settings=None, metadata_directory=None):\n    time.sleep(60)\n    raise RuntimeError('too slow')\n",
	);
	registerPackage(
		dir,
		'name: "metric-slow"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/metric_slow"\n',
		"metric-slow",
		"metrics",
	);
	return backend;
}
