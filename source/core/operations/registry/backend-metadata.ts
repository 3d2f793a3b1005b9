import { drain } from "../../plan/events.js";
import { readRegularFile } from "../../os/read-file.js";
import { metadataFields, type PythonPackage } from "../../registry/python-package.js";
import { findUv, runUv } from "../../uv/driver.js";
import path from "node:path";
import { parse } from "smol-toml";

/**
 * Asks the package's build backend what it would build (PEP 517
 * `prepare_metadata_for_build_wheel`), in an environment uv makes with the backend's build
 * requirements, as `uv build` would, but without building anything: a version only the backend
 * knows (setuptools-scm, hatch-vcs, a version read from a module) costs what resolving the
 * backend costs (~0.4 s with uv's cache), never a compile. Offline, the requirements come from
 * uv's cache. Undefined when the backend cannot say (its requirements are not to be had, it
 * fails): the caller then asks for --version.
 */
export async function backendMetadata(
	dir: string,
	signal?: AbortSignal,
): Promise<Pick<PythonPackage, "name" | "version" | "description"> | undefined> {
	let system: { readonly requires?: unknown } = {};
	try {
		const data = parse(readRegularFile(path.join(dir, "pyproject.toml"), 10_000_000).toString("utf8")) as {
			"build-system"?: { requires?: unknown };
		};
		system = data["build-system"] ?? {};
	} catch {
		// no pyproject.toml (setup.py): PEP 517's default backend, setuptools
	}
	// PEP 517: without [build-system], setuptools' legacy backend and its requirement
	const requires = Array.isArray(system.requires)
		? system.requires.filter((r): r is string => typeof r === "string")
		: ["setuptools>=40.8.0"];
	const uv = await findUv();
	const args = [
		"run",
		"--no-project",
		"--isolated",
		...requires.flatMap((requirement) => ["--with", requirement]),
		"python",
		"-c",
		HOOK,
		dir,
	];
	const run = await drain(runUv(uv, args, { cwd: dir, signal, readOnly: true }), () => undefined);
	const marked = run.lines.find((line) => line.startsWith(MARK));
	if (run.exitCode !== 0 || marked === undefined) return undefined;
	try {
		const metadata = JSON.parse(marked.slice(MARK.length)) as unknown;
		return typeof metadata === "string" ? metadataFields(metadata) : undefined;
	} catch {
		return undefined;
	}
}

const MARK = "hpm-metadata: ";

/** A PEP 517 frontend's one call: the backend (backend-path honoured) writes the metadata; it is printed as JSON. */
const HOOK = `
import importlib, json, os, sys, tempfile
try:
    import tomllib
except ImportError:
    tomllib = None
root = os.path.abspath(sys.argv[1])
os.chdir(root)
system = {}
if tomllib and os.path.exists("pyproject.toml"):
    with open("pyproject.toml", "rb") as f:
        system = tomllib.load(f).get("build-system", {})
for entry in reversed(system.get("backend-path", [])):
    sys.path.insert(0, os.path.join(root, entry))
module, _, attr = system.get("build-backend", "setuptools.build_meta:__legacy__").partition(":")
backend = importlib.import_module(module)
for part in attr.split(".") if attr else []:
    backend = getattr(backend, part)
stdout = sys.stdout
sys.stdout = sys.stderr  # what the backend prints is not the answer
with tempfile.TemporaryDirectory() as out:
    if hasattr(backend, "prepare_metadata_for_build_wheel"):
        info = backend.prepare_metadata_for_build_wheel(out, {})
        with open(os.path.join(out, info, "METADATA"), encoding="utf-8") as f:
            metadata = f.read()
    else:  # the hook is optional: the wheel's METADATA says the same
        import zipfile
        with zipfile.ZipFile(os.path.join(out, backend.build_wheel(out, {}))) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            metadata = wheel.read(name).decode("utf-8")
stdout.write("${MARK}" + json.dumps(metadata) + "\\n")
`;
