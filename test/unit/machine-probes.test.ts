import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
	cudaOfDriver,
	isAppleSilicon,
	parseNvidiaDriverFile,
	parseNvidiaSmi,
	parseRocminfo,
	parseRocmVersion,
} from "../../source/core/os/machine-parse.js";
import type { Machine } from "../../source/core/os/machine-probe.js";
import { chooseByMachine } from "../../source/core/plan/auto-choice.js";
import { type CheckItem, globMatch, judge } from "../../source/core/plan/option-checks.js";
import { inRange, parseVersionRange, type VersionRange } from "../../source/core/registry/version-range.js";
import { ROOT } from "../helpers/run.js";

const sample = (name: string) => readFileSync(path.join(ROOT, "test/fixtures/probes", name), "utf8");

describe("probe parsers read the tools' real formats", () => {
	it("nvidia-smi: the header's CUDA and driver versions and each GPU, in three generations of its table", () => {
		expect(parseNvidiaSmi(sample("nvidia-smi-570-cuda-12.8.txt"))).toEqual({
			driver: "570.86.15",
			cuda: "12.8",
			gpus: ["NVIDIA GeForce RTX 4090"],
		});
		expect(parseNvidiaSmi(sample("nvidia-smi-535-cuda-12.2-two-gpus.txt"))).toEqual({
			driver: "535.104.05",
			cuda: "12.2",
			gpus: ["NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3"],
		});
		expect(parseNvidiaSmi(sample("nvidia-smi-470-cuda-11.4.txt"))?.cuda).toBe("11.4");
		expect(parseNvidiaSmi(sample("nvidia-smi-no-driver.txt"))).toBeUndefined();
		// only a strict token: a line with more after the version is no answer
		expect(parseNvidiaSmi('| NVIDIA-SMI 570.86.15   Driver Version: 570.86.15   CUDA Version: 12.8"; rm -rf / |')).toBe(
			undefined,
		);
		expect(parseNvidiaSmi("CUDA Version: 99999999999999999999.8\n")).toBeUndefined();
		expect(parseNvidiaSmi("| Driver Version: 570.86.15x   CUDA Version: 12.8     |")).toEqual({
			driver: undefined,
			cuda: "12.8",
			gpus: [],
		});
	});

	it("/proc/driver/nvidia/version and /sys/module/nvidia/version: the driver, mapped to CUDA by NVIDIA's table", () => {
		expect(parseNvidiaDriverFile(sample("proc-driver-nvidia-version-560.txt"))).toBe("560.35.03");
		expect(parseNvidiaDriverFile(sample("proc-driver-nvidia-version-550.txt"))).toBe("550.54.14");
		expect(parseNvidiaDriverFile("570.86.15\n")).toBe("570.86.15");
		expect(parseNvidiaDriverFile("something else\n")).toBeUndefined();
		// the same drivers nvidia-smi states for the samples above
		expect(cudaOfDriver("570.86.15")).toBe("12.8");
		expect(cudaOfDriver("535.104.05")).toBe("12.2");
		expect(cudaOfDriver("470.182.03")).toBe("11.4");
		expect(cudaOfDriver("560.35.03")).toBe("12.6");
		expect(cudaOfDriver("550.54.14")).toBe("12.4");
		expect(cudaOfDriver("590.10")).toBe("13.0");
		expect(cudaOfDriver("390.46")).toBeUndefined();
	});

	it("rocminfo: the GPU agents' gfx targets, not the CPU agent nor the ISA names; the ROCm release file", () => {
		expect(parseRocminfo(sample("rocminfo-6.2-gfx1100.txt"))).toEqual(["gfx1100"]);
		expect(parseRocmVersion(sample("rocm-info-version-6.2.4.txt"))).toBe("6.2.4");
		expect(isAppleSilicon("darwin", "arm64")).toBe(true);
		expect(isAppleSilicon("darwin", "x64")).toBe(false);
		expect(isAppleSilicon("linux", "arm64")).toBe(false);
	});
});

describe("version ranges of needs:", () => {
	const range = (text: string) => parseVersionRange(text) as VersionRange;
	it("compare release numbers; a bare version or an unreadable one is refused with a reason", () => {
		expect(inRange("12.8", range(">=12.8"))).toBe(true);
		expect(inRange("12.10", range(">=12.8"))).toBe(true);
		expect(inRange("12.6", range(">=12.8"))).toBe(false);
		expect(inRange("13.0", range(">=12.6,<13"))).toBe(false);
		expect(inRange("12.4", range("==12.*"))).toBe(true);
		expect(inRange("6.2.4", range("~=6.2"))).toBe(true);
		expect(inRange("7.0", range("~=6.2"))).toBe(false);
		expect(inRange("6.2.4-120", range(">=6.2"))).toBe(true);
		expect(parseVersionRange("12.8")).toMatch(/not a bare version/);
		expect(parseVersionRange(">=twelve")).toMatch(/cannot read|not a release/);
	});

	it("parts of any length compare exactly; ~= with one part, pre/post/dev versions and a stray .* are refused", () => {
		expect(inRange("12.8", range(">=99999999999999999999999"))).toBe(false);
		expect(inRange("12.8", range("<99999999999999999999999"))).toBe(true);
		expect(inRange("12.99999999999999999999", range(">12.99999999999999999998"))).toBe(true);
		expect(parseVersionRange("~=12")).toMatch(/~= needs at least two parts/);
		expect(parseVersionRange("<12.8.post1")).toMatch(/not a release number/);
		expect(parseVersionRange(">=12.8rc1")).toMatch(/not a release number/);
		expect(parseVersionRange(">=12.*")).toMatch(/only == and != take a .\* wildcard/);
		expect(inRange("12.8", range("~=12.0"))).toBe(true);
	});
});

const machine = (over: Partial<Machine> = {}): Machine => ({
	appleSilicon: false,
	platform: "linux-x64",
	notes: [],
	...over,
});
const cuda = (version: string): Machine["cuda"] => ({ version, driver: undefined, from: "nvidia-smi", gpus: [] });
const OPTIONS = [
	{ name: "cpu" },
	{ name: "cu128", needs: { cuda: parseVersionRange(">=12.8") as VersionRange } },
	{ name: "cu126", needs: { cuda: parseVersionRange(">=12.6") as VersionRange } },
	{ name: "rocm", needs: { rocm: parseVersionRange(">=6.2") as VersionRange } },
	{ name: "mps", needs: { appleSilicon: true } },
];

describe("choose: auto picks the highest option the machine meets", () => {
	it("CUDA 12.8 takes cu128 over cu126 whatever the file's order; 12.6 takes cu126; 12.4 falls back to cpu", () => {
		expect(chooseByMachine("torch-backend", OPTIONS, machine({ cuda: cuda("12.8") })).option).toBe("cu128");
		expect(chooseByMachine("torch-backend", [...OPTIONS].reverse(), machine({ cuda: cuda("13.0") })).option).toBe(
			"cu128",
		);
		expect(chooseByMachine("torch-backend", OPTIONS, machine({ cuda: cuda("12.6") })).option).toBe("cu126");
		const old = chooseByMachine("torch-backend", OPTIONS, machine({ cuda: cuda("12.4") }));
		expect(old.option).toBe("cpu");
		expect(old.reason).toContain("CUDA 12.4 (nvidia-smi)");
		expect(old.options.find((o) => o.option === "cu126")).toEqual({
			option: "cu126",
			needs: "cuda >=12.6",
			met: false,
			why: "CUDA 12.4 is not >=12.6",
		});
	});

	it("no GPU takes the option that needs nothing, and says it found none; ROCm and Apple silicon take theirs", () => {
		const none = chooseByMachine("torch-backend", OPTIONS, machine());
		expect(none).toMatchObject({ option: "cpu" });
		expect(none.reason).toMatch(/^no GPU found \(linux-x64\); cpu needs nothing/);
		const rocm = { version: "6.2.4", targets: ["gfx1100"], from: "rocminfo" };
		expect(chooseByMachine("torch-backend", OPTIONS, machine({ rocm })).option).toBe("rocm");
		expect(chooseByMachine("torch-backend", OPTIONS, machine({ rocm: { ...rocm, version: "6.1" } })).option).toBe(
			"cpu",
		);
		expect(chooseByMachine("torch-backend", OPTIONS, machine({ appleSilicon: true })).option).toBe("mps");
	});

	it("a group with no option for this machine and none that needs nothing chooses none, and says why", () => {
		const verdict = chooseByMachine("gpu-only", OPTIONS.slice(1, 3), machine());
		expect(verdict.option).toBeUndefined();
		expect(verdict.reason).toBe(
			"no GPU found (linux-x64); no option of gpu-only fits it (cu128: no CUDA found; cu126: no CUDA found)",
		);
	});
});

describe("checks: verdicts on what Python and uv.lock said", () => {
	const item = (check: CheckItem["check"]): CheckItem => ({ group: "torch-backend", option: "cpu", check });
	it("a local version tag, an attribute's start, an import error, a lock glob", () => {
		const tag = item({ kind: "version", package: "torch", local: "cu128" });
		expect(judge(tag, { ok: true, value: "2.5.0+cu128" }, [])).toMatchObject({ ok: true });
		expect(judge(tag, { ok: true, value: "2.5.0+cpu" }, [])).toEqual({
			choice: "torch-backend=cpu",
			check: "torch's installed version has the local tag +cu128",
			ok: false,
			found: "torch 2.5.0+cpu",
			location: undefined,
		});
		const attribute = item({ kind: "attribute", module: "torch", path: "version.cuda", startswith: "12.8" });
		expect(judge(attribute, { ok: true, value: "12.8.1" }, []).ok).toBe(true);
		expect(judge(attribute, { ok: true, value: null }, [])).toMatchObject({ ok: false, found: "None" });
		expect(
			judge(item({ kind: "import", module: "torch" }), { ok: false, error: "ModuleNotFoundError: torch" }, []),
		).toMatchObject({ ok: false, found: "ModuleNotFoundError: torch" });
		const forbids = item({ kind: "lock-forbids", pattern: "nvidia-*" });
		expect(judge(forbids, undefined, ["torch", "nvidia-cublas-cu12", "nvidia-cudnn-cu12"])).toMatchObject({
			ok: false,
			found: "nvidia-cublas-cu12, nvidia-cudnn-cu12 in uv.lock",
		});
		expect(judge(forbids, undefined, ["torch", "numpy"]).ok).toBe(true);
	});

	it("globs match normalized names as fnmatch does", () => {
		expect(globMatch("nvidia-*", "nvidia_cublas_cu12")).toBe(true);
		expect(globMatch("Nvidia_*", "nvidia-cublas-cu12")).toBe(true);
		expect(globMatch("torch?", "torch")).toBe(false);
		expect(globMatch("pytorch-triton-[!r]*", "pytorch-triton-rocm")).toBe(false);
		expect(globMatch("pytorch-triton-[!r]*", "pytorch-triton-xpu")).toBe(true);
	});
});
