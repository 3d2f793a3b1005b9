import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { simpleIndex } from "./index.js";
import { tempDir } from "./run.js";
import { REAL_UV, uvEnv } from "./uv.js";

/** The ML example (`registry-examples/ml`): its project file and the registry the tests layer under. */
export const ML_EXAMPLE = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../registry-examples/ml");

/** The PyTorch indexes of the ML example's registry, with the build each one serves. */
const BUILDS = {
	"pytorch-cpu": { tag: "cpu", cuda: null, hip: null },
	"pytorch-cu126": { tag: "cu126", cuda: "12.6", hip: null },
	"pytorch-cu128": { tag: "cu128", cuda: "12.8", hip: null },
	"pytorch-rocm": { tag: "rocm6.4", cuda: null, hip: "6.4.43482" },
} as const;

/** A tiny pure-Python wheel of `name` `version`, its module's `__init__.py` being `init`, built by the real uv. */
function wheel(name: string, version: string, into: string, init = "", dependencies: readonly string[] = []): void {
	const module = name.replace(/-/g, "_");
	const source = path.join(tempDir("hpm-wheel-src-"), name);
	mkdirSync(path.join(source, "src", module), { recursive: true });
	writeFileSync(
		path.join(source, "pyproject.toml"),
		`[project]\nname = "${name}"\nversion = "${version}"\nrequires-python = ">=3.9"\ndependencies = ${JSON.stringify(dependencies)}\n\n[build-system]\nrequires = ["uv_build>=0.7,<10000"]\nbuild-backend = "uv_build"\n`,
	);
	writeFileSync(path.join(source, "src", module, "__init__.py"), `__version__ = "${version}"\n${init}`);
	execFileSync(REAL_UV, ["build", "--wheel", "-q", "-o", into], {
		cwd: source,
		env: { ...process.env, ...uvEnv() },
		stdio: "ignore",
	});
}

/** `torch.version` as a build's module has it: `cuda` and `hip` are None or the toolkit's version. */
const versionModule = (cuda: string | null, hip: string | null) =>
	`class version:\n    cuda = ${cuda === null ? "None" : JSON.stringify(cuda)}\n    hip = ${hip === null ? "None" : JSON.stringify(hip)}\n`;

/**
 * Local stand-ins for download.pytorch.org and PyPI, built once: one file:// index per PyTorch
 * build holding torch, torchvision and torchaudio look-alikes with its local version tag (CUDA
 * builds require an `nvidia-*` library, as the real ones do on Linux; ROCm's index also holds
 * pytorch-triton-rocm), and a default index (PyPI's part) with the plain builds macOS takes,
 * the CUDA library and the ordinary groups' packages. `layer` is a registry folder that
 * re-declares only the indexes, to be given first: `-r layer -r registry`.
 */
export function torchIndexes(): { readonly layer: string; readonly defaultIndex: string } {
	const layer = tempDir("hpm-ml-layer-");
	mkdirSync(path.join(layer, "indexes"), { recursive: true });
	for (const [index, build] of Object.entries(BUILDS)) {
		const wheels = tempDir("hpm-wheels-");
		const cudaLibrary = build.cuda ? [`nvidia-cublas-cu12==12.8.4.1 ; sys_platform == 'linux'`] : [];
		wheel("torch", `2.8.0+${build.tag}`, wheels, versionModule(build.cuda, build.hip), cudaLibrary);
		wheel("torchvision", `0.23.0+${build.tag}`, wheels, "", ["torch==2.8.0"]);
		wheel("torchaudio", `2.8.0+${build.tag}`, wheels, "", ["torch==2.8.0"]);
		if (index === "pytorch-rocm") wheel("pytorch-triton-rocm", "3.4.0", wheels);
		const url = pathToFileURL(simpleIndex(wheels)).href;
		writeFileSync(path.join(layer, "indexes", `${index}.yaml`), `name: "${index}"\nurl: "${url}"\nexplicit: true\n`);
	}
	const pypi = tempDir("hpm-wheels-");
	wheel("torch", "2.8.0", pypi, versionModule(null, null));
	wheel("torchvision", "0.23.0", pypi, "", ["torch==2.8.0"]);
	wheel("torchaudio", "2.8.0", pypi, "", ["torch==2.8.0"]);
	wheel("nvidia-cublas-cu12", "12.8.4.1", pypi);
	wheel("tiktoken", "0.11.0", pypi);
	wheel("sentencepiece", "0.2.1", pypi);
	wheel("torchmetrics", "1.8.2", pypi, "", ["torch>=2.0"]);
	wheel("sacrebleu", "2.5.1", pypi);
	return { layer, defaultIndex: pathToFileURL(simpleIndex(pypi)).href };
}
