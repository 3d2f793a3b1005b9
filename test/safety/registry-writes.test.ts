import {
	existsSync,
	linkSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { undoChange, choose } from "../../source/core/operations/choose.js";
import { writeFilesChecked } from "../../source/core/os/checked-write.js";
import { HpmError } from "../../source/core/base/errors.js";
import { copyExample, hpm, startHpm, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

const start = (args: string[], cwd: string) => startHpm(args, cwd, uvEnv());

/** A registry folder outside any project, and `count` component folders beside it. */
function sharedRegistry(count: number): { dir: string; registry: string } {
	const dir = tempDir();
	const registry = path.join(dir, "shared-registry");
	mkdirSync(path.join(registry, "groups"), { recursive: true });
	mkdirSync(path.join(registry, "packages"));
	for (let i = 1; i <= count; i++) {
		mkdirSync(path.join(dir, `c${i}`));
		writeFileSync(path.join(dir, `c${i}`, "pyproject.toml"), `[project]\nname = "comp-${i}"\nversion = "0.1.0"\n`);
	}
	return { dir, registry };
}

const changed = (file: string) => new HpmError("registry-changed", `${file} changed`);

describe("registry writes: never over a concurrent edit", () => {
	it("a file edited after it was read is not replaced, and neither is any other file of the same write", () => {
		const dir = tempDir();
		const manifest = path.join(dir, "a.yaml");
		const group = path.join(dir, "g.yaml");
		writeFileSync(manifest, "old manifest\n");
		writeFileSync(group, "someone's edit\n");
		expect(() =>
			writeFilesChecked(
				[
					{ file: manifest, expected: "old manifest\n", text: "new manifest\n" },
					{ file: group, expected: "what hpm read\n", text: "hpm's group\n" },
				],
				changed,
			),
		).toThrow(/g\.yaml changed/);
		expect(readFileSync(manifest, "utf8")).toBe("old manifest\n");
		expect(readFileSync(group, "utf8")).toBe("someone's edit\n");
		expect(readdirSync(dir).sort()).toEqual(["a.yaml", "g.yaml"]); // no staged file left
	});

	it("a new file is created only where nothing appeared meanwhile", () => {
		const dir = tempDir();
		const file = path.join(dir, "new.yaml");
		writeFilesChecked([{ file, expected: undefined, text: "first\n" }], changed);
		expect(readFileSync(file, "utf8")).toBe("first\n");
		expect(statSync(file).nlink).toBe(1);
		expect(() => writeFilesChecked([{ file, expected: undefined, text: "second\n" }], changed)).toThrow(/changed/);
		expect(readFileSync(file, "utf8")).toBe("first\n");
		expect(readdirSync(dir)).toEqual(["new.yaml"]);
	});

	it("six registry adds at once into one group of a registry outside any project: every option kept", async () => {
		const { dir, registry } = sharedRegistry(6);
		expect(hpm(["registry", "group", "add", "g", "--strategy", "M-of-N", "-r", registry], { cwd: dir }).code).toBe(0);
		const runs = await Promise.all(
			[1, 2, 3, 4, 5, 6].map((i) => start(["registry", "add", "--path", `c${i}`, "--group", "g", "-r", registry], dir)),
		);
		for (const run of runs) {
			expect(run.code, run.stderr).toBe(0);
			expect(run.stderr).not.toMatch(/\n\s+at /);
		}
		const group = readFileSync(path.join(registry, "groups", "g.yaml"), "utf8");
		for (let i = 1; i <= 6; i++) expect(group).toContain(`"comp-${i}"`);
		expect(readdirSync(path.join(registry, "packages")).sort()).toEqual(
			[1, 2, 3, 4, 5, 6].map((i) => `comp-${i}.yaml`),
		);
		expect(existsSync(path.join(registry, ".hpm-registry.lock"))).toBe(false);
		expect(hpm(["registry", "lint", "-r", registry], { cwd: dir }).code).toBe(0);
	}, 120_000);

	it("two projects sharing a registry create the same group at once: one creates it, the other is told", async () => {
		const { dir, registry } = sharedRegistry(0);
		const runs = await Promise.all(
			["M-of-N", "1-of-N"].map((strategy) =>
				start(["registry", "group", "add", "shared", "--strategy", strategy, "-r", registry], dir),
			),
		);
		expect(runs.map((run) => run.code).sort()).toEqual([0, 2]);
		const refused = runs.find((run) => run.code === 2);
		expect(refused?.stderr).toMatch(/group "shared" already exists/);
		expect(refused?.stderr).not.toMatch(/\n\s+at /);
	}, 60_000);

	it("a killed writer's staged files are cleared by the next registry write", () => {
		const { dir, registry } = sharedRegistry(1);
		const leftover = path.join(registry, "packages", ".comp-1.yaml.hpm-999999-0123abcd.tmp");
		writeFileSync(leftover, "half\n");
		expect(hpm(["registry", "add", "--path", "c1", "-r", registry], { cwd: dir }).code).toBe(0);
		expect(existsSync(leftover)).toBe(false);
		expect(readdirSync(path.join(registry, "packages"))).toEqual(["comp-1.yaml"]);
	});

	it("a dangling packages/ link is refused with its name, nothing created where it points", () => {
		const { dir, registry } = sharedRegistry(1);
		rmSync(path.join(registry, "packages"), { recursive: true });
		const elsewhere = path.join(dir, "elsewhere");
		symlinkSync(elsewhere, path.join(registry, "packages"));
		const run = hpm(["registry", "add", "--path", "c1", "-r", registry], { cwd: dir });
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/packages is a symbolic link to a folder that does not exist/);
		expect(run.stderr).not.toMatch(/\n\s+at |unexpected/);
		expect(existsSync(elsewhere)).toBe(false);
	});
});

describe("hpm init and links", () => {
	it("a dangling pyproject.toml link: refused, nothing written where it points", () => {
		const dir = tempDir();
		const project = path.join(dir, "project");
		mkdirSync(project);
		const target = path.join(dir, "outside.toml");
		symlinkSync(target, path.join(project, "pyproject.toml"));
		const run = hpm(["init"], { cwd: project, env: uvEnv() });
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/pyproject\.toml is a symbolic link to a file that does not exist/);
		expect(existsSync(target)).toBe(false);
	});

	it("--registry naming a dangling link: refused before pyproject.toml is touched", () => {
		const dir = copyExample();
		const before = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
		symlinkSync(path.join(dir, "nowhere"), path.join(dir, "reg-link"));
		const run = hpm(["init", "--registry", "reg-link"], { cwd: dir });
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/reg-link is a symbolic link to a folder that does not exist; nothing was changed/);
		expect(run.stderr).not.toMatch(/\n\s+at |unexpected/);
		expect(readFileSync(path.join(dir, "pyproject.toml"), "utf8")).toBe(before);
		expect(existsSync(path.join(dir, "nowhere"))).toBe(false);
	});

	it("a hard-linked pyproject.toml: the hint says how to unlink it", () => {
		const dir = tempDir();
		writeFileSync(path.join(dir, "pyproject.toml"), '[project]\nname = "x"\nversion = "0.1.0"\n');
		linkSync(path.join(dir, "pyproject.toml"), path.join(dir, "other-name.toml"));
		const run = hpm(["init"], { cwd: dir });
		expect(run.code).toBe(2);
		expect(run.stderr).toMatch(/hard links/);
		expect(run.stderr).toMatch(/cp --remove-destination/);
	});

	it("two hpm init at once in an empty folder: one project, both succeed", async () => {
		const dir = tempDir();
		const project = path.join(dir, "twin");
		mkdirSync(project);
		const runs = await Promise.all([start(["init"], project), start(["init"], project)]);
		for (const run of runs) expect(run.code, run.stderr).toBe(0);
		expect(readFileSync(path.join(project, "pyproject.toml"), "utf8")).toMatch(/\[tool\.hpm\]\nmode = "prod"/);
	}, 60_000);
});

describe("undo writes only the file hpm wrote", () => {
	it("pyproject.toml replaced by a link to a file with the same bytes: undo refuses, the file is untouched", async () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		const result = await choose({}, dir, { kind: "replace", group: "inference", options: ["vlm-adapter-deepseek"] });
		expect(result.undo).toBeDefined();
		const after = readFileSync(file, "utf8");
		const other = path.join(dir, "someone-elses.toml");
		writeFileSync(other, after);
		rmSync(file);
		symlinkSync(other, file);
		if (!result.undo) return;
		await expect(undoChange({}, dir, result.undo)).rejects.toThrow(/changed since/);
		expect(readFileSync(other, "utf8")).toBe(after);
	});

	it("two changes undone in turn restore the original bytes", async () => {
		const dir = copyExample();
		const file = path.join(dir, "pyproject.toml");
		const original = readFileSync(file, "utf8");
		const first = await choose({}, dir, { kind: "replace", group: "inference", options: ["vlm-adapter-deepseek"] });
		const second = await choose({}, dir, { kind: "toggle", group: "metrics", option: "metric-rouge" });
		if (!first.undo || !second.undo) throw new Error("both changes wrote the file");
		const restored = await undoChange({}, dir, second.undo);
		await undoChange({}, dir, { ...first.undo, written: restored });
		expect(readFileSync(file, "utf8")).toBe(original);
	});
});
