import { spawn } from "node:child_process";
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, copyExample, hpm, type RunResult, tempDir } from "../helpers/run.js";
import { teamRegistry } from "../helpers/team-registry.js";
import { uvEnv, writePackage } from "../helpers/uv.js";

/**
 * The write window: hpm compares a file with what it read, then renames its new file over it. A
 * person's edit saved between the last check and the rename must end up in the file or in a copy
 * the message names (exit non-zero). HPM_TEST_PAUSE holds every checked write exactly there
 * while the test saves its edit.
 */
type Paused = RunResult & { readonly pauses: readonly string[] };

function runPaused(
	args: readonly string[],
	cwd: string,
	onPause: (target: string, index: number) => void,
	env: NodeJS.ProcessEnv = {},
): Promise<Paused> {
	const flagDir = tempDir("hpm-pause-");
	const flag = path.join(flagDir, "paused");
	const pauses: string[] = [];
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [BIN, ...args], {
			cwd,
			env: { ...process.env, ...uvEnv(env), NO_COLOR: "1", HPM_TEST_PAUSE: flag },
		});
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
		child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
		const poll = setInterval(() => {
			if (!existsSync(flag)) return;
			const target = readFileSync(flag, "utf8");
			onPause(target, pauses.length);
			pauses.push(target);
			unlinkSync(flag);
		}, 5);
		child.on("close", (code) => {
			clearInterval(poll);
			rmSync(flagDir, { recursive: true, force: true });
			resolve({ code, stdout, stderr, pauses });
		});
	});
}

/** The edit is in `file`, or in a copy beside it that the message names; the exit says which. */
function expectKept(run: Paused, file: string, edit: string): void {
	expect(run.stderr).not.toMatch(/\n\s+at /);
	if (readFileSync(file, "utf8").includes(edit)) return;
	expect(run.code, run.stderr).not.toBe(0);
	const copies = readdirSync(path.dirname(file))
		.filter((name) => name.startsWith(`${path.basename(file)}.hpm-`))
		.map((name) => path.join(path.dirname(file), name))
		.filter((copy) => readFileSync(copy, "utf8").includes(edit));
	expect(copies.length, `${edit} is nowhere; stderr: ${run.stderr}`).toBeGreaterThan(0);
	expect(
		copies.some((copy) => run.stderr.includes(path.basename(copy))),
		run.stderr,
	).toBe(true);
}

/** Saves `edit` into whichever paused write targets `name` (the first such pause only). */
const editAt = (name: string, edit: string) => {
	let done = false;
	return (target: string) => {
		if (done || path.basename(target) !== name) return;
		done = true;
		appendFileSync(target, `${edit}\n`);
	};
};

const pyproject = (dir: string) => path.join(dir, "pyproject.toml");

describe("no edit is lost to a write: an edit saved between hpm's last check and its rename", () => {
	it("group add, group remove and mode: hpm's change is in the file, the edit in the copy it names (exit 1)", async () => {
		const dir = copyExample();
		const commands = [
			["group", "add", "inference", "-o", "vlm-adapter-deepseek"],
			["group", "remove", "metrics"],
			["mode", "dev"],
		];
		for (const [index, args] of commands.entries()) {
			const edit = `# MY EDIT ${index}`;
			const run = await runPaused(args, dir, editAt("pyproject.toml", edit));
			expect(run.pauses, run.stderr).toContain(pyproject(dir));
			expect(run.code, run.stderr).toBe(1);
			expect(run.stderr).toContain("changed while hpm was writing it");
			expectKept(run, pyproject(dir), edit);
			for (const copy of readdirSync(dir).filter((name) => name.includes(".hpm-edit"))) rmSync(path.join(dir, copy));
		}
		// each change is in place (and in the history), the edits in their copies
		const text = readFileSync(pyproject(dir), "utf8");
		expect(text).toContain('inference = "vlm-adapter-deepseek"');
		expect(text).not.toContain("metrics =");
		expect(text).toContain('mode = "dev"');
	}, 60_000);

	it("an edit saved while nothing is paused is simply in the file (no copy, exit 0)", async () => {
		const dir = copyExample();
		const run = await runPaused(["group", "add", "inference", "-o", "vlm-adapter-deepseek"], dir, () => undefined);
		expect(run.code, run.stderr).toBe(0);
		expect(readdirSync(dir).filter((name) => name.includes(".hpm-"))).toEqual([]);
	});

	it("init's write of [tool.hpm]: the edit is kept", async () => {
		const dir = tempDir("hpm-init-");
		writeFileSync(pyproject(dir), '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = []\n');
		const run = await runPaused(["init", "--registry", "registry"], dir, editAt("pyproject.toml", "# MY EDIT"));
		expect(run.pauses).toContain(pyproject(dir));
		expectKept(run, pyproject(dir), "# MY EDIT");
		expect(run.code).toBe(1);
	});

	it("sync's last write ([tool.hpm] managed): the edit is in the file or a copy it names", async () => {
		const dir = copyExample();
		const run = await runPaused(["sync"], dir, editAt("pyproject.toml", "# MY EDIT"));
		expect(run.pauses).toContain(pyproject(dir));
		expectKept(run, pyproject(dir), "# MY EDIT");
		expect(run.code).toBe(1);
	}, 120_000);

	it("rollback's writes of pyproject.toml and uv.lock: both edits are kept", async () => {
		const dir = copyExample();
		const env = uvEnv();
		expect(hpm(["sync"], { cwd: dir, env }).code).toBe(0);
		expect(hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir, env }).code).toBe(0);
		expect(hpm(["sync"], { cwd: dir, env }).code).toBe(0);
		const lock = path.join(dir, "uv.lock");
		const onPy = editAt("pyproject.toml", "# MY EDIT");
		const onLock = editAt("uv.lock", "# MY LOCK EDIT");
		const run = await runPaused(["rollback"], dir, (target) => {
			onPy(target);
			onLock(target);
		});
		expect(run.pauses).toEqual(expect.arrayContaining([pyproject(dir), lock]));
		expectKept(run, pyproject(dir), "# MY EDIT");
		expectKept(run, lock, "# MY LOCK EDIT");
		expect(run.code).toBe(1);
	}, 120_000);

	it("registry update's write of the pin: the edit is kept", async () => {
		const team = teamRegistry({ "groups/metrics.yaml": "name: metrics\nstrategy: M-of-N\noptions: []\n" });
		const dir = tempDir("hpm-update-");
		writeFileSync(
			pyproject(dir),
			`[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nregistry = "git+file://${team.bare}@main"\n`,
		);
		expect(hpm(["list"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		// a first pin, then the team moves on
		expect((await runPaused(["registry", "update"], dir, () => undefined)).code).toBe(0);
		team.commit({ "groups/extra.yaml": "name: extra\nstrategy: M-of-N\noptions: []\n" });
		const run = await runPaused(["registry", "update"], dir, editAt("pyproject.toml", "# MY EDIT"));
		expect(run.pauses).toContain(pyproject(dir));
		expectKept(run, pyproject(dir), "# MY EDIT");
		expect(run.code).toBe(1);
	}, 60_000);

	it("registry add (the group file) and registry group add (a new file): the edit stays", async () => {
		const dir = copyExample();
		writePackage(path.join(dir, "packages", "metric_new"), "metric-new", "0.1.0");
		const group = path.join(dir, "registry", "groups", "metrics.yaml");
		const added = await runPaused(
			["registry", "add", "--path", "packages/metric_new", "--group", "metrics"],
			dir,
			editAt("metrics.yaml", "# MY EDIT"),
		);
		expect(added.pauses).toContain(group);
		expectKept(added, group, "# MY EDIT");
		expect(added.code).toBe(1);
		// a new group file: someone creates one of that name in the moment before hpm puts its own
		const created = path.join(dir, "registry", "groups", "extra.yaml");
		const made = await runPaused(["registry", "group", "add", "extra", "--strategy", "1-of-N"], dir, (target) => {
			if (target === created) writeFileSync(created, "# MY FILE\n");
		});
		expect(made.pauses).toContain(created);
		expect(made.code).not.toBe(0);
		expect(readFileSync(created, "utf8")).toBe("# MY FILE\n");
	}, 60_000);
});
