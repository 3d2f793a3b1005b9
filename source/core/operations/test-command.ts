import { constants as osConstants } from "node:os";
import path from "node:path";
import { redactSecrets } from "../base/secrets.js";
import { displaySafe } from "../base/text.js";
import { spawnGroup, stopAtExit } from "../os/child.js";
import { onLines } from "../os/lines.js";
import { RUN_ID, stopGroup } from "../os/process.js";
import { randomHex } from "../os/random.js";
import { say } from "./test-env.js";

/** How a command ended in one environment. */
export type CommandRun = {
	readonly exitCode: number;
	/** The first line that says what failed (empty when it passed). */
	readonly firstFailingLine: string;
	readonly aborted: boolean;
};

/**
 * Lines that say what failed, best first: a test runner's summary (pytest's `FAILED test_x.py::…`),
 * an exception (`ModuleNotFoundError: …`, the last line of a Python traceback), any line saying
 * error or failed. Without one, the last line printed.
 */
const FAILING = [/^(FAILED|ERROR)\s/, /^[\w.]*(Error|Exception|Failure)\b/, /\b(error|failed|failure)\b/i];

/** The variables the command runs with (but hpm's token for its process group, one per run). */
export function commandEnv(environment: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		VIRTUAL_ENV: environment,
		PATH: `${path.join(environment, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
		UV_PROJECT_ENVIRONMENT: environment,
		UV_NO_SYNC: "1",
		UV_FROZEN: "1",
	};
	delete env.PYTHONHOME;
	delete env[RUN_ID];
	return env;
}

/**
 * Runs `command` in `root` with `environment` active (VIRTUAL_ENV, its bin first on PATH; `uv run`
 * neither locks nor syncs, and runs in it), in a process group of its own that dies with hpm;
 * every line goes to `log`. Aborting `signal` stops the whole group (os/process.ts stopGroup, by
 * the token every process it starts inherits) and waits until nothing of it is left.
 */
export async function runCommand(
	command: readonly string[],
	root: string,
	environment: string,
	log: number,
	signal: AbortSignal | undefined,
): Promise<CommandRun> {
	const [program = "", ...args] = command;
	const token = randomHex(8);
	const env: NodeJS.ProcessEnv = { ...commandEnv(environment), [RUN_ID]: token };
	say(log, redactSecrets(`$ ${command.join(" ")}`));
	const child = spawnGroup(program, args, { cwd: root, env, orphanGuard: true });
	stopAtExit(child);
	const lines: string[] = [];
	for (const stream of [child.stdout, child.stderr])
		onLines(stream, (line) => {
			say(log, line);
			if (lines.length < 10_000) lines.push(line);
		});
	let stopping: Promise<boolean> | undefined;
	const stop = () => {
		if (child.pid !== undefined) stopping ??= stopGroup({ pid: child.pid, start: "", token });
	};
	if (signal?.aborted) stop();
	signal?.addEventListener("abort", stop, { once: true });
	const ended = await new Promise<{ code: number; startError?: string }>((resolve) => {
		child.on("error", (error: NodeJS.ErrnoException) => {
			if (child.pid === undefined)
				resolve({
					code: 127,
					startError: `${program}: ${error.code === "ENOENT" ? "no such program" : error.message}`,
				});
		});
		child.on("close", (code, killedBy) => resolve({ code: code ?? (killedBy ? 128 + signalNumber(killedBy) : 1) }));
	});
	signal?.removeEventListener("abort", stop);
	// what the command started and left running is stopped too
	stop();
	await stopping;
	if (ended.startError) say(log, ended.startError);
	say(log, `(exit ${ended.code})`);
	const shown = (line: string) => redactSecrets(displaySafe(line)).trim();
	const headline =
		FAILING.map((pattern) => lines.find((line) => pattern.test(line))).find((line) => line !== undefined) ??
		[...lines].reverse().find((l) => l.trim() !== "");
	const firstFailingLine =
		ended.code === 0 ? "" : (ended.startError ?? shown(headline ?? "")) || `exit code ${ended.code}`;
	return { exitCode: ended.code, firstFailingLine: shown(firstFailingLine), aborted: signal?.aborted === true };
}

const signalNumber = (signal: NodeJS.Signals): number => osConstants.signals[signal] ?? 0;
