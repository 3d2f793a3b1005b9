/**
 * Pure readers of what the machine's tools and files say about its GPU: `nvidia-smi`'s table,
 * `/proc/driver/nvidia/version`, `rocminfo`'s agents and `/opt/rocm/.info/version`. The runner
 * (machine-probe.ts) captures their text; these only read it, so each is tested on samples.
 */

/** What `nvidia-smi` (no arguments) says: its header's driver and CUDA versions, and each GPU's name. */
export function parseNvidiaSmi(
	text: string,
): { readonly driver: string | undefined; readonly cuda: string; readonly gpus: readonly string[] } | undefined {
	// strict tokens: digits, a dot, digits, then a space, a | or the line's end (never `12.8"; rm -rf /`)
	const cuda = /CUDA Version:[ \t]*(\d{1,4}\.\d{1,4})(?=[ \t|]|$)/m.exec(text)?.[1];
	if (cuda === undefined) return undefined;
	const driver = /Driver Version:[ \t]*(\d{1,6}(?:\.\d{1,6}){1,2})(?=[ \t|]|$)/m.exec(text)?.[1];
	// the first row of each GPU's cell: `|   0  NVIDIA GeForce RTX 4090        Off |   00000000:01:00.0 ...`
	const gpus = [...text.matchAll(/^\|\s+\d+\s+(.+?)\s+(?:On|Off)\s+\|/gm)].map((match) => match[1] ?? "");
	return { driver, cuda, gpus };
}

/**
 * The driver version in `/proc/driver/nvidia/version` (`NVRM version: NVIDIA UNIX Open Kernel Module
 * for x86_64  570.86.15  Release Build ...`), or in `/sys/module/nvidia/version` (the number alone).
 */
export function parseNvidiaDriverFile(text: string): string | undefined {
	const first = text.split("\n")[0] ?? "";
	if (/^\s*\d+(?:\.\d+)+\s*$/.test(first)) return first.trim();
	if (!first.startsWith("NVRM version:")) return undefined;
	return /\s(\d{3,}\.\d+(?:\.\d+)?)\s/.exec(`${first} `)?.[1];
}

/**
 * The newest CUDA version a Linux driver supports natively: NVIDIA's "CUDA Toolkit and Minimum
 * Required Driver Version" table (CUDA toolkit release notes, table 3, GA releases), which is
 * also what `nvidia-smi` prints as "CUDA Version". Newer drivers than the table knows get its
 * newest entry: an underestimate, never a promise the driver cannot keep.
 */
const LINUX_DRIVERS: readonly (readonly [cuda: string, driver: string])[] = [
	["13.0", "580.65.06"],
	["12.9", "575.51.03"],
	["12.8", "570.26"],
	["12.6", "560.28.03"],
	["12.5", "555.42.02"],
	["12.4", "550.54.14"],
	["12.3", "545.23.06"],
	["12.2", "535.54.03"],
	["12.1", "530.30.02"],
	["12.0", "525.60.13"],
	["11.8", "520.61.05"],
	["11.7", "515.43.04"],
	["11.6", "510.39.01"],
	["11.5", "495.29.05"],
	["11.4", "470.42.01"],
	["11.3", "465.19.01"],
	["11.2", "460.27.03"],
	["11.1", "455.23"],
	["11.0", "450.36.06"],
];

export function cudaOfDriver(driver: string): string | undefined {
	const have = numbers(driver);
	return LINUX_DRIVERS.find(([, needed]) => compare(have, numbers(needed)) >= 0)?.[0];
}

/** A driver version as uv reads `UV_CUDA_DRIVER_VERSION` (`570.86.15`), or undefined. */
export function driverVersion(text: string): string | undefined {
	return /^\s*(\d{1,6}(?:\.\d{1,6}){0,3})\s*$/.exec(text)?.[1];
}

/** The GPU targets (`gfx1100`) of `rocminfo`'s agents, each once, in order. */
export function parseRocminfo(text: string): string[] {
	const targets = [...text.matchAll(/^\s*Name:\s+(gfx[0-9a-f]+)\s*$/gm)].map((match) => match[1] ?? "");
	return [...new Set(targets)];
}

/** The ROCm release in `/opt/rocm/.info/version` (`6.2.4-120` → `6.2.4`). */
export function parseRocmVersion(text: string): string | undefined {
	return /^\s*(\d+(?:\.\d+)+)/.exec(text)?.[1];
}

/** Whether the platform is Apple silicon (macOS on arm64). */
export function isAppleSilicon(platform: string, arch: string): boolean {
	return platform === "darwin" && arch === "arm64";
}

const numbers = (version: string): number[] => version.split(".").map((part) => Number.parseInt(part, 10) || 0);

function compare(a: readonly number[], b: readonly number[]): number {
	for (let i = 0; i < Math.max(a.length, b.length); i++) {
		const d = (a[i] ?? 0) - (b[i] ?? 0);
		if (d !== 0) return Math.sign(d);
	}
	return 0;
}
