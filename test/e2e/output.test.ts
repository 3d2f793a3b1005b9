import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, hpm, tempDir } from "../helpers/run.js";

// hpm writes its text straight to descriptors 1 and 2 (source/cli/stdio.ts); these are the ways a
// descriptor can differ from a plain blocking pipe, each checked against what a plain pipe gets.

/** A registry of 300 packages in one M-of-N group: `list` prints far more than a pipe holds. */
function bigProject(): string {
	const dir = tempDir("hpm-output-");
	mkdirSync(path.join(dir, "registry/packages"), { recursive: true });
	mkdirSync(path.join(dir, "registry/groups"), { recursive: true });
	const names = Array.from({ length: 300 }, (_, i) => `component-number-${i}`);
	for (const name of names)
		writeFileSync(
			path.join(dir, "registry/packages", `${name}.yaml`),
			`name: "${name}"\nversion: "1.0.0"\ndescription: "the ${name} component, described at some length"\nsources:\n  prod:\n    type: "git"\n    url: "https://example.com/${name}.git"\n`,
		);
	writeFileSync(
		path.join(dir, "registry/groups/parts.yaml"),
		`name: "parts"\nstrategy: "M-of-N"\noptions:\n${names.map((n) => `  - name: "${n}"`).join("\n")}\n`,
	);
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "big"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm.groups]\nparts = ["component-number-7"]\n`,
	);
	return dir;
}

// A pipe of one page whose writing end is non-blocking (a parent left it so), read only after a
// second: hpm meets a full pipe (EAGAIN) at some point and must wait for the reader.
const SLOW_NON_BLOCKING_READER = `
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ
os.set_blocking(w, False)
child = subprocess.Popen(sys.argv[2:], stdout=w if sys.argv[1] == "1" else None, stderr=w if sys.argv[1] == "2" else None)
os.close(w)
time.sleep(1)
data = b""
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    data += chunk
sys.stdout.buffer.write(data)
sys.exit(child.wait())
`;

describe("hpm's output on descriptors that are not plain pipes", () => {
	it.each([[["list", "--json"]], [["list"]], [["show", "component-number-7"]]])(
		"hpm %j into a full, non-blocking pipe: every byte arrives, in order, exit 0",
		(args) => {
			const dir = bigProject();
			const plain = hpm(args, { cwd: dir });
			expect(plain.code, plain.stderr).toBe(0);
			const slow = spawnSync("python3", ["-c", SLOW_NON_BLOCKING_READER, "1", process.execPath, BIN, ...args], {
				cwd: dir,
				env: { ...process.env, NO_COLOR: "1" },
				encoding: "utf8",
				maxBuffer: 64 * 2 ** 20,
			});
			expect(slow.stderr).toBe("");
			expect(slow.status).toBe(0);
			expect(slow.stdout).toBe(plain.stdout);
			if (args[0] === "list") expect(plain.stdout.length).toBeGreaterThan(4 * 4096);
		},
	);

	it("errors into a full, non-blocking pipe on stderr arrive whole too", () => {
		const dir = bigProject();
		// 300 unknown option names: one long error
		const args = ["group", "add", "parts", "--option", Array.from({ length: 300 }, (_, i) => `nope-${i}`).join(",")];
		const plain = hpm(args, { cwd: dir });
		expect(plain.code).toBe(2);
		const slow = spawnSync("python3", ["-c", SLOW_NON_BLOCKING_READER, "2", process.execPath, BIN, ...args], {
			cwd: dir,
			env: { ...process.env, NO_COLOR: "1" },
			encoding: "utf8",
		});
		expect(slow.status).toBe(2);
		expect(slow.stdout).toBe(plain.stderr);
	});

	it("a full disk under the redirect: nothing printed, exit 141, no stack trace", () => {
		const dir = bigProject();
		const result = spawnSync("sh", ["-c", `'${process.execPath}' '${BIN}' list > /dev/full`], {
			cwd: dir,
			encoding: "utf8",
		});
		expect(result.status).toBe(141);
		expect(result.stderr).toBe("");
	});

	it("stdout and stderr closed: Node gives hpm /dev/null, and hpm runs as usual", () => {
		const dir = bigProject();
		const result = spawnSync("sh", ["-c", `'${process.execPath}' '${BIN}' list >&- 2>&-; echo "status=$?"`], {
			cwd: dir,
			encoding: "utf8",
		});
		expect(result.stdout).toBe("status=0\n");
	});

	it("output to /dev/null is not a terminal: no colour, no questions, exit as usual", () => {
		const dir = bigProject();
		// a terminal on stdin only: hpm must not take /dev/null on stdout for a person to ask
		const result = spawnSync(
			"sh",
			["-c", `'${process.execPath}' '${BIN}' group add parts > /dev/null; echo "status=$?"`],
			{ cwd: dir, encoding: "utf8", env: { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined } },
		);
		expect(result.stdout).toBe("status=2\n");
		expect(result.stderr).toContain("--option");
		expect(result.stderr).not.toContain("\u001b[");
	});
});
