import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, snapshot, tempDir } from "../helpers/run.js";
import { REAL_UV, uvEnv } from "../helpers/uv.js";

const env = uvEnv();

/** A fresh venv with `file` installed by `uv pip sync`, run from `cwd`; returns its python. */
function installInFreshVenv(file: string, cwd: string): string {
	const venv = path.join(tempDir("hpm-export-venv-"), "venv");
	const options = { cwd, env: { ...process.env, ...env }, stdio: "pipe" as const };
	execFileSync(REAL_UV, ["venv", "-q", venv], options);
	const python = path.join(venv, "bin/python");
	execFileSync(REAL_UV, ["pip", "sync", "-q", "--python", python, file], options);
	return python;
}

const imports = (python: string, module: string) => spawnSync(python, ["-c", `import ${module}`]).status === 0;

describe("hpm export (one combination, for an image)", () => {
	it("a requirements file and a pylock.toml of the combination install into a fresh venv; the project is untouched", () => {
		// Given the example, synced with its own choice (qwen, bleu)
		const dir = copyExample();
		expect(hpm(["sync"], { cwd: dir, env }).code).toBe(0);
		const before = snapshot(dir);

		// When another combination is exported in both formats
		const combination = "inference=vlm-adapter-deepseek,metrics=metric-bleu+metric-rouge";
		const requirements = hpm(["export", "--combination", combination, "-o", "requirements.txt"], { cwd: dir, env });
		expect(requirements.code, requirements.stderr).toBe(0);
		mkdirSync(path.join(dir, "image"));
		const pylock = hpm(["export", "--combination", combination, "--format", "pylock", "-o", "image/pylock.toml"], {
			cwd: dir,
			env,
		});
		expect(pylock.code, pylock.stderr).toBe(0);

		// Then pyproject.toml, uv.lock and .venv are byte for byte as they were (only the two files are new)
		const after = snapshot(dir);
		for (const [file, bytes] of before) expect(after.get(file), file).toBe(bytes);
		expect([...after.keys()].filter((file) => !before.has(file)).sort()).toEqual([
			"image/pylock.toml",
			"requirements.txt",
		]);
		// the paths are the project's, as uv writes them in place: relative to the project, or to pylock.toml's folder
		const text = readFileSync(path.join(dir, "requirements.txt"), "utf8");
		expect(text).toContain("./packages/vlm_adapter_deepseek\n");
		expect(text).not.toContain("/tmp/");
		expect(readFileSync(path.join(dir, "image/pylock.toml"), "utf8")).toContain(
			'path = "../packages/vlm_adapter_deepseek"',
		);

		// and each installs the chosen components into a fresh venv, without the option not chosen
		for (const python of [
			installInFreshVenv("requirements.txt", dir),
			installInFreshVenv(path.join(dir, "image/pylock.toml"), tempDir("hpm-export-elsewhere-")),
		]) {
			expect(imports(python, "vlm_adapter_deepseek")).toBe(true);
			expect(imports(python, "metric_rouge")).toBe(true);
			expect(imports(python, "vlm_interface")).toBe(true);
			expect(imports(python, "vlm_adapter_qwen")).toBe(false);
			expect(imports(python, "metric_legacy")).toBe(false);
		}
	});

	it("without --combination: the project's choice on stdout; a conflicting combination fails naming the choices", () => {
		const dir = copyExample();
		const before = snapshot(dir);
		const own = hpm(["export"], { cwd: dir, env });
		expect(own.code, own.stderr).toBe(0);
		expect(own.stdout).toMatch(
			/^# hpm export --format requirements --combination "inference=vlm-adapter-qwen,metrics=metric-bleu" --mode prod\n/,
		);
		expect(own.stdout).toContain("./packages/vlm_adapter_qwen\n");

		const bad = hpm(["export", "--combination", "inference=vlm-adapter-qwen,metrics=metric-legacy"], { cwd: dir, env });
		expect(bad.code).toBe(1);
		expect(bad.stdout).toBe("");
		expect(bad.stderr).toContain("conflicts with inference=vlm-adapter-qwen; nothing was changed");
		expect(snapshot(dir)).toEqual(before);
		expect(existsSync(path.join(dir, "uv.lock"))).toBe(false);

		const name = hpm(["export", "--format", "pylock", "-o", "lock.toml"], { cwd: dir, env });
		expect(name.code).toBe(2);
		expect(name.stderr).toContain("PEP 751 names the file pylock.toml or pylock.NAME.toml");
	});

	it("-o never replaces an existing file without --force, never writes through a link, never writes the project's own files", () => {
		const dir = copyExample();
		const env = uvEnv();
		const outside = path.join(tempDir(), "victim.txt");
		writeFileSync(outside, "VICTIM\n");
		symlinkSync(outside, path.join(dir, "out.txt"));
		writeFileSync(path.join(dir, "notes.txt"), "mine\n");
		const before = snapshot(dir);
		const linked = hpm(["export", "-o", "out.txt", "--force"], { cwd: dir, env });
		expect(linked.code).toBe(2);
		expect(linked.stderr).toContain("is a symbolic link; hpm will not write through it");
		expect(readFileSync(outside, "utf8")).toBe("VICTIM\n");
		const existing = hpm(["export", "-o", "notes.txt"], { cwd: dir, env });
		expect(existing.code).toBe(2);
		expect(existing.stderr).toContain("--force replaces it");
		for (const own of ["pyproject.toml", "./uv.lock"]) {
			const refused = hpm(["export", "-o", own, "--force"], { cwd: dir, env });
			expect(refused.code, refused.stderr).toBe(2);
			expect(refused.stderr).toContain("is the project's own");
		}
		// a path no file can have: said as such, never a stack trace
		for (const odd of ["notes.txt/inside.txt", `${"x".repeat(300)}.txt`]) {
			const refused = hpm(["export", "-o", odd], { cwd: dir, env });
			expect(refused.code, refused.stderr).toBe(2);
			expect(refused.stderr).toMatch(/cannot be written \(E[A-Z]+\); nothing was written/);
			expect(refused.stderr).not.toContain("bug in hpm");
		}
		expect(snapshot(dir)).toEqual(before);
		const forced = hpm(["export", "-o", "notes.txt", "--force"], { cwd: dir, env });
		expect(forced.code, forced.stderr).toBe(0);
		expect(readFileSync(path.join(dir, "notes.txt"), "utf8")).toContain("./packages/vlm_interface");
	});
});
