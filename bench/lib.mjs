// Helpers for the benchmarks: timing subprocesses, medians, generated data, tables.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { realUv } from "../scripts/real-uv.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(ROOT, "dist/hpm.js");
export const EXAMPLE = path.join(ROOT, "registry-examples");
/** The real uv binary, never a shim in front of it (which would be counted as uv's work or hpm's). */
export const UV = realUv();
export const RUNS = Number(process.env.RUNS ?? 11);
/** How many times each section runs: every figure is given as min / median / max of its medians. */
export const ROUNDS = Number(process.env.ROUNDS ?? 3);
const made = [];
/** A temporary folder, removed when the benchmarks end. */
export const tempDir = (prefix = "hpm-bench-") => {
	const dir = mkdtempSync(path.join(tmpdir(), prefix));
	made.push(dir);
	return dir;
};
process.once("exit", () => {
	for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/** min / median / max of some values. */
export const spread = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	return { min: sorted[0], median: median(sorted), max: sorted[sorted.length - 1] };
};

/** The machine the figures were measured on, in one line. */
export function machine() {
	const cores = cpus();
	const model = (cores[0]?.model ?? "unknown CPU").replace(/\s+/g, " ").trim();
	const load = loadavg()
		.map((value) => value.toFixed(2))
		.join(" ");
	return `${model}, ${cores.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; load average ${load} at the start`;
}

/** Wall time of one run of `command args` in ms; throws when it fails. */
export function time(command, args, options = {}) {
	const start = process.hrtime.bigint();
	const result = spawnSync(command, args, { stdio: options.stdio ?? "ignore", encoding: "utf8", ...options });
	const ms = Number(process.hrtime.bigint() - start) / 1e6;
	if (result.status !== 0)
		throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr ?? ""}`);
	return ms;
}

/** Runs each subject `runs` times, interleaved so machine noise hits all alike; returns medians. */
export function interleaved(subjects, runs = RUNS) {
	const samples = subjects.map(() => []);
	for (let i = 0; i < runs; i++) subjects.forEach((subject, index) => samples[index].push(subject.run()));
	return subjects.map((subject, index) => ({ name: subject.name, ms: median(samples[index]) }));
}

export function table(title, headers, rows) {
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) =>
		cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
	console.log(`\n${title}`);
	console.log(line(headers));
	for (const row of rows) console.log(line(row));
}

export const hermetic = (extra = {}) => ({
	...process.env,
	UV_PYTHON_DOWNLOADS: "never",
	UV_OFFLINE: "1",
	UV_NO_CONFIG: "1",
	NO_COLOR: "1",
	// hpm runs the same binary the figures are measured against
	HPM_UV: UV,
	...extra,
});

/** A registry of `packages` packages in `groups` M-of-N groups (all git sources: nothing to build). */
export function generateRegistry(dir, packages, groups) {
	mkdirSync(path.join(dir, "registry/packages"), { recursive: true });
	mkdirSync(path.join(dir, "registry/groups"), { recursive: true });
	const perGroup = Math.ceil(packages / groups);
	for (let g = 0; g < groups; g++) {
		const names = [];
		for (let i = 0; i < perGroup && g * perGroup + i < packages; i++) {
			const name = `pkg-${g}-${i}`;
			names.push(name);
			writeFileSync(
				path.join(dir, "registry/packages", `${name}.yaml`),
				`name: "${name}"\nversion: "1.${i}.0"\ndescription: "component ${i} of group ${g}"\nsources:\n  prod:\n    type: "git"\n    url: "https://example.com/acme/${name}.git"\n    tag: "v1.${i}.0"\n  dev:\n    type: "local"\n    path: "../../packages/${name}"\n    editable: true\n`,
			);
		}
		writeFileSync(
			path.join(dir, "registry/groups", `group-${String(g).padStart(4, "0")}.yaml`),
			`name: "group-${String(g).padStart(4, "0")}"\nstrategy: "M-of-N"\ndescription: "group ${g}"\noptions:\n${names.map((n) => `  - name: "${n}"`).join("\n")}\n`,
		);
	}
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "bench"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm.groups]\ngroup-0001 = ["pkg-1-0", "pkg-1-1"]\n`,
	);
}

/** A uv_build package (builds offline). */
export function writePackage(dir, name) {
	const module = name.replace(/-/g, "_");
	mkdirSync(path.join(dir, "src", module), { recursive: true });
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[build-system]\nrequires = ["uv_build>=0.7,<10000"]\nbuild-backend = "uv_build"\n`,
	);
	writeFileSync(path.join(dir, "src", module, "__init__.py"), "");
}

/** A folder with a `uv` that counts its invocations in `log`, then runs the real uv. */
export function uvSpy() {
	const dir = tempDir("hpm-bench-spy-");
	const log = path.join(dir, "calls.log");
	writeFileSync(path.join(dir, "uv"), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${UV}' "$@"\n`);
	chmodSync(path.join(dir, "uv"), 0o755);
	return {
		path: `${dir}:${process.env.PATH}`,
		bin: path.join(dir, "uv"),
		calls: () => {
			try {
				return readFileSync(log, "utf8").trim().split("\n").filter(Boolean);
			} catch {
				return [];
			}
		},
		reset: () => rmSync(log, { force: true }),
	};
}

/**
 * A project with ten tiny local packages `comp-0`..`comp-9`, offered by one M-of-N group
 * (B3, B4): `project(selected)` is a fresh copy choosing `selected`.
 */
export function componentsProject() {
	const template = tempDir("hpm-bench-proj-");
	const names = Array.from({ length: 10 }, (_, i) => `comp-${i}`);
	for (const name of names) writePackage(path.join(template, "packages", name), name);
	mkdirSync(path.join(template, "registry/packages"), { recursive: true });
	mkdirSync(path.join(template, "registry/groups"), { recursive: true });
	for (const name of names)
		writeFileSync(
			path.join(template, "registry/packages", `${name}.yaml`),
			`name: "${name}"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../packages/${name}"\n`,
		);
	writeFileSync(
		path.join(template, "registry/groups/components.yaml"),
		`name: "components"\nstrategy: "M-of-N"\noptions:\n${names.map((n) => `  - name: "${n}"`).join("\n")}\n`,
	);
	const project = (selected) => {
		const dir = tempDir("hpm-bench-run-");
		cpSync(template, dir, { recursive: true });
		writeFileSync(
			path.join(dir, "pyproject.toml"),
			`[project]\nname = "bench"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm.groups]\ncomponents = [${selected.map((n) => `"${n}"`).join(", ")}]\n`,
		);
		return dir;
	};
	return { names, project };
}

/**
 * A private tmux server (B5): `firstFrame` starts a program in a new 100x30 session and returns
 * the time until `marker` is on its screen; `once` does that and closes the session.
 */
export function tmuxServer() {
	const socket = `hpm-bench-${process.pid}`;
	// the server's socket in a folder of ours: tmux leaves the file behind when its server exits
	const folder = tempDir("hpm-bench-tmux-");
	const env = { ...process.env, TMUX_TMPDIR: folder };
	const tmux = (...args) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8", env });
	let sessions = 0;
	// a session that outlives the measured ones, so the server does not exit between them
	tmux("new-session", "-d", "-s", "keep", "sleep", "100000");
	const firstFrame = (cwd, env, argv, marker) => {
		const name = `b${sessions++}`;
		const start = process.hrtime.bigint();
		tmux("new-session", "-d", "-s", name, "-c", cwd, "-x", "100", "-y", "30", "env", "-u", "CI", ...env, ...argv);
		const deadline = Date.now() + 30_000;
		while (!tmux("capture-pane", "-p", "-t", name).includes(marker)) {
			if (Date.now() > deadline) throw new Error(`${argv.join(" ")} never drew ${marker}`);
		}
		return { name, ms: Number(process.hrtime.bigint() - start) / 1e6 };
	};
	const once = (cwd, env, argv, marker) => {
		const run = firstFrame(cwd, env, argv, marker);
		tmux("kill-session", "-t", run.name);
		return run.ms;
	};
	const close = () => {
		try {
			tmux("kill-server");
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	};
	return { tmux, firstFrame, once, close };
}

export const hasTmux = () => spawnSync("sh", ["-c", "command -v tmux"]).status === 0;

export { cpSync, rmSync, writeFileSync, readFileSync, mkdirSync };
