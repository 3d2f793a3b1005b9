import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { beforeAll, describe, expect, it } from "vitest";
import { buildWheel, simpleIndex } from "../helpers/index.js";
import { hpm, read, tempDir } from "../helpers/run.js";
import { installed, uvEnv, writePackage } from "../helpers/uv.js";

type Pyproject = { tool: { hpm: { excluded?: string[] }; uv: { "exclude-dependencies"?: string[] } } };
const pyproject = (dir: string) => parse(read(path.join(dir, "pyproject.toml"))) as unknown as Pyproject;
const locked = (dir: string) =>
	(parse(read(path.join(dir, "uv.lock"))) as { package: { name: string }[] }).package.map((p) => p.name).sort();

// the person's own [tool.uv] lines: an override, and an exclusion in the list hpm also writes to
const OWN_UV = `[tool.uv]
override-dependencies = ["opencv-like-headless>=1.0"]  # mine: hpm never touches it
exclude-dependencies = [
    "not-wanted-anywhere", # mine too
]
`;
/** The person's own [tool.uv] lines as the file holds them (up to the next table). */
const ownUvLines = (dir: string) =>
	/\[tool\.uv\]\n[\s\S]*?\n(?=\n\[)/.exec(read(path.join(dir, "pyproject.toml")))?.[0];

let index: string;
let thirdParty: string;

beforeAll(() => {
	// Given opencv-like and its headless build as wheels in a local index, and a third-party
	// package (a local folder, not in the registry) that requires opencv-like
	const wheels = tempDir("hpm-wheels-");
	buildWheel("opencv-like", "1.0.0", wheels);
	buildWheel("opencv-like-headless", "1.0.0", wheels);
	index = simpleIndex(wheels);
	thirdParty = path.join(tempDir("hpm-third-party-"), "third-party");
	writePackage(thirdParty, "third-party", "0.1.0", ["opencv-like"]);
});

function manifest(name: string, replaces?: string): string {
	return `name: "${name}"\nversion: "1.0.0"\n${replaces ? `replaces: [${replaces}]\n` : ""}sources:\n  prod:\n    type: "index"\n    requirement: "${name}"\n    index: "internal"\n`;
}

/** A project that depends on the third-party package itself and chooses `choice` in group cv. */
function project(choice: string, replaces: string | undefined): string {
	const dir = tempDir("hpm-replaces-");
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["third-party"]\n\n${OWN_UV}\n[tool.uv.sources]\nthird-party = { path = "${thirdParty}" }\n\n[tool.hpm.groups]\ncv = "${choice}"\n`,
	);
	for (const folder of ["indexes", "groups", "packages"])
		mkdirSync(path.join(dir, "registry", folder), { recursive: true });
	writeFileSync(path.join(dir, "registry/indexes/internal.yaml"), `name: "internal"\nurl: "${index}"\n`);
	writeFileSync(
		path.join(dir, "registry/groups/cv.yaml"),
		'name: "cv"\nstrategy: "1-of-N"\noptions:\n  - name: "opencv-like"\n  - name: "opencv-like-headless"\n',
	);
	writeFileSync(path.join(dir, "registry/packages/opencv-like.yaml"), manifest("opencv-like"));
	writeFileSync(
		path.join(dir, "registry/packages/opencv-like-headless.yaml"),
		manifest("opencv-like-headless", replaces),
	);
	return dir;
}

// the project's own [[tool.uv.index]] serves the third party's requirement: uv reads it only with its config
const env = uvEnv({ UV_NO_CONFIG: undefined });
const run = (dir: string, ...args: string[]) => hpm(args, { cwd: dir, env });

describe("an option that replaces a distribution (replaces:)", () => {
	it("keeps the competitor out of the lock while it is chosen, lets it back when it is not, and never touches the person's own [tool.uv] lines", () => {
		// Given the headless option chosen, and a manifest that does not say what it replaces yet
		const dir = project("opencv-like-headless", undefined);
		const own = ownUvLines(dir);
		expect(own).toContain("# mine");
		expect(run(dir, "sync").code).toBe(0);
		// Then both distributions are locked and installed: the third party's requirement brings the other
		expect(locked(dir)).toEqual(["demo", "opencv-like", "opencv-like-headless", "third-party"]);

		// When the manifest says it replaces opencv-like, and the project syncs
		writeFileSync(
			path.join(dir, "registry/packages/opencv-like-headless.yaml"),
			manifest("opencv-like-headless", '"OpenCV_Like"'),
		);
		expect(run(dir, "check").code).toBe(0);
		const synced = run(dir, "sync");
		expect(synced.code, synced.stderr).toBe(0);
		// Then the lock and the environment hold the headless build alone, through hpm's own entry
		expect(locked(dir)).toEqual(["demo", "opencv-like-headless", "third-party"]);
		expect(installed(dir)).toEqual(["opencv-like-headless", "third-party"]);
		expect(pyproject(dir).tool.uv["exclude-dependencies"]).toEqual(["not-wanted-anywhere", "opencv-like"]);
		expect(pyproject(dir).tool.hpm.excluded).toEqual(["opencv-like"]);
		// the person's lines are where they were, byte for byte (hpm's entry follows theirs)
		expect(read(path.join(dir, "pyproject.toml"))).toContain(own?.replace(/\]\n$/, ""));
		expect(run(dir, "sync").stdout).toContain("nothing to do");
		// and `hpm why` says which option replaced it
		const why = run(dir, "why", "opencv-like");
		expect(why.code).toBe(0);
		expect(why.stdout).toContain("replaced by cv=opencv-like-headless");
		const json = JSON.parse(run(dir, "why", "opencv-like", "--json").stdout) as { replacedBy: string[] };
		expect(json.replacedBy).toEqual(["cv=opencv-like-headless"]);
		const shown = JSON.parse(run(dir, "show", "opencv-like-headless", "--json").stdout) as { replaces: string[] };
		expect(shown.replaces).toEqual(["opencv-like"]);

		// When the project switches back to opencv-like
		expect(run(dir, "group", "add", "cv", "--option", "opencv-like").code).toBe(0);
		const back = run(dir, "sync");
		expect(back.code, back.stderr).toBe(0);
		// Then it is locked and installed again, and [tool.uv] is the person's alone, byte for byte
		expect(locked(dir)).toEqual(["demo", "opencv-like", "third-party"]);
		expect(installed(dir)).toEqual(["opencv-like", "third-party"]);
		expect(ownUvLines(dir)).toBe(own);
		expect(pyproject(dir).tool.hpm.excluded).toBeUndefined();

		// When headless is chosen again and then the group is removed
		run(dir, "group", "add", "cv", "--option", "opencv-like-headless");
		const again = run(dir, "sync");
		expect(again.code, again.stderr).toBe(0);
		expect(locked(dir)).not.toContain("opencv-like");
		// hpm's own [tool.uv] write before `uv add` is not taken for someone else's edit
		expect(again.stderr).not.toMatch(/kept|someone else/);
		expect(readdirSync(dir).filter((name) => name.includes(".hpm-edit"))).toEqual([]);
		run(dir, "group", "remove", "cv");
		const removed = run(dir, "sync");
		expect(removed.code, removed.stderr).toBe(0);
		// Then the third party's requirement is served again, and the person's lines are untouched
		expect(locked(dir)).toEqual(["demo", "opencv-like", "third-party"]);
		expect(ownUvLines(dir)).toBe(own);
		expect(read(path.join(dir, "pyproject.toml"))).not.toMatch(/excluded/);
	});

	it("leaves an exclusion the person wrote before hpm theirs", () => {
		// Given a person who already excludes opencv-like themselves
		const dir = project("opencv-like-headless", '"opencv-like"');
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(file, read(file).replace('"not-wanted-anywhere", # mine too', '"opencv-like", # mine'));
		const own = ownUvLines(dir);
		// When hpm syncs a choice that replaces it
		expect(run(dir, "sync").code).toBe(0);
		// Then the entry stays theirs: hpm records nothing and writes nothing to that list
		expect(ownUvLines(dir)).toBe(own);
		expect(pyproject(dir).tool.hpm.excluded).toBeUndefined();
		expect(locked(dir)).toEqual(["demo", "opencv-like-headless", "third-party"]);
		// and switching away leaves it: it was never hpm's to remove
		run(dir, "group", "add", "cv", "--option", "opencv-like");
		run(dir, "sync");
		expect(ownUvLines(dir)).toBe(own);
	});
});

describe("replaces: in the registry", () => {
	it("registry lint names a bad name and an option that replaces itself, at their lines", () => {
		// Given a manifest that replaces a name that is not PEP 508 and its own distribution
		const dir = project("opencv-like-headless", '"opencv like", "OpenCV_Like_Headless", "opencv-like"');
		// When the registry is linted
		const lint = hpm(["registry", "lint", "--json"], { cwd: dir });
		// Then each is a problem at the file, line and column of the name
		expect(lint.code).toBe(1);
		const problems = (
			JSON.parse(lint.stdout) as { problems: { code: string; file: string; line: number; column: number }[] }
		).problems;
		expect(problems.map((p) => [p.code, path.basename(p.file), p.line, p.column])).toEqual([
			["invalid-name", "opencv-like-headless.yaml", 3, 12],
			["invalid-value", "opencv-like-headless.yaml", 3, 27],
		]);
	});

	it("check refuses a choice that includes what another choice replaces, in group=option terms", () => {
		// Given an M-of-N group offering both
		const dir = project("opencv-like-headless", '"opencv-like"');
		writeFileSync(
			path.join(dir, "registry/groups/cv.yaml"),
			'name: "cv"\nstrategy: "M-of-N"\noptions:\n  - name: "opencv-like"\n  - name: "opencv-like-headless"\n',
		);
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(
			file,
			read(file).replace('cv = "opencv-like-headless"', 'cv = ["opencv-like", "opencv-like-headless"]'),
		);
		// When both are chosen and checked
		const check = run(dir, "check", "--json");
		// Then the check fails naming both choices, before uv runs
		expect(check.code).toBe(1);
		const result = JSON.parse(check.stdout) as { problems: { code: string; choices?: string[] }[] };
		expect(result.problems).toContainEqual(
			expect.objectContaining({
				code: "constraint-conflicts",
				choices: ["cv=opencv-like-headless", "cv=opencv-like"],
			}),
		);
	});

	it("sync refuses a choice that replaces a dependency the project itself declares, and writes nothing", () => {
		// Given a project that depends on opencv-like itself
		const dir = project("opencv-like-headless", '"opencv-like"');
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(
			file,
			read(file).replace('dependencies = ["third-party"]', 'dependencies = ["third-party", "opencv-like"]'),
		);
		const before = read(file);
		// When the headless option is synced
		const sync = run(dir, "sync", "--json");
		// Then the sync is refused with the choice named, and pyproject.toml is as it was
		expect(sync.code).toBe(1);
		const result = JSON.parse(sync.stdout) as { error: { problems: { code: string; choices?: string[] }[] } };
		expect(result.error.problems).toContainEqual(
			expect.objectContaining({ code: "constraint-conflicts", choices: ["cv=opencv-like-headless"] }),
		);
		expect(read(file)).toBe(before);
	});
});

describe("replaces: never silently removes what the project or another choice installs", () => {
	const refused = (dir: string, choices: string[]) => {
		const file = path.join(dir, "pyproject.toml");
		const before = read(file);
		// When the project is checked and synced
		const check = run(dir, "check", "--json");
		const sync = run(dir, "sync", "--json");
		// Then both refuse with a conflict naming the choices, and pyproject.toml is as it was
		expect(check.code).toBe(1);
		expect((JSON.parse(check.stdout) as { problems: unknown[] }).problems).toContainEqual(
			expect.objectContaining({ code: "constraint-conflicts", choices }),
		);
		expect(sync.code).toBe(1);
		expect((JSON.parse(sync.stdout) as { error: { problems: unknown[] } }).error.problems).toContainEqual(
			expect.objectContaining({ code: "constraint-conflicts", choices }),
		);
		expect(read(file)).toBe(before);
	};

	it.each([
		["an extra", '[project.optional-dependencies]\ngui = ["opencv-like>=1"]\n'],
		["a dependency group", '[dependency-groups]\ndev = ["opencv-like"]\n'],
	])("refuses to replace what the project declares in %s", (_, table) => {
		// Given a project that declares opencv-like itself outside [project.dependencies]
		const dir = project("opencv-like-headless", '"opencv-like"');
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(file, `${read(file)}\n${table}`);
		refused(dir, ["cv=opencv-like-headless"]);
	});

	it("refuses to replace a distribution of another chosen option's family", () => {
		// Given another group's chosen option whose family installs opencv-like
		const dir = project("opencv-like-headless", '"opencv-like"');
		writeFileSync(
			path.join(dir, "registry/groups/gui.yaml"),
			'name: "gui"\nstrategy: "1-of-N"\noptions:\n  - name: "gui-kit"\n',
		);
		writeFileSync(
			path.join(dir, "registry/packages/gui-kit.yaml"),
			'name: "gui-kit"\nversion: "1.0.0"\nsources:\n  prod:\n    type: "index"\n    requirement: "gui-kit"\n    index: "internal"\n    family:\n      - "opencv-like"\n',
		);
		const file = path.join(dir, "pyproject.toml");
		writeFileSync(
			file,
			read(file).replace('cv = "opencv-like-headless"', 'cv = "opencv-like-headless"\ngui = "gui-kit"'),
		);
		refused(dir, ["cv=opencv-like-headless", "gui=gui-kit"]);
	});
});
