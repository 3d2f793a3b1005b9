import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hpm, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQSECRETLINE\n";

/** A project using the per-machine group torch-backend (its options never installed: hpm stops before uv). */
function project(): string {
	const dir = tempDir("hpm-machine-links-");
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm]\nmode = "prod"\n`,
	);
	for (const folder of ["indexes", "groups", "packages"])
		mkdirSync(path.join(dir, "registry", folder), { recursive: true });
	writeFileSync(path.join(dir, "registry/indexes/cpu.yaml"), `name: "cpu"\nurl: "file:///nonexistent/cpu"\n`);
	writeFileSync(
		path.join(dir, "registry/groups/torch-backend.yaml"),
		'name: "torch-backend"\nstrategy: "1-of-N"\nmachine: true\noptions:\n  - name: "torch-cpu"\n  - name: "torch-gpu"\n',
	);
	for (const name of ["torch-cpu", "torch-gpu"])
		writeFileSync(
			path.join(dir, `registry/packages/${name}.yaml`),
			`name: "${name}"\nversion: "2.5.0"\nsources:\n  prod:\n    type: "index"\n    requirement: "torchlike==2.5.0"\n    index: "cpu"\n    family:\n      - "visionlike"\n`,
		);
	return dir;
}

describe(".hpm/machine.toml is hpm's own file: never a link, never echoed", () => {
	it("a link at .hpm/machine.toml or at .hpm is refused, naming it, without a byte of what it points at", () => {
		const dir = project();
		const secrets = tempDir("hpm-secrets-");
		writeFileSync(path.join(secrets, "id_rsa"), KEY);
		expect(hpm(["group", "add", "torch-backend", "--option", "torch-cpu"], { cwd: dir, env: uvEnv() }).code).toBe(0);

		// When .hpm/machine.toml is a link to a private key
		const file = path.join(dir, ".hpm/machine.toml");
		rmSync(file);
		symlinkSync(path.join(secrets, "id_rsa"), file);
		for (const args of [["sync", "--json"], ["sync"], ["group", "add", "torch-backend", "--option", "torch-gpu"]]) {
			const run = hpm(args, { cwd: dir, env: uvEnv() });
			// Then it is refused (exit 2), the message names the link, and nothing of the key is shown
			expect(run.code).toBe(2);
			expect(run.stdout + run.stderr).toContain("machine.toml is a symbolic link");
			expect(run.stdout + run.stderr).not.toContain("SECRETLINE");
			expect(run.stdout + run.stderr).not.toContain("PRIVATE KEY");
		}
		// And the key is as it was: nothing was written through the link
		expect(readFileSync(path.join(secrets, "id_rsa"), "utf8")).toBe(KEY);

		// When the .hpm folder itself is a link to a folder elsewhere
		rmSync(path.join(dir, ".hpm"), { recursive: true });
		writeFileSync(path.join(secrets, "machine.toml"), KEY);
		symlinkSync(secrets, path.join(dir, ".hpm"));
		for (const args of [
			["sync", "--json"],
			["group", "add", "torch-backend", "--option", "torch-gpu"],
		]) {
			const run = hpm(args, { cwd: dir, env: uvEnv() });
			expect(run.code).toBe(2);
			expect(run.stdout + run.stderr).toContain(".hpm is a symbolic link");
			expect(run.stdout + run.stderr).not.toContain("SECRETLINE");
		}
		expect(readFileSync(path.join(secrets, "machine.toml"), "utf8")).toBe(KEY);
	});

	it("a machine.toml that is not TOML is named with its line, its lines are not echoed", () => {
		const dir = project();
		expect(hpm(["group", "add", "torch-backend", "--option", "torch-cpu"], { cwd: dir, env: uvEnv() }).code).toBe(0);
		writeFileSync(path.join(dir, ".hpm/machine.toml"), `[torch-backend]\noption = "torch-cpu"\n${KEY}`);
		const run = hpm(["sync", "--json"], { cwd: dir, env: uvEnv() });
		expect(run.code).toBe(2);
		expect(run.stdout + run.stderr).toContain("machine.toml");
		expect(run.stdout + run.stderr).toMatch(/"line": ?3/);
		expect(run.stdout + run.stderr).not.toContain("SECRETLINE");
		expect(run.stdout + run.stderr).not.toContain("PRIVATE KEY");
	});
});
