// B5: `hpm ui` through tmux at 100x30. The first frame is the frame that shows the first group with
// its options; its baseline is node printing the same words through the same tmux, and, for
// reference, a naive bundled Ink app (one Box, one Text). Cold means a fresh HPM_CACHE_DIR and
// no warm-up run.
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { build } from "esbuild";
import { figure } from "./figures.mjs";
import {
	BIN,
	cpSync,
	EXAMPLE,
	generateRegistry,
	interleaved,
	median,
	readFileSync,
	ROOT,
	tempDir,
	writeFileSync,
} from "./lib.mjs";

const node = process.execPath;
let servers = 0;

/** An Ink app as its author would bundle it: ESM, Yoga's loader as it comes, no code cache. */
async function naiveInkApp() {
	const dir = tempDir("hpm-bench-ink-");
	const outfile = path.join(dir, "app.mjs");
	await build({
		stdin: {
			contents: `import React from "react"; import { render, Box, Text } from "ink";
render(React.createElement(Box, { borderStyle: "single" }, React.createElement(Text, null, "group-0000 pkg-0-0 1.0.0")));
setTimeout(() => {}, 60000); // on screen until the pane is closed, as the node baseline`,
			resolveDir: ROOT,
			loader: "js",
		},
		bundle: true,
		platform: "node",
		format: "esm",
		outfile,
		logLevel: "error",
		define: { "process.env.NODE_ENV": '"production"' },
		banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
		// Ink imports its optional devtools (DEV=true only); they are not installed
		plugins: [
			{
				name: "no-devtools",
				setup: (context) => {
					context.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: "x", namespace: "none" }));
					context.onLoad({ filter: /.*/, namespace: "none" }, () => ({ contents: "export default {};" }));
				},
			},
		],
	});
	return outfile;
}

export const B5 = {
	title:
		"B5 hpm ui through tmux at 100x30 (targets: first frame ≤ node + 150 ms on the example, 2,000 packages warm ≤ + 300 ms, cold ≤ + 700 ms; key to frame, hpm's share ≤ 20 ms)",
	available: () => spawnSync("sh", ["-c", "command -v tmux"]).status === 0,
	setup: async ({ short }) => {
		const dir = tempDir();
		if (!short) generateRegistry(dir, 2000, 200);
		const example = tempDir("hpm-bench-example-");
		cpSync(EXAMPLE, example, { recursive: true });
		return { dir, example, cache: tempDir("hpm-bench-cache-"), ink: short ? undefined : await naiveInkApp() };
	},
	round: ({ dir, example, cache, ink }, { short }) => {
		// a server of its own each round: a new session on a server still on its way out fails
		const socket = `hpm-bench-${process.pid}-${servers++}`;
		const tmux = (...args) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
		let sessions = 0;
		// a session that outlives the measured ones, so the server does not exit between them
		tmux("new-session", "-d", "-s", "keep", "sleep", "100000");
		try {
			// time from starting a program in a new 100x30 tmux pane to all of `marks` on its screen
			const firstFrame = (cwd, env, argv, marks) => {
				const name = `b${sessions++}`;
				const start = process.hrtime.bigint();
				tmux("new-session", "-d", "-s", name, "-c", cwd, "-x", "100", "-y", "30", "env", "-u", "CI", ...env, ...argv);
				const deadline = Date.now() + 30_000;
				for (;;) {
					const screen = tmux("capture-pane", "-p", "-t", name);
					if (marks.every((mark) => screen.includes(mark))) break;
					if (Date.now() > deadline) throw new Error(`${argv.join(" ")} never drew ${marks.join(", ")}`);
				}
				return { name, ms: Number(process.hrtime.bigint() - start) / 1e6 };
			};
			const once = (cwd, env, argv, marks) => {
				const run = firstFrame(cwd, env, argv, marks);
				tmux("kill-session", "-t", run.name);
				return run.ms;
			};
			const cached = [`HPM_CACHE_DIR=${cache}`];
			const group = ["group-0000 M-of-N", "pkg-0-0 1.0.0"];
			const printed = "group-0000 pkg-0-0 1.0.0";
			const baseline = ["-e", `console.log(${JSON.stringify(printed)}); setTimeout(() => {}, 60000)`];
			// the example's first group and its options
			const exampleMarks = ["inference 1-of-N", "vlm-adapter-qwen 0.1.0"];
			once(example, cached, [node, BIN, "ui"], exampleMarks); // the example's caches, and tmux warmed up
			const subjects = [
				{ name: "node prints a line", run: () => once(dir, [], [node, ...baseline], [printed]) },
				{ name: "hpm ui, the example", run: () => once(example, cached, [node, BIN, "ui"], exampleMarks) },
			];
			if (!short) {
				once(dir, cached, [node, BIN, "ui"], group); // the 2,000 packages' index and code caches
				subjects.push(
					{ name: "hpm ui, 2,000 packages, warm", run: () => once(dir, cached, [node, BIN, "ui"], group) },
					{
						name: "hpm ui, 2,000 packages, cold (fresh HPM_CACHE_DIR)",
						run: () => once(dir, [`HPM_CACHE_DIR=${tempDir("hpm-bench-cold-")}`], [node, BIN, "ui"], group),
					},
					{ name: "a naive bundled Ink app: one Box, one Text", run: () => once(dir, [], [node, ink], [printed]) },
				);
			}
			const [base, exampleUi, warm, cold, naive] = interleaved(subjects, short ? 7 : undefined);
			const measures = [
				figure("B5", exampleUi.name, { ms: exampleUi.ms, base, target: { over: 150 } }),
				...(short
					? []
					: [
							figure("B5", warm.name, { ms: warm.ms, base, target: { over: 300 } }),
							figure("B5", cold.name, { ms: cold.ms, base, target: { over: 700 } }),
							figure("B5", naive.name, { ms: naive.ms, base, target: { text: "(reference)" } }),
						]),
			];
			if (short) return measures;

			// key press to frame: move down 40 times, each time waiting for the cursor's row to show
			const keys = (name) => {
				const frames = [];
				// React attaches the key handler just after the first paint; a person is never that fast
				execFileSync("sleep", ["0.3"]);
				const deadline = Date.now() + 60_000;
				for (let i = 1; i <= 40; i++) {
					const target = `❯ group-${String(i).padStart(4, "0")}`;
					const t0 = process.hrtime.bigint();
					tmux("send-keys", "-t", name, "Down");
					while (!tmux("capture-pane", "-p", "-t", name).includes(target)) {
						if (Date.now() > deadline) throw new Error(`the cursor never reached ${target}`);
					}
					frames.push(Number(process.hrtime.bigint() - t0) / 1e6);
				}
				return frames;
			};
			const keyFrames = [];
			let rssKb = 0;
			for (let run = 0; run < 2; run++) {
				const { name } = firstFrame(dir, cached, [node, BIN, "ui"], group);
				keyFrames.push(...keys(name));
				const pid = tmux("list-panes", "-t", name, "-F", "#{pane_pid}").trim();
				const status = readFileSync(`/proc/${pid}/status`, "utf8");
				rssKb = Math.max(rssKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
				tmux("kill-session", "-t", name);
			}
			// the same key presses to a node program that redraws the cursor's row at once: what tmux,
			// send-keys and the polling cost, so that hpm's own share can be read off
			const echo = path.join(tempDir("hpm-bench-echo-"), "echo.mjs");
			writeFileSync(
				echo,
				`let n = 0; process.stdin.setRawMode(true); process.stdout.write("group-0000\\n");
process.stdin.on("data", (d) => { if (String(d).includes("q")) process.exit(0); n++; process.stdout.write("\\u276F group-" + String(n).padStart(4, "0") + "\\n"); });`,
			);
			const { name } = firstFrame(dir, [], [node, echo], ["group-0000"]);
			const echoFrames = keys(name);
			tmux("kill-session", "-t", name);
			return [
				...measures,
				figure("B5", "key press to frame (Down), 2,000 packages", {
					ms: median(keyFrames),
					base: { name: "a program that echoes", ms: median(echoFrames) },
					target: { over: 20 },
				}),
				figure("B5", "peak RSS (VmHWM), 2,000 packages, keys held", {
					value: rssKb / 1024,
					unit: " MB",
					digits: 0,
					target: { text: "(reported; was ≤ 120 MB)" },
				}),
			];
		} finally {
			tmux("kill-server");
		}
	},
};
