import { fileURLToPath } from "node:url";
import { captureOnce } from "./child.js";
import { isExecutable } from "./executable.js";

let deadlines: Promise<NodeJS.ProcessEnv> | undefined;

/** hpm's ssh for git (source/core/os/ssh/ssh; dist/ssh/ssh next to the bundle). */
const ssh = () => fileURLToPath(new URL("ssh/ssh", import.meta.url));

/**
 * git (which uv runs for git sources, and hpm for a registry from git) must never ask a question
 * nobody can answer, nor wait forever on a host that accepts and never answers. These are
 * defaults: the person's own environment (spread after them) and their git config's ssh command
 * win. hpm's ssh goes in GIT_SSH, which git uses only when no core.sshCommand is configured, so
 * git need not be asked; a copy of hpm without it asks git (once per process, in the background).
 */
export function gitDeadlines(): Promise<NodeJS.ProcessEnv> {
	deadlines ??= (async () => {
		const base = {
			GIT_TERMINAL_PROMPT: "0",
			// over https: give up when less than 1 KB/s arrives for 30 s
			GIT_HTTP_LOW_SPEED_LIMIT: "1000",
			GIT_HTTP_LOW_SPEED_TIME: "30",
		};
		if (process.env.GIT_SSH !== undefined || process.env.GIT_SSH_COMMAND !== undefined) return base;
		const own = ssh();
		if (isExecutable(own)) return { ...base, GIT_SSH: own };
		// not set (exit 1), or no git at all: hpm's own ssh command
		const asked = await captureOnce("git", ["config", "--get", "core.sshCommand"], {
			env: process.env,
			timeout: 5_000,
		});
		const sshConfigured = asked.code === 0 && asked.stdout.trim() !== "";
		return sshConfigured ? base : { ...base, GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o ConnectTimeout=20" };
	})();
	return deadlines;
}
