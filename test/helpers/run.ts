import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = path.join(ROOT, "dist/hpm.js");
export const EXAMPLE = path.join(ROOT, "registry-examples");
export const CORPUS = path.join(ROOT, "test/fixtures/corpus");

export type RunResult = {
	readonly stdout: string;
	readonly stderr: string;
	readonly code: number | null;
};

/** Runs the built `hpm` binary as a user would, without a TTY. */
export function hpm(
	args: readonly string[],
	options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number },
): RunResult {
	const result = spawnSync(process.execPath, [BIN, ...args], {
		cwd: options.cwd,
		env: {
			...process.env,
			NO_COLOR: "1",
			FORCE_COLOR: undefined,
			UV_PYTHON_DOWNLOADS: "never",
			...options.env,
		},
		encoding: "utf8",
		input: options.input ?? "",
		timeout: options.timeout ?? 120_000,
	});
	return { stdout: result.stdout, stderr: result.stderr, code: result.status };
}

export function tempDir(prefix = "hpm-test-"): string {
	const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
	made.add(dir);
	return dir;
}

/** The folders tempDir made in this test file, removed after it (test/setup.ts). */
const made = new Set<string>();

/** Removes every folder tempDir made in this test file (whatever hpm, uv or git left in it). */
export function removeTempDirs(): void {
	for (const dir of made) {
		rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
		made.delete(dir);
	}
}

/** A fresh copy of the bundled example (without any environment or lock file). */
export function copyExample(): string {
	const dir = tempDir("hpm-example-");
	cpSync(EXAMPLE, dir, {
		recursive: true,
		// the ML example (ml/) is a project of its own, copied by its tests
		filter: (source) => !/[\\/](\.venv|uv\.lock|__pycache__)$/.test(source) && source !== path.join(EXAMPLE, "ml"),
	});
	return dir;
}

/** Every file under `dir` with its bytes, to prove later that nothing changed. */
export function snapshot(dir: string): Map<string, string> {
	const files = new Map<string, string>();
	const walk = (current: string) => {
		for (const name of readdirSync(current)) {
			const full = path.join(current, name);
			if (statSync(full).isDirectory()) walk(full);
			else files.set(path.relative(dir, full), readFileSync(full).toString("base64"));
		}
	};
	walk(dir);
	return files;
}

export function read(file: string): string {
	return readFileSync(file, "utf8");
}

/** Runs the built `hpm` without waiting (several at once), as a user would, with uv's test settings. */
export function startHpm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env, NO_COLOR: "1" } });
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
		child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
		child.on("close", (code) => resolve({ code, stdout, stderr }));
	});
}
