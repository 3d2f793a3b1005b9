import { execFileSync, spawnSync } from "node:child_process";
import {
	chmodSync,
	cpSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	statSync,
	symlinkSync,
	unlinkSync,
	utimesSync,
	writeFileSync,
} from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, copyExample, hpm, ROOT, tempDir } from "../helpers/run.js";
import { openPane } from "../helpers/tmux.js";

// The launcher (source/launcher.ts) starts the bundled CLI through V8's code cache.
describe("the code cache", () => {
	const run = (args: string[], cwd: string, env: NodeJS.ProcessEnv) => {
		const result = hpm(args, { cwd, env });
		expect(result.code, result.stderr).toBe(0);
		expect(result.stderr).toBe("");
		return result;
	};
	const files = (cache: string) => readdirSync(path.join(cache, "code")).sort();

	it("is written once per command (again after a run that parsed the registry), private, and then used as it is", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-code-");
		const first = run(["list", "--json"], dir, { HPM_CACHE_DIR: cache }).stdout;
		const [list] = files(cache);
		expect(files(cache)).toEqual([expect.stringMatching(/^[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+-list-[0-9a-f]{8}\.bin$/)]);
		const file = path.join(cache, "code", list ?? "");
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(statSync(path.join(cache, "code")).mode & 0o777).toBe(0o700);
		// the first run parsed the registry's YAML, which later runs do not: the next run writes the
		// cache again, with the functions of its own path (the index cache's) besides the first's
		const provisional = statSync(file);
		expect(run(["list", "--json"], dir, { HPM_CACHE_DIR: cache }).stdout).toBe(first);
		const before = statSync(file);
		expect(before.ino).not.toBe(provisional.ino);
		expect(before.size).toBeGreaterThan(provisional.size);
		// V8 took it: the same output, and the file was not written again
		expect(run(["list", "--json"], dir, { HPM_CACHE_DIR: cache }).stdout).toBe(first);
		const after = statSync(file);
		expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
		// another command has its own
		run(["show", "metrics"], dir, { HPM_CACHE_DIR: cache });
		expect(files(cache).map((name) => name.replace(/^.*-(\w+)-[0-9a-f]{8}\.bin$/, "$1"))).toEqual(["list", "show"]);
	});

	it("a file V8 rejects, one others can write, or a link is never used, and is replaced", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-code-");
		const expected = run(["list", "--json"], dir, { HPM_CACHE_DIR: cache }).stdout;
		const [name] = files(cache);
		const file = path.join(cache, "code", name ?? "");
		const good = readFileSync(file);

		// garbage of any size
		for (const garbage of [Buffer.alloc(0), Buffer.from("not code"), Buffer.alloc(good.length, 7)]) {
			writeFileSync(file, garbage);
			expect(run(["list", "--json"], dir, { HPM_CACHE_DIR: cache }).stdout).toBe(expected);
			expect(readFileSync(file).equals(garbage)).toBe(false);
		}
		// damage V8 would crash on ("unreachable code"), with the header intact: one byte anywhere
		for (const at of [16, Math.floor(good.length / 3), Math.floor(good.length / 2), good.length - 1]) {
			const damaged = Buffer.from(good);
			damaged[at] = (damaged[at] ?? 0) ^ 0x10;
			writeFileSync(file, damaged);
			expect(run(["list", "--json"], dir, { HPM_CACHE_DIR: cache }).stdout).toBe(expected);
			expect(readFileSync(file).equals(damaged)).toBe(false);
		}
		// cut short, or grown by a byte
		for (const other of [good.subarray(0, good.length - 8), Buffer.concat([good, Buffer.from([0])])]) {
			writeFileSync(file, other);
			expect(run(["list", "--json"], dir, { HPM_CACHE_DIR: cache }).stdout).toBe(expected);
			expect(readFileSync(file).equals(other)).toBe(false);
		}
		// a good cache that someone else could have written
		writeFileSync(file, good);
		chmodSync(file, 0o666);
		expect(run(["list", "--json"], dir, { HPM_CACHE_DIR: cache }).stdout).toBe(expected);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		// a link is not followed, nor is what it points at written
		const elsewhere = path.join(tempDir("hpm-elsewhere-"), "target.bin");
		writeFileSync(elsewhere, good);
		unlinkSync(file);
		symlinkSync(elsewhere, file);
		expect(run(["list", "--json"], dir, { HPM_CACHE_DIR: cache }).stdout).toBe(expected);
		expect(statSync(file).isFile()).toBe(true);
		expect(readFileSync(elsewhere).equals(good)).toBe(true);
	});

	it("without WebAssembly to check it with (node --jitless), no cache is read or written", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-code-");
		const expected = run(["list", "--json"], dir, { HPM_CACHE_DIR: tempDir("hpm-code-") }).stdout;
		for (let i = 0; i < 2; i++) {
			const result = spawnSync(process.execPath, ["--jitless", BIN, "list", "--json"], {
				cwd: dir,
				env: { ...process.env, HPM_CACHE_DIR: cache },
				encoding: "utf8",
			});
			expect(result.status, result.stderr).toBe(0);
			expect(result.stdout).toBe(expected);
		}
		expect(existsSync(path.join(cache, "code"))).toBe(false);
	});

	it("nothing in the way stops hpm: no folder can be made, HPM_NO_CACHE, a read-only folder", () => {
		const dir = copyExample();
		// the cache folder's place is taken by a file
		const blocked = tempDir("hpm-code-");
		writeFileSync(path.join(blocked, "code"), "a file");
		run(["list"], dir, { HPM_CACHE_DIR: blocked });
		expect(readFileSync(path.join(blocked, "code"), "utf8")).toBe("a file");
		// HPM_NO_CACHE: hpm writes no cache at all
		const none = tempDir("hpm-code-");
		run(["list"], dir, { HPM_CACHE_DIR: none, HPM_NO_CACHE: "1" });
		expect(existsSync(path.join(none, "code"))).toBe(false);
		// a folder hpm may not write (root may write anywhere: then it is at least still used)
		const readOnly = tempDir("hpm-code-");
		mkdirSync(path.join(readOnly, "code"), { mode: 0o500 });
		run(["list"], dir, { HPM_CACHE_DIR: readOnly });
		run(["list"], dir, { HPM_CACHE_DIR: readOnly });
	});

	it("removes only its own unused files, never anything else in the folder", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-code-");
		mkdirSync(path.join(cache, "code"));
		const old = new Date(Date.now() - 30 * 24 * 3600 * 1000);
		const put = (name: string) => {
			writeFileSync(path.join(cache, "code", name), "x");
			utimesSync(path.join(cache, "code", name), old, old);
		};
		// HPM_CACHE_DIR may name any folder: a person's files in code/ stay, however old
		for (const name of ["notes.txt", "main.py", "0123456789abcdef-notes.bin"]) put(name);
		// another build's cache and a temporary file a killed hpm left: gone
		put("0123456789abcdef-v20.0.0-x64-list-0123abcd.bin");
		put("0123456789abcdef-v20.0.0-x64-list.bin");
		put("0123456789abcdef-v20.0.0-x64-sync-0123abcd.bin.4242.tmp");
		run(["list"], dir, { HPM_CACHE_DIR: cache });
		expect(files(cache).filter((name) => !name.includes("-list-") || name.startsWith("0123"))).toEqual([
			"0123456789abcdef-notes.bin",
			"main.py",
			"notes.txt",
		]);
	});

	it("a named pipe where its file should be, a working folder that is gone: hpm neither hangs nor fails", () => {
		const dir = copyExample();
		const cache = tempDir("hpm-code-");
		run(["list"], dir, { HPM_CACHE_DIR: cache });
		const [name] = files(cache);
		const file = path.join(cache, "code", name ?? "");
		unlinkSync(file);
		execFileSync("mkfifo", ["-m", "600", file]);
		const piped = spawnSync(process.execPath, [BIN, "list", "--json"], {
			cwd: dir,
			env: { ...process.env, HPM_CACHE_DIR: cache },
			encoding: "utf8",
			timeout: 20_000,
		});
		expect(piped.status, piped.stderr).toBe(0);
		expect(statSync(file).isFile()).toBe(true); // replaced by a real cache
		// the working folder deleted under hpm, with a relative HPM_CACHE_DIR: no cache, no stack trace
		const gone = tempDir("hpm-gone-");
		const result = spawnSync(
			"sh",
			["-c", `cd '${gone}' && rmdir '${gone}' && exec '${process.execPath}' '${BIN}' -p '${dir}' list`],
			{
				env: { ...process.env, HPM_CACHE_DIR: "relative" },
				encoding: "utf8",
			},
		);
		expect(result.stderr).not.toMatch(/\n\s+at /);
		expect(result.stderr).toMatch(/^error: /);
		expect(result.status, result.stderr).toBe(2);
	});

	it("a cli.js changed in place never runs code compiled from the old one", () => {
		const copy = tempDir("hpm-dist-");
		cpSync(path.join(ROOT, "dist"), copy, { recursive: true });
		const cache = tempDir("hpm-code-");
		const help = () =>
			spawnSync(process.execPath, [path.join(copy, "hpm.js"), "--help"], {
				env: { ...process.env, HPM_CACHE_DIR: cache },
				encoding: "utf8",
			}).stdout.split("\n")[0];
		const first = help();
		expect(help()).toBe(first);
		const cli = path.join(copy, "cli.js");
		const text = readFileSync(cli, "utf8");
		const phrase = "compose Python projects";
		expect(first).toContain(phrase);
		expect(text.split(phrase)).toHaveLength(2); // the help's sentence, once in the bundle
		writeFileSync(cli, text.replace(phrase, phrase.toUpperCase())); // the same length
		expect(help()).toBe(first?.replace(phrase, phrase.toUpperCase()));
	});

	it("the UI libraries (Ink, React, Yoga) start through a cache of their own, held to the same checks", async () => {
		const dir = copyExample();
		const cache = tempDir("hpm-code-");
		const ui = async () => {
			const pane = openPane(["ui"], dir, 100, 30, { HPM_CACHE_DIR: cache });
			try {
				await pane.waitFor((screen) => screen.includes("inference 1-of-N"));
				pane.keys("q");
				await pane.waitFor((screen) => screen.includes("HPM_EXIT=0"));
			} finally {
				pane.close();
			}
		};
		await ui();
		// one for the CLI's code, one for the UI libraries', both private
		const names = files(cache);
		expect(names).toEqual([
			expect.stringMatching(/^[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+-ui-[0-9a-f]{8}\.bin$/),
			expect.stringMatching(/^[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+-ui-ui-[0-9a-f]{8}\.bin$/),
		]);
		const file = path.join(cache, "code", names[1] ?? "");
		expect(statSync(file).mode & 0o777).toBe(0o600);
		// the first run parsed the registry: both are written again by the next
		await ui();
		const before = statSync(file);
		// V8 took it: not written again
		await ui();
		expect([statSync(file).ino, statSync(file).mtimeMs]).toEqual([before.ino, before.mtimeMs]);
		// one that others could have written is never read (were it read, V8 would take it and
		// nothing would be written), and is replaced by a private one, written anew
		chmodSync(file, 0o666);
		const long = new Date("2020-01-01T00:00:00Z");
		utimesSync(file, long, long);
		await ui();
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(statSync(file).mtimeMs).toBeGreaterThan(long.getTime());
	});
});
