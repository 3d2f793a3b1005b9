import { execFileSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { copyExample, hpm, snapshot } from "../helpers/run.js";
import { REAL_UV, registerPackage, uvEnv, writePackage } from "../helpers/uv.js";

type Sources = Record<string, unknown>;
const sources = (dir: string) =>
	((parse(readFileSync(path.join(dir, "pyproject.toml"), "utf8")) as { tool?: { uv?: { sources?: Sources } } }).tool?.uv
		?.sources ?? {}) as Sources;

/** The example turned into a uv workspace root whose members `members/*` are two registry packages. */
function workspaceProject(): string {
	const dir = copyExample();
	appendFileSync(path.join(dir, "pyproject.toml"), '\n[tool.uv.workspace]\nmembers = ["members/*"]\n');
	for (const [name, folder] of [
		["ws-a", "ws_a"],
		["ws-b", "ws_b"],
	] as const) {
		writePackage(path.join(dir, "members", folder), name);
		registerPackage(
			dir,
			`name: "${name}"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "local"\n    path: "../../members/${folder}"\n  dev:\n    type: "local"\n    path: "../../members/${folder}"\n    editable: true\n`,
			name,
			"metrics",
		);
	}
	expect(hpm(["group", "add", "metrics", "-o", "ws-a", "-o", "ws-b"], { cwd: dir }).code).toBe(0);
	return dir;
}

describe("uv workspaces", () => {
	it("sync records the members as uv does ({ workspace = true }), editable follows the manifest, a second sync is a no-op", () => {
		const dir = workspaceProject();
		const env = uvEnv();
		expect(hpm(["check"], { cwd: dir, env }).code).toBe(0);
		const first = hpm(["sync"], { cwd: dir, env });
		expect(first.code, first.stderr).toBe(0);
		expect(sources(dir)["ws-a"]).toEqual({ workspace: true, editable: false });
		expect(sources(dir)["ws-b"]).toEqual({ workspace: true, editable: false });
		expect(readFileSync(path.join(dir, "uv.lock"), "utf8")).toContain('source = { directory = "members/ws_a" }');
		const list = JSON.parse(hpm(["list", "--json"], { cwd: dir }).stdout) as {
			groups: { name: string; synced: boolean }[];
		};
		expect(list.groups.find((g) => g.name === "metrics")?.synced).toBe(true);
		const before = snapshot(dir);
		expect(hpm(["sync"], { cwd: dir, env }).stdout).toContain("nothing to do");
		expect(snapshot(dir)).toEqual(before);

		// dev mode: the manifest says editable, so uv's default for members is what is recorded
		expect(hpm(["sync", "--mode", "dev"], { cwd: dir, env }).code).toBe(0);
		expect(sources(dir)["ws-a"]).toEqual({ workspace: true });
		expect(readFileSync(path.join(dir, "uv.lock"), "utf8")).toContain('source = { editable = "members/ws_a" }');
		expect(hpm(["sync"], { cwd: dir, env }).stdout).toContain("nothing to do");
	});

	it("check resolves what uv would lock: members that conflict fail it, though none of them is selected", () => {
		const dir = workspaceProject();
		// a member nobody selected whose requirement cannot be met next to the rest
		writePackage(path.join(dir, "members/ws_c"), "ws-c", "0.1.0", ["vlm-interface<0.1"]);
		const env = uvEnv();
		const before = snapshot(dir);
		const check = hpm(["check"], { cwd: dir, env });
		expect(check.code).toBe(1);
		// the choice the member cannot take is named, and the member with it
		expect(check.stdout).toContain(
			"problem: inference=vlm-adapter-qwen cannot be installed with the rest of the project: ws-c needs vlm-interface<0.1; only vlm-interface>=0.1 is available (ws-c: a member of the uv workspace, which uv locks as a whole)",
		);
		expect(snapshot(dir)).toEqual(before);
		// and uv itself agrees: the workspace does not lock
		let uvFailed = false;
		try {
			execFileSync(REAL_UV, ["lock"], { cwd: dir, env: { ...process.env, ...env }, stdio: "pipe" });
		} catch {
			uvFailed = true;
		}
		expect(uvFailed).toBe(true);
	});

	it("a virtual workspace root gets one clear error naming the members to run in, whatever its selection", () => {
		const dir = workspaceProject();
		const file = path.join(dir, "pyproject.toml");
		const text = readFileSync(file, "utf8");
		// the user's own member comes first in the message; the registry's components after it
		writePackage(path.join(dir, "members", "app"), "app");
		writeFileSync(file, text.slice(text.indexOf("# hpm records")));
		const message =
			"this is a virtual uv workspace root ([tool.uv.workspace] and no [project] table): it has no dependencies to install a selection into; run hpm in a member (members/app, members/ws_a, members/ws_b) or pass --project MEMBER";
		for (const args of [["check"], ["sync"]]) {
			const result = hpm(args, { cwd: dir, env: uvEnv() });
			expect(result.code).not.toBe(0);
			expect(result.stdout + result.stderr).toContain(message);
		}
		// with nothing selected: the same error, not uv's complaint about a file hpm made up
		expect(hpm(["group", "remove", "metrics"], { cwd: dir }).code).toBe(0);
		expect(hpm(["group", "remove", "inference"], { cwd: dir }).code).toBe(0);
		const before = snapshot(dir);
		const empty = hpm(["check"], { cwd: dir, env: uvEnv() });
		expect(empty.code).toBe(1);
		expect(empty.stdout).toContain(message);
		expect(empty.stdout + empty.stderr).not.toContain("project.name");
		// and no choice is recorded there
		const add = hpm(["group", "add", "metrics", "-o", "metric-bleu"], { cwd: dir });
		expect(add.code).toBe(2);
		expect(add.stderr).toContain(message);
		expect(snapshot(dir)).toEqual(before);
	});
});
