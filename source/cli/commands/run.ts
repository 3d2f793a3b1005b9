import { HpmError } from "../../core/base/errors.js";
import { projectRun } from "../../core/operations/project-run.js";
import { runForeground } from "../../core/os/child.js";
import { defineCommand } from "../command.js";
import { operationSignal } from "../signals.js";

const SIGNALS: Readonly<Record<number, NodeJS.Signals>> = {
	129: "SIGHUP",
	130: "SIGINT",
	131: "SIGQUIT",
	143: "SIGTERM",
};

export default defineCommand({
	usage: "hpm run [--machine-choice GROUP=OPTION] -- COMMAND [ARGS]...",
	description:
		"Runs COMMAND in the project's environment with this machine's options of per-machine groups kept (uv run --group hpm-<group>-<option>): a plain `uv run` re-syncs the base dependencies and can replace the build. The exit code is COMMAND's.",
	args: ["COMMAND"],
	extraArgs: true,
	flags: {
		"machine-choice": {
			type: "string",
			value: "GROUP=OPTION[,...]",
			help: "run with this option of a per-machine group (installed for the run), whatever .hpm/machine.toml says; also HPM_MACHINE_CHOICE",
		},
	},
	run: async ({ locator, cwd, args, flags }) => {
		const forced = flags["machine-choice"];
		const asked = forced !== undefined ? { value: forced, from: "--machine-choice" } : undefined;
		const run = await projectRun({ locator, cwd }, args, asked);
		const interrupt = operationSignal();
		try {
			const ended = await runForeground(run.program, run.args, {
				cwd: run.cwd,
				env: process.env,
				signal: interrupt.signal,
				which: () => SIGNALS[interrupt.exitCode() ?? 0],
			});
			if (ended.startError)
				throw new HpmError("uv-missing", `uv could not be started: ${ended.startError.code ?? "error"}`, {
					exitCode: 1,
				});
			return ended.code;
		} finally {
			interrupt.dispose();
		}
	},
});
