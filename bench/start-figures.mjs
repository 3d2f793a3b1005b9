// B1, B2, B6: hpm's start-up and its overhead over uv, each round's medians against `node -e 0`
// (and uv's own work) measured in the same interleaved runs.
import path from "node:path";
import { figure } from "./figures.mjs";
import {
	BIN,
	cpSync,
	EXAMPLE,
	generateRegistry,
	hermetic,
	interleaved,
	readFileSync,
	rmSync,
	RUNS,
	tempDir,
	time,
	UV,
	writeFileSync,
} from "./lib.mjs";

const node = process.execPath;
const nodeStart = { name: "node -e 0", run: () => time(node, ["-e", "0"]) };

export const B1 = {
	title: "B1 start-up on the example (target: list --json ≤ node -e 0 + 20 ms)",
	setup: () => ({ cache: tempDir("hpm-bench-cache-") }),
	round: ({ cache }, { short }) => {
		const env = hermetic({ HPM_CACHE_DIR: cache });
		const subjects = [
			nodeStart,
			{ name: "hpm list --json", run: () => time(node, [BIN, "list", "--json"], { cwd: EXAMPLE, env }) },
		];
		if (!short)
			subjects.push(
				{ name: "hpm --version", run: () => time(node, [BIN, "--version"], { env }) },
				{
					name: "hpm list --json, no cache",
					run: () => time(node, [BIN, "list", "--json"], { cwd: EXAMPLE, env: { ...env, HPM_NO_CACHE: "1" } }),
				},
			);
		const [base, list, version, cold] = interleaved(subjects);
		return [
			figure("B1", list.name, { ms: list.ms, base, target: { over: 20 } }),
			...(version ? [figure("B1", version.name, { ms: version.ms, base, target: { text: "(reported)" } })] : []),
			...(cold ? [figure("B1", cold.name, { ms: cold.ms, base, target: { text: "(once per change)" } })] : []),
		];
	},
};

export const B2 = {
	title: "B2 a generated registry, packages/groups (target: list --json at 2,000 ≤ node -e 0 + 80 ms)",
	setup: () =>
		[
			[2000, 200],
			[10000, 1000],
		].map(([packages, groups]) => {
			const dir = tempDir();
			generateRegistry(dir, packages, groups);
			return { packages, groups, dir, cache: tempDir("hpm-bench-cache-") };
		}),
	round: (registries) =>
		registries.flatMap(({ packages, groups, dir, cache }) => {
			const env = hermetic({ HPM_CACHE_DIR: cache });
			const run =
				(...args) =>
				() =>
					time(node, [BIN, ...args], { cwd: dir, env });
			const [base, list, search, show, cold] = interleaved(
				[
					nodeStart,
					{ name: "list --json", run: run("list", "--json") },
					{ name: "search pkg-17", run: run("search", "pkg-17") },
					{ name: "show pkg-5-3", run: run("show", "pkg-5-3") },
					{
						name: "list --json, no cache",
						run: () => time(node, [BIN, "list", "--json"], { cwd: dir, env: { ...env, HPM_NO_CACHE: "1" } }),
					},
				],
				Math.max(5, Math.floor(RUNS / 2)),
			);
			const at = `${packages}/${groups}`;
			return [
				figure("B2", `${at} ${list.name}`, {
					ms: list.ms,
					base,
					target: packages === 2000 ? { over: 80 } : { text: "(sub-linear)" },
				}),
				figure("B2", `${at} ${search.name}`, { ms: search.ms, base, target: { text: "(reported)" } }),
				figure("B2", `${at} ${show.name}`, { ms: show.ms, base, target: { text: "(reported)" } }),
				figure("B2", `${at} ${cold.name}`, { ms: cold.ms, base, target: { text: "(once per change)" } }),
			];
		}),
};

export const B6 = {
	title: "B6 hpm's own overhead: hpm − node -e 0 − the uv work it must do (target ≤ 25 ms)",
	setup: () => {
		const project = tempDir("hpm-bench-overhead-");
		cpSync(EXAMPLE, project, { recursive: true });
		const cache = tempDir("hpm-bench-cache-");
		const env = hermetic({ HPM_CACHE_DIR: cache });
		time(node, [BIN, "sync"], { cwd: project, env });
		// a second copy, never synced: its check resolves the would-be project in a scratch copy
		const fresh = tempDir("hpm-bench-fresh-");
		cpSync(EXAMPLE, fresh, { recursive: true });
		// the uv work of that check: `uv lock` of the same would-be project in a scratch copy (no lock yet)
		const scratch = tempDir("hpm-bench-scratch-");
		const data = readFileSync(path.join(project, "pyproject.toml"), "utf8").replace(
			/(path = ")([^"]+)(")/g,
			(_, a, p, c) => `${a}${path.resolve(project, p)}${c}`,
		);
		writeFileSync(path.join(scratch, "pyproject.toml"), data);
		return { project, fresh, scratch, env };
	},
	round: ({ project, fresh, scratch, env }, { short }) => {
		// four medians are subtracted: three times the runs, so that their noise does not decide
		const [base, uvLock, check, uvLockCheck, synced, uvSyncCheck, sync] = interleaved(
			[
				nodeStart,
				{
					// as hpm runs it: in the scratch copy, with no lock, and the system interpreter
					name: "uv lock (scratch)",
					run: () => {
						rmSync(path.join(scratch, "uv.lock"), { force: true });
						return time(UV, ["lock", "--directory", scratch], { env });
					},
				},
				{
					// resolving, as the first check of a choice does: the known resolutions are forgotten first
					name: "hpm check, not synced",
					run: () => {
						rmSync(path.join(env.HPM_CACHE_DIR, "resolutions"), { recursive: true, force: true });
						return time(node, [BIN, "check"], { cwd: fresh, env });
					},
				},
				{ name: "uv lock --check", run: () => time(UV, ["lock", "--check"], { cwd: project, env }) },
				{ name: "hpm check, synced", run: () => time(node, [BIN, "check"], { cwd: project, env }) },
				{
					name: "uv sync --locked --check",
					run: () => time(UV, ["sync", "--locked", "--check"], { cwd: project, env }),
				},
				{ name: "hpm sync, nothing to do", run: () => time(node, [BIN, "sync"], { cwd: project, env }) },
			],
			short ? RUNS * 2 : RUNS * 3,
		);
		const over = (subject, work) =>
			figure("B6", subject.name, { ms: subject.ms, base, work: work.ms, workName: work.name, target: { over: 25 } });
		return [over(check, uvLock), over(synced, uvLockCheck), over(sync, uvSyncCheck)];
	},
};
