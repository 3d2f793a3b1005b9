import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, hpm, tempDir } from "../helpers/run.js";

// hpm writes its text straight to descriptors 1 and 2 (source/cli/stdio.ts); these are the ways a
// descriptor can differ from a plain blocking pipe, each checked against what a plain pipe gets.

/** A registry of 300 packages in one M-of-N group: `list` prints far more than a pipe holds. */
function bigProject(description = (name: string) => `the ${name} component, described at some length`): string {
	const dir = tempDir("hpm-output-");
	mkdirSync(path.join(dir, "registry/packages"), { recursive: true });
	mkdirSync(path.join(dir, "registry/groups"), { recursive: true });
	const names = Array.from({ length: 300 }, (_, i) => `component-number-${i}`);
	for (const name of names)
		writeFileSync(
			path.join(dir, "registry/packages", `${name}.yaml`),
			`name: "${name}"\nversion: "1.0.0"\ndescription: "${description(name)}"\nsources:\n  prod:\n    type: "git"\n    url: "https://example.com/${name}.git"\n`,
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

// A non-blocking pipe (a parent left it so) of SIZE bytes, holding PRE bytes already, on
// descriptor FD of the command, read only after a second: hpm meets a full pipe (EAGAIN) and must
// wait for the reader; what arrives after the PRE bytes is printed. Arguments: FD SIZE PRE command...
const SLOW_NON_BLOCKING_READER = `
import fcntl, os, subprocess, sys, time
fd, size, pre = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r, w = os.pipe()
fcntl.fcntl(w, 1031, size)  # F_SETPIPE_SZ
os.write(w, b"x" * pre)
os.set_blocking(w, False)
child = subprocess.Popen(sys.argv[4:], stdout=w if fd == "1" else None, stderr=w if fd == "2" else None)
os.close(w)
time.sleep(1)
data = b""
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    data += chunk
sys.stdout.buffer.write(data[pre:])
sys.exit(child.wait())
`;

// A reader that takes 100 bytes of a one-page non-blocking pipe and goes away.
const VANISHING_READER = `
import fcntl, os, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ
os.set_blocking(w, False)
child = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
time.sleep(0.05)
os.read(r, 100)
os.close(r)
sys.exit(child.wait())
`;

describe("hpm's output on descriptors that are not plain pipes", () => {
	it("a large write cut inside a character by a full non-blocking pipe arrives byte for byte", () => {
		const dir = bigProject((name) => `${name} ${"\u90e8\u54c1\u306e\u8aac\u660e".repeat(40)}`);
		const plain = hpm(["search", "component", "--json"], { cwd: dir });
		expect(plain.code, plain.stderr).toBe(0);
		const bytes = Buffer.from(plain.stdout, "utf8");
		// the pipe takes whole pages: with PRE bytes in it, the cut falls at 65536 - PRE; the cases
		// chosen are the ones where that byte continues a character
		const cuts = Array.from({ length: 15 }, (_, page) => (page + 1) * 4096).filter(
			(cut) => cut < bytes.length && ((bytes[cut] ?? 0) & 0xc0) === 0x80,
		);
		expect(cuts.length).toBeGreaterThan(1);
		for (const cut of cuts.slice(0, 3)) {
			const run = spawnSync(
				"python3",
				[
					"-c",
					SLOW_NON_BLOCKING_READER,
					"1",
					"65536",
					String(65536 - cut),
					process.execPath,
					BIN,
					"search",
					"component",
					"--json",
				],
				{ cwd: dir, env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 * 2 ** 20 },
			);
			expect(run.status, String(run.stderr)).toBe(0);
			expect(Buffer.compare(run.stdout, bytes), `cut at ${cut}`).toBe(0);
		}
	});

	it("a reader that goes away from a full non-blocking pipe: exit 141, never a success", () => {
		const dir = bigProject();
		for (let i = 0; i < 5; i++) {
			const run = spawnSync("python3", ["-c", VANISHING_READER, process.execPath, BIN, "list", "--json"], {
				cwd: dir,
				encoding: "utf8",
			});
			expect(run.status, run.stderr).toBe(141);
			expect(run.stderr).toBe("");
		}
	});

	it.each([[["list", "--json"]], [["list"]], [["show", "component-number-7"]]])(
		"hpm %j into a full, non-blocking pipe: every byte arrives, in order, exit 0",
		(args) => {
			const dir = bigProject();
			const plain = hpm(args, { cwd: dir });
			expect(plain.code, plain.stderr).toBe(0);
			const slow = spawnSync(
				"python3",
				["-c", SLOW_NON_BLOCKING_READER, "1", "4096", "0", process.execPath, BIN, ...args],
				{
					cwd: dir,
					env: { ...process.env, NO_COLOR: "1" },
					encoding: "utf8",
					maxBuffer: 64 * 2 ** 20,
				},
			);
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
		const slow = spawnSync(
			"python3",
			["-c", SLOW_NON_BLOCKING_READER, "2", "4096", "0", process.execPath, BIN, ...args],
			{
				cwd: dir,
				env: { ...process.env, NO_COLOR: "1" },
				encoding: "utf8",
			},
		);
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
