import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import path from "node:path";
import { HpmError } from "../base/errors.js";
import { quotedPrefix } from "../base/text.js";
import { captureOnce, stoppedSentence } from "./child.js";
import {
	cudaOfDriver,
	driverVersion,
	isAppleSilicon,
	parseNvidiaDriverFile,
	parseNvidiaSmi,
	parseRocminfo,
	parseRocmVersion,
} from "./machine-parse.js";

/** What hpm found out about the machine's accelerators, and from where. */
export type Machine = {
	/** The CUDA version the NVIDIA driver supports, when there is one. */
	readonly cuda?: {
		readonly version: string;
		readonly driver: string | undefined;
		/** `nvidia-smi`, `UV_CUDA_DRIVER_VERSION`, or the file read. */
		readonly from: string;
		readonly gpus: readonly string[];
	};
	/** An AMD GPU that ROCm sees: its targets (`gfx1100`) and the installed ROCm release, if known. */
	readonly rocm?: {
		readonly version: string | undefined;
		readonly targets: readonly string[];
		readonly from: string;
	};
	readonly appleSilicon: boolean;
	/** `linux-x64`, `darwin-arm64`, ... */
	readonly platform: string;
	/** What each probe found or why it found nothing, in the order they ran. */
	readonly notes: readonly string[];
};

/** How long one probe program may take (nvidia-smi wakes the driver, which can take seconds). */
export const PROBE_TIMEOUT_MS = 10_000;

/**
 * Probes the machine: a missing program or file is "nothing found", never an error. Files are read
 * under `HPM_PROBE_ROOT` (default `/`), programs found on `PATH`, so tests give a fake `/proc` and
 * a fake `nvidia-smi`. The CUDA probes run in this order: `UV_CUDA_DRIVER_VERSION` (a driver
 * version, read as uv reads it), `nvidia-smi` (whose header states the CUDA version itself), then
 * the driver's files (`/proc/driver/nvidia/version`, `/sys/module/nvidia/version`: a driver
 * version, mapped to CUDA through NVIDIA's table).
 */
export async function probeMachine(options: {
	readonly env: NodeJS.ProcessEnv;
	readonly signal?: AbortSignal | undefined;
	readonly platform?: string;
	readonly arch?: string;
}): Promise<Machine> {
	const { env, signal } = options;
	const platform = options.platform ?? process.platform;
	const arch = options.arch ?? process.arch;
	const root = env.HPM_PROBE_ROOT || "/";
	const notes: string[] = [];
	const run = (program: string, args: readonly string[]) =>
		captureOnce(program, args, { timeout: PROBE_TIMEOUT_MS, env, signal });
	const cuda = await probeCuda(env, root, notes, run);
	const rocm = await probeRocm(env, root, notes, run);
	const appleSilicon = isAppleSilicon(platform, arch);
	return {
		...(cuda ? { cuda } : {}),
		...(rocm ? { rocm } : {}),
		appleSilicon,
		platform: `${platform}-${arch}`,
		notes,
	};
}

type Run = (program: string, args: readonly string[]) => ReturnType<typeof captureOnce>;

async function probeCuda(env: NodeJS.ProcessEnv, root: string, notes: string[], run: Run): Promise<Machine["cuda"]> {
	// a forced driver version wins, as in uv (`uv pip install --torch-backend=auto`)
	const forced = env.UV_CUDA_DRIVER_VERSION;
	if (forced !== undefined && forced !== "") {
		const driver = driverVersion(forced);
		const version = driver === undefined ? undefined : cudaOfDriver(driver);
		if (driver === undefined)
			throw new HpmError(
				"invalid-setting",
				`UV_CUDA_DRIVER_VERSION must be an NVIDIA driver version such as 570.86.15, got ${quotedPrefix(forced)}`,
				{ hint: "unset it to let hpm probe the machine" },
			);
		if (version !== undefined) return { version, driver, from: "UV_CUDA_DRIVER_VERSION", gpus: [] };
		notes.push(`UV_CUDA_DRIVER_VERSION=${driver}: older than any CUDA 11 driver`);
		return undefined;
	}
	const smi = await run("nvidia-smi", []);
	const said = smi.code === 0 ? parseNvidiaSmi(smi.stdout) : undefined;
	if (said) return { version: said.cuda, driver: said.driver, from: "nvidia-smi", gpus: said.gpus };
	notes.push(`nvidia-smi: ${whyNothing(smi, "no CUDA version in its output")}`);
	for (const file of ["proc/driver/nvidia/version", "sys/module/nvidia/version"]) {
		const text = readProbeFile(path.join(root, file));
		const driver = text === undefined ? undefined : parseNvidiaDriverFile(text);
		const version = driver === undefined ? undefined : cudaOfDriver(driver);
		if (driver !== undefined && version !== undefined) return { version, driver, from: `/${file}`, gpus: [] };
		notes.push(`/${file}: ${text === undefined ? "not there" : "no driver version hpm knows in it"}`);
	}
	return undefined;
}

async function probeRocm(env: NodeJS.ProcessEnv, root: string, notes: string[], run: Run): Promise<Machine["rocm"]> {
	const versionText = readProbeFile(path.join(root, "opt/rocm/.info/version"));
	const version = versionText === undefined ? undefined : parseRocmVersion(versionText);
	const forced = env.UV_AMD_GPU_ARCHITECTURE;
	if (forced !== undefined && /^gfx[0-9a-f]+$/.test(forced))
		return { version, targets: [forced], from: "UV_AMD_GPU_ARCHITECTURE" };
	// ROCm does not always put its tools on PATH: its own folder is tried second
	for (const program of ["rocminfo", path.join(root, "opt/rocm/bin/rocminfo")]) {
		const info = await run(program, []);
		if (info.startError?.code === "ENOENT") continue;
		const targets = info.code === 0 ? parseRocminfo(info.stdout) : [];
		if (targets.length > 0) return { version, targets, from: "rocminfo" };
		notes.push(`rocminfo: ${whyNothing(info, "no GPU agent (gfx target) listed")}`);
		return undefined;
	}
	notes.push("rocminfo: not found");
	return undefined;
}

function whyNothing(captured: Awaited<ReturnType<typeof captureOnce>>, empty: string): string {
	if (captured.startError) return captured.startError.code === "ENOENT" ? "not found" : "cannot be run";
	const stopped = stoppedSentence(captured.stopped, PROBE_TIMEOUT_MS);
	if (stopped !== undefined) return stopped;
	if (captured.code !== 0) {
		const first = `${captured.stdout}\n${captured.stderr}`.split("\n").find((line) => line.trim() !== "");
		return `failed (exit ${captured.code ?? captured.signal ?? "?"})${first ? `: ${first.trim().slice(0, 160)}` : ""}`;
	}
	return empty;
}

/**
 * A small text file of the system, or undefined. Not `readRegularFile`: files under /proc and /sys
 * say they are 0 bytes long, so this reads to the end (at most 64 KiB); opened without blocking,
 * and anything but a regular file (a pipe a fake root could hold) is not read.
 */
function readProbeFile(file: string): string | undefined {
	let fd: number;
	try {
		fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch {
		return undefined;
	}
	try {
		if (!fstatSync(fd).isFile()) return undefined;
		const buffer = Buffer.alloc(64 * 1024);
		let read = 0;
		for (;;) {
			const n = readSync(fd, buffer, read, buffer.length - read, null);
			read += n;
			if (n === 0 || read === buffer.length) break;
		}
		return buffer.subarray(0, read).toString("utf8");
	} catch {
		return undefined;
	} finally {
		closeSync(fd);
	}
}
