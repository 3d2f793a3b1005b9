import { spawnSync } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyExample, hpm, snapshot, tempDir } from "../helpers/run.js";
import { gitRepo, registerPackage, uvEnv } from "../helpers/uv.js";

/** A server on 127.0.0.1 that accepts connections and never says a word. */
let silent: Server;
const sockets: Socket[] = [];
let silentPort = 0;
/** A port nothing listens on: connections are refused. */
let closedPort = 0;

beforeAll(async () => {
	silent = createServer((socket) => sockets.push(socket));
	await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
	silentPort = (silent.address() as { port: number }).port;
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
	closedPort = (probe.address() as { port: number }).port;
	await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(() => {
	for (const socket of sockets) socket.destroy();
	silent.close();
});

/** The example with metrics=remote selected, `remote` coming from `url` at `ref`. */
function projectWith(url: string, ref = 'tag: "v0.1.0"'): string {
	const dir = copyExample();
	registerPackage(
		dir,
		`name: "metric-rouge"\nversion: "0.1.0"\nsources:\n  prod:\n    type: "git"\n    url: "${url}"\n    ${ref}\n`,
		"metric-rouge",
	);
	expect(hpm(["group", "add", "metrics", "-o", "metric-rouge"], { cwd: dir }).code).toBe(0);
	return dir;
}

const problems = (stdout: string) => (JSON.parse(stdout) as { problems: { code: string; message: string }[] }).problems;

describe("a git source that cannot be had is reported as what it is, in group=option terms", () => {
	it("a tag that does not exist", () => {
		const dir = copyExample();
		const bare = gitRepo(path.join(dir, "packages/metric_rouge"), "v0.1.0");
		const project = projectWith(`file://${bare}`, 'tag: "v9.9.9"');
		const before = snapshot(project);
		const check = hpm(["check", "--json"], { cwd: project, env: uvEnv({ UV_OFFLINE: undefined }) });
		expect(check.code).toBe(1);
		expect(problems(check.stdout)).toEqual([
			expect.objectContaining({
				code: "ref-missing",
				message: `metrics=metric-rouge: the git tag "v9.9.9" does not exist (file://${bare})`,
			}),
		]);
		const sync = hpm(["sync"], { cwd: project, env: uvEnv({ UV_OFFLINE: undefined }) });
		expect(sync.code).toBe(1);
		expect(sync.stderr).toContain('metrics=metric-rouge: the git tag "v9.9.9" does not exist');
		expect(snapshot(project)).toEqual(before);
	});

	it("a host that refuses the connection", () => {
		const url = `http://127.0.0.1:${closedPort}/r.git`;
		const project = projectWith(url);
		const check = hpm(["check", "--json"], { cwd: project, env: uvEnv({ UV_OFFLINE: undefined }) });
		expect(check.code).toBe(1);
		const [problem] = problems(check.stdout);
		expect(problem?.code).toBe("source-unreachable");
		expect(problem?.message).toContain(`metrics=metric-rouge: the source cannot be reached (${url})`);
	});

	it("a host that accepts and never answers fails within the deadline, over http and over ssh", () => {
		// the person's own settings win over hpm's defaults (30 s for http, 20 s for ssh): short ones here
		const env = uvEnv({
			UV_OFFLINE: undefined,
			GIT_HTTP_LOW_SPEED_TIME: "2",
			GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o ConnectTimeout=2 -o StrictHostKeyChecking=no -F /dev/null",
		});
		const urls = [`http://127.0.0.1:${silentPort}/r.git`];
		// ssh, where the machine has an ssh client (git needs one for ssh:// at all)
		if (spawnSync("sh", ["-c", "command -v ssh"]).status === 0) urls.push(`ssh://git@127.0.0.1:${silentPort}/r.git`);
		for (const url of urls) {
			const project = projectWith(url);
			const started = Date.now();
			const check = hpm(["check", "--json"], { cwd: project, env });
			expect(check.code, check.stderr).toBe(1);
			const [problem] = problems(check.stdout);
			expect(problem?.code, problem?.message).toBe("source-unreachable");
			expect(problem?.message).toContain(`(${url})`);
			// bounded: the deadline, not forever (generous for a loaded machine)
			expect(Date.now() - started).toBeLessThan(60_000);
		}
	}, 120_000);

	it("git's ssh never prompts nor waits: hpm's own ssh, unless the person set one in git config or the environment", () => {
		// stand-ins for ssh on PATH that record how they were called (a host that would prompt)
		const bin = tempDir("hpm-ssh-");
		const log = path.join(bin, "calls.log");
		for (const name of ["ssh", "their-ssh"]) {
			writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\nexit 255\n`, { mode: 0o755 });
		}
		const gitConfig = path.join(bin, "gitconfig");
		writeFileSync(gitConfig, "");
		const url = `ssh://git@127.0.0.1:${closedPort}/r.git`;
		const project = projectWith(url);
		const run = (extra: NodeJS.ProcessEnv) => {
			writeFileSync(log, "");
			const check = hpm(["check", "--json"], {
				cwd: project,
				env: uvEnv({
					UV_OFFLINE: undefined,
					PATH: `${bin}:${process.env.PATH ?? ""}`,
					GIT_CONFIG_GLOBAL: gitConfig,
					GIT_CONFIG_NOSYSTEM: "1",
					...extra,
				}),
			});
			expect(check.code, check.stderr).toBe(1);
			expect(problems(check.stdout)[0]?.message).toContain(`(${url})`);
			return readFileSync(log, "utf8");
		};
		// nothing set: hpm's ssh, in batch mode with a connect timeout, given OpenSSH's options by git
		const own = run({});
		expect(own).toMatch(/^ssh -o BatchMode=yes -o ConnectTimeout=20 .*-p \d+ git@127\.0\.0\.1/m);
		// core.sshCommand in the person's git config wins over hpm's
		writeFileSync(gitConfig, `[core]\n\tsshCommand = ${path.join(bin, "their-ssh")}\n`);
		expect(run({})).toMatch(/^their-ssh /m);
		expect(run({})).not.toMatch(/BatchMode/);
		// and so does their GIT_SSH_COMMAND or GIT_SSH
		writeFileSync(gitConfig, "");
		expect(run({ GIT_SSH_COMMAND: `${path.join(bin, "their-ssh")} -o Mine=yes` })).toMatch(/^their-ssh -o Mine=yes/m);
		expect(run({ GIT_SSH: path.join(bin, "their-ssh") })).toMatch(/^their-ssh /m);
	}, 60_000);
});
