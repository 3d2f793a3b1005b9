import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWheel, serveFolder, simpleIndex } from "../helpers/index.js";
import { hpm, read, snapshot, startHpm, tempDir } from "../helpers/run.js";
import { installed, REAL_UV, uvEnv, writePackage } from "../helpers/uv.js";

type Pyproject = {
	project: { dependencies: string[] };
	tool: {
		hpm: { managed?: string[] };
		uv?: { sources?: Record<string, unknown>; index?: Record<string, unknown>[] };
	};
};
const pyproject = (dir: string) => parse(read(path.join(dir, "pyproject.toml"))) as unknown as Pyproject;
const lockedVersion = (dir: string, name: string) =>
	(parse(read(path.join(dir, "uv.lock"))) as { package: { name: string; version: string }[] }).package.find(
		(p) => p.name === name,
	)?.version;

const PYPROJECT = `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n`;

let wheels: string;
let index: string;
let devSource: string;
let betaSource: string;

beforeAll(() => {
	// Given alpha-pkg 0.1.0, 0.1.5 and 0.2.0 built as wheels by the real uv, in a simple index folder
	wheels = tempDir("hpm-wheels-");
	devSource = buildWheel("alpha-pkg", "0.1.0", wheels);
	buildWheel("alpha-pkg", "0.1.5", wheels);
	buildWheel("alpha-pkg", "0.2.0", wheels);
	index = simpleIndex(wheels);
	betaSource = path.join(tempDir("hpm-beta-"), "beta-pkg");
	writePackage(betaSource, "beta-pkg", "0.1.0");
});

/** A project choosing alpha-pkg, whose prod source is `requirement` on the index at `url`. */
function project(url: string, requirement = "alpha-pkg>=0.1,<0.2", explicit = false): string {
	const dir = tempDir("hpm-index-project-");
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`${PYPROJECT}\n[tool.hpm]\nmode = "prod"\n\n[tool.hpm.groups]\nmodels = "alpha-pkg"\n`,
	);
	for (const folder of ["indexes", "groups", "packages"])
		mkdirSync(path.join(dir, "registry", folder), { recursive: true });
	writeFileSync(
		path.join(dir, "registry/indexes/internal.yaml"),
		`name: "internal"\nurl: "${url}"\n${explicit ? "explicit: true\n" : ""}`,
	);
	writeFileSync(
		path.join(dir, "registry/groups/models.yaml"),
		'name: "models"\nstrategy: "1-of-N"\noptions:\n  - name: "alpha-pkg"\n  - name: "beta-pkg"\n',
	);
	writeManifest(dir, requirement);
	writeFileSync(
		path.join(dir, "registry/packages/beta-pkg.yaml"),
		`name: "beta-pkg"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "${betaSource}"\n`,
	);
	return dir;
}

function writeManifest(dir: string, requirement: string): void {
	writeFileSync(
		path.join(dir, "registry/packages/alpha-pkg.yaml"),
		`name: "alpha-pkg"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "index"\n    requirement: "${requirement}"\n    index: "internal"\n  dev:\n    type: "local"\n    path: "${devSource}"\n`,
	);
}

/** What `uv add --index internal=URL REQUIREMENT` records in a fresh copy of the same project. */
function recordedByUv(url: string, requirement: string, env: NodeJS.ProcessEnv = uvEnv()): Pyproject {
	const dir = tempDir("hpm-index-reference-");
	writeFileSync(path.join(dir, "pyproject.toml"), PYPROJECT);
	execFileSync(REAL_UV, ["add", "-q", "--index", `internal=${url}`, requirement], {
		cwd: dir,
		env: { ...process.env, ...env },
		stdio: "ignore",
	});
	return pyproject(dir);
}

describe("index sources (real uv, a local index)", () => {
	it("sync records exactly what uv add --index records; a second sync and a check change nothing", () => {
		// Given a project choosing a package published to an index served over file://
		const url = pathToFileURL(index).href;
		const dir = project(url);

		// When it syncs
		const first = hpm(["sync"], { cwd: dir, env: uvEnv() });

		// Then pyproject.toml says what `uv add --index` says, and 0.1.5 is installed
		expect(first.stderr).toContain(`--index internal=${url}`);
		expect(first.code).toBe(0);
		const data = pyproject(dir);
		const reference = recordedByUv(url, "alpha-pkg>=0.1,<0.2");
		expect(data.project.dependencies).toEqual(reference.project.dependencies);
		expect(data.tool.uv?.sources).toEqual(reference.tool.uv?.sources);
		expect(data.tool.uv?.index).toEqual(reference.tool.uv?.index);
		expect(data.tool.uv?.index).toEqual([{ name: "internal", url: index }]);
		expect(data.tool.hpm.managed).toEqual(["alpha-pkg"]);
		expect(lockedVersion(dir, "alpha-pkg")).toBe("0.1.5");
		expect(installed(dir)).toEqual(["alpha-pkg"]);

		// When it syncs again, and checks
		const before = snapshot(dir);
		const second = hpm(["sync"], { cwd: dir, env: uvEnv() });
		const check = hpm(["check"], { cwd: dir, env: uvEnv() });

		// Then nothing to do, the check resolves, and no file changed
		expect(second.stdout).toContain("nothing to do: the project already matches the selection");
		expect(check.code).toBe(0);
		expect(check.stdout).toContain("ok: the selection resolves");
		expect(snapshot(dir)).toEqual(before);
	});

	it("export: an index package's line carries uv's hashes, and the file installs into a fresh venv", () => {
		// Given the index's page giving each wheel's sha256, as PyPI's does (uv exports the hashes an index gives)
		const hashed = tempDir("hpm-hashed-index-");
		cpSync(index, hashed, { recursive: true });
		const page = path.join(hashed, "alpha-pkg/index.html");
		writeFileSync(
			page,
			read(page).replace(/href="([^"]+)"/g, (_, file: string) => {
				const sha = createHash("sha256")
					.update(readFileSync(path.join(hashed, "alpha-pkg", file)))
					.digest("hex");
				return `href="${file}#sha256=${sha}"`;
			}),
		);
		const dir = project(pathToFileURL(hashed).href);
		const before = snapshot(dir);
		const exported = hpm(["export", "-o", "requirements.txt"], { cwd: dir, env: uvEnv() });
		expect(exported.code, exported.stderr).toBe(0);
		const text = read(path.join(dir, "requirements.txt"));
		expect(text).toMatch(/^alpha-pkg==0\.1\.5 \\\n {4}--hash=sha256:[0-9a-f]{64}$/m);
		expect(snapshot(dir).size).toBe(before.size + 1);
		const venv = path.join(tempDir("hpm-export-venv-"), "venv");
		const env = { ...process.env, ...uvEnv() };
		execFileSync(REAL_UV, ["venv", "-q", venv], { cwd: dir, env });
		execFileSync(
			REAL_UV,
			[
				"pip",
				"sync",
				"-q",
				"--python",
				path.join(venv, "bin/python"),
				"--index-url",
				pathToFileURL(index).href,
				"requirements.txt",
			],
			{ cwd: dir, env },
		);
		expect(
			execFileSync(path.join(venv, "bin/python"), ["-c", "import alpha_pkg; print(alpha_pkg.__version__)"], {
				encoding: "utf8",
			}),
		).toBe("0.1.5\n");
	});

	it("check resolves a fresh project against the index without touching it; a specifier no wheel satisfies fails naming the package", () => {
		// Given a project that has not synced yet
		// Given the index's page giving each wheel's sha256, as PyPI's does (uv exports the hashes an index gives)
		const hashed = tempDir("hpm-hashed-index-");
		cpSync(index, hashed, { recursive: true });
		const page = path.join(hashed, "alpha-pkg/index.html");
		writeFileSync(
			page,
			read(page).replace(/href="([^"]+)"/g, (_, file: string) => {
				const sha = createHash("sha256")
					.update(readFileSync(path.join(hashed, "alpha-pkg", file)))
					.digest("hex");
				return `href="${file}#sha256=${sha}"`;
			}),
		);
		const dir = project(pathToFileURL(hashed).href);
		const before = snapshot(dir);

		// When it checks, Then it resolves and nothing changed
		const ok = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(ok.code).toBe(0);
		expect(ok.stdout).toContain("  + alpha-pkg  index internal alpha-pkg>=0.1,<0.2  (models)");
		expect(snapshot(dir)).toEqual(before);

		// Given a requirement no published version satisfies
		writeManifest(dir, "alpha-pkg>=0.3");
		const unchanged = snapshot(dir);

		// When it checks, Then it fails with a message naming the option, and nothing changed
		const bad = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(bad.code).toBe(1);
		expect(bad.stdout + bad.stderr).toMatch(/models=alpha-pkg/);
		expect(bad.stdout + bad.stderr).toContain("alpha-pkg>=0.3");
		expect(bad.stdout + bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
		expect(snapshot(dir)).toEqual(unchanged);
	});

	it("a changed specifier is a switch; mode prod → dev → prod switches index ↔ local; deselecting removes it", () => {
		const dir = project(pathToFileURL(index).href);
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);

		// When the manifest's requirement changes, Then sync switches it and uv locks the new version
		writeManifest(dir, "alpha-pkg>=0.2");
		const switched = hpm(["sync"], { cwd: dir, env: uvEnv() });
		expect(switched.code).toBe(0);
		expect(switched.stdout).toContain("~ alpha-pkg");
		expect(pyproject(dir).project.dependencies).toEqual(["alpha-pkg>=0.2"]);
		expect(lockedVersion(dir, "alpha-pkg")).toBe("0.2.0");
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).stdout).toContain("nothing to do");

		// When the mode becomes dev, Then the local folder is the source (uv keeps the specifier)
		const dev = hpm(["sync", "--mode", "dev"], { cwd: dir, env: uvEnv() });
		expect(dev.code).toBe(0);
		expect(pyproject(dir).tool.uv?.sources?.["alpha-pkg"]).toEqual({ path: path.relative(dir, devSource) });
		expect(lockedVersion(dir, "alpha-pkg")).toBe("0.1.0");
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).stdout).toContain("nothing to do");

		// When it goes back to prod, Then the index is the source again
		const prod = hpm(["sync", "--mode", "prod"], { cwd: dir, env: uvEnv() });
		expect(prod.code).toBe(0);
		expect(pyproject(dir).tool.uv?.sources?.["alpha-pkg"]).toEqual({ index: "internal" });
		expect(lockedVersion(dir, "alpha-pkg")).toBe("0.2.0");
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).stdout).toContain("nothing to do");

		// When another option is chosen, Then alpha-pkg and its source entry go; the index table
		// stays, as `uv remove` leaves it
		expect(hpm(["group", "remove", "models"], { cwd: dir }).code).toBe(0);
		expect(hpm(["group", "add", "models", "--option", "beta-pkg"], { cwd: dir }).code).toBe(0);
		const removed = hpm(["sync"], { cwd: dir, env: uvEnv() });
		expect(removed.code).toBe(0);
		const data = pyproject(dir);
		expect(data.project.dependencies).toEqual(["beta-pkg"]);
		expect(data.tool.uv?.sources?.["alpha-pkg"]).toBeUndefined();
		expect(data.tool.uv?.index).toEqual([{ name: "internal", url: index }]);
		expect(installed(dir)).toEqual(["beta-pkg"]);
	});

	it("a requirement that drops its specifier or extras is synced as written (uv add alone would keep the old ones)", () => {
		const dir = project(pathToFileURL(index).href, "alpha-pkg>=0.1,<0.2");
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		expect(lockedVersion(dir, "alpha-pkg")).toBe("0.1.5");

		// When the manifest's requirement loses its specifier, Then the project's does too and uv
		// locks the newest version
		writeManifest(dir, "alpha-pkg");
		const bare = hpm(["sync"], { cwd: dir, env: uvEnv() });
		expect(bare.code, bare.stdout + bare.stderr).toBe(0);
		// (uv records a lower bound for a requirement without one)
		expect(pyproject(dir).project.dependencies).toEqual(["alpha-pkg>=0.2.0"]);
		expect(pyproject(dir).tool.uv?.sources?.["alpha-pkg"]).toEqual({ index: "internal" });
		expect(lockedVersion(dir, "alpha-pkg")).toBe("0.2.0");
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).stdout).toContain("nothing to do");

		// and back to a specifier: a plain switch
		writeManifest(dir, "alpha-pkg<0.2");
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		expect(pyproject(dir).project.dependencies).toEqual(["alpha-pkg<0.2"]);
		expect(lockedVersion(dir, "alpha-pkg")).toBe("0.1.5");
		expect(hpm(["sync"], { cwd: dir, env: uvEnv() }).stdout).toContain("nothing to do");
	});

	it("a slow index: uv writes the bare requirement, resolves, then writes its bound; the sync is its own, not someone else's edit", async () => {
		// Given a bare requirement (uv adds a lower bound after resolving: pyproject.toml and uv.lock
		// are each written twice in one `uv add`) on an index that answers slowly, so the two
		// writes are far enough apart to be seen as two states
		const slow = await serveFolder(path.dirname(index), { delayMs: 300 });
		try {
			const dir = project(`${slow.url}/simple`, "alpha-pkg");
			const online = uvEnv({ UV_OFFLINE: undefined, UV_CACHE_DIR: tempDir("hpm-cold-cache-") });

			// When it syncs
			const sync = hpm(["sync"], { cwd: dir, env: online });

			// Then the sync succeeds with uv's bound recorded, and the history has it
			expect(sync.stderr).not.toContain("changed while hpm sync was running");
			expect(sync.code).toBe(0);
			expect(pyproject(dir).project.dependencies).toEqual(["alpha-pkg>=0.2.0"]);
			expect(hpm(["history"], { cwd: dir }).stdout).toMatch(/sync/);
		} finally {
			slow.close();
		}
	});

	it("an edit of pyproject.toml while `uv add` resolves on a slow index is never lost: kept in a copy, the sync stops", async () => {
		// Given a bare requirement on an index that answers slowly: uv writes the requirement, then
		// resolves for seconds, then writes the file again from what it read when it started
		const slow = await serveFolder(path.dirname(index), { delayMs: 1500 });
		try {
			const dir = project(`${slow.url}/simple`, "alpha-pkg");
			const file = path.join(dir, "pyproject.toml");
			const online = uvEnv({ UV_OFFLINE: undefined, UV_CACHE_DIR: tempDir("hpm-cold-cache-") });
			const running = startHpm(["sync"], dir, online);
			// When, after uv's first write, a person changes the project's version
			const written = () => /dependencies = \[\s*"alpha-pkg"/.test(read(file));
			for (let i = 0; i < 800 && !written(); i++) await sleep(10);
			expect(written()).toBe(true);
			writeFileSync(file, read(file).replace('version = "0.1.0"', 'version = "0.2.0"'));
			const sync = await running;

			// Then the edit is in the file or in a copy the error names; a sync that says it worked
			// left it in the file
			if (sync.code === 0) expect(read(file)).toContain('version = "0.2.0"');
			else expect(sync.code).toBe(1);
			const copies = readdirSync(dir).filter((name) => name.startsWith("pyproject.toml.hpm-edit"));
			const holders = [read(file), ...copies.map((name) => read(path.join(dir, name)))];
			expect(holders.some((text) => text.includes('version = "0.2.0"'))).toBe(true);
			for (const copy of copies) expect(sync.stderr).toContain(copy);
		} finally {
			slow.close();
		}
	});

	describe("over http from 127.0.0.1", () => {
		let server: { url: string; close: () => void };
		beforeAll(async () => {
			server = await serveFolder(path.dirname(index));
		});
		afterAll(() => server.close());

		it("an explicit index: uv add --index records it, hpm adds explicit = true; a second sync is a no-op", () => {
			// Given an index declared explicit, served by a local http server (uv may reach it)
			const url = `${server.url}/simple`;
			const dir = project(url, "alpha-pkg>=0.1,<0.2", true);
			const online = uvEnv({ UV_OFFLINE: undefined });

			// When it syncs
			const first = hpm(["sync"], { cwd: dir, env: online });

			// Then the requirement and the source are uv's own, and the table is explicit
			expect(first.code).toBe(0);
			const data = pyproject(dir);
			const reference = recordedByUv(url, "alpha-pkg>=0.1,<0.2", online);
			expect(data.project.dependencies).toEqual(reference.project.dependencies);
			expect(data.tool.uv?.sources).toEqual(reference.tool.uv?.sources);
			expect(data.tool.uv?.index).toEqual([{ name: "internal", url, explicit: true }]);
			expect(lockedVersion(dir, "alpha-pkg")).toBe("0.1.5");

			// When it syncs again, Then nothing to do
			const before = snapshot(dir);
			expect(hpm(["sync"], { cwd: dir, env: online }).stdout).toContain("nothing to do");
			expect(hpm(["check"], { cwd: dir, env: online }).code).toBe(0);
			expect(snapshot(dir)).toEqual(before);
		});
	});
});
