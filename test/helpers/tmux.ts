import { execFileSync } from "node:child_process";
import { BIN } from "./run.js";
import { TERMINAL_BASELINE, TERMINAL_VARIABLES, terminalEnv } from "./terminal.js";
import { uvEnv } from "./uv.js";

const SOCKET = `hpm-test-${process.pid}`;
// tmux's server (its locale decides how it reads what a pane prints) never sees the caller's terminal
const tmux = (...args: string[]) =>
	execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8", env: terminalEnv() });

export type Pane = {
	/** Named keys (Enter, Tab, Down, Space, Escape, C-c) or, with literal, text typed as is. */
	keys(...keys: string[]): void;
	type(text: string): void;
	/** Keys sent in one write, as fast typing, a paste or a held key delivers them. */
	burst(...keys: string[]): void;
	screen(): string;
	/** The screen with its colours and styles as escape sequences. */
	styled(): string;
	waitFor(predicate: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
	/**
	 * What a terminal sends for the mouse at a cell (column and row from 1), in SGR form: a click
	 * (press and release of the left button) or a notch of the wheel.
	 */
	mouse(action: "click" | "wheel-up" | "wheel-down", column: number, row: number): void;
	/** Bytes as a terminal sends them (escape sequences included), then a pause of `pauseMs`. */
	raw(text: string, pauseMs?: number): void;
	/** The terminal's mouse modes as the program left them: standard (1000) and SGR (1006) reporting. */
	mouseModes(): { standard: boolean; sgr: boolean };
	close(): void;
};

let counter = 0;

/**
 * One session that lives as long as this test process: tmux's server exits with its last session,
 * and a test opening a pane just as the previous one closed would reach a server on its way out
 * ("server exited unexpectedly"): a flake of about one run in twenty.
 */
let kept = false;
function keepServer(): void {
	if (kept) return;
	kept = true;
	// it ends when this process does, however that happens, and the server with it
	tmux("new-session", "-d", "-s", "keep", `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`);
	process.once("exit", () => {
		try {
			execFileSync("tmux", ["-L", SOCKET, "kill-server"], { stdio: "ignore" });
		} catch {
			// already gone
		}
	});
}

/** Runs `hpm ARGS` in a real pseudo-terminal (a tmux pane) of the given size, as a user would. */
export function openPane(
	args: readonly string[],
	cwd: string,
	columns = 100,
	rows = 30,
	extraEnv: NodeJS.ProcessEnv = {},
): Pane {
	const name = `p${counter++}`;
	// every terminal variable explicitly: unset, then the baseline and what the test asks for
	const unset = TERMINAL_VARIABLES.map((name) => `-u ${name}`).join(" ");
	const env = Object.entries({ ...uvEnv(), ...TERMINAL_BASELINE, ...extraEnv })
		.map(([key, value]) => `${key}='${value ?? ""}'`)
		.join(" ");
	const quoted = args.map((a) => `'${a}'`).join(" ");
	const command = `cd '${cwd}' && env ${unset} ${env} '${process.execPath}' '${BIN}' ${quoted}; echo HPM_EXIT=$?; sleep 600`;
	keepServer();
	tmux("new-session", "-d", "-s", name, "-x", String(columns), "-y", String(rows), command);
	const screen = () => tmux("capture-pane", "-p", "-t", name);
	const styled = () => tmux("capture-pane", "-p", "-e", "-t", name);
	return {
		keys: (...keys) => {
			// one key at a time, as a person types (the programs also cope with keys arriving together)
			for (const key of keys) {
				tmux("send-keys", "-t", name, key);
				execFileSync("sleep", ["0.05"]);
			}
		},
		burst: (...keys) => {
			tmux("send-keys", "-t", name, ...keys);
		},
		type: (text) => {
			tmux("send-keys", "-t", name, "-l", text);
		},
		screen,
		styled,
		waitFor: async (predicate, timeoutMs = 20_000) => {
			const start = Date.now();
			for (;;) {
				const text = screen();
				if (predicate(text)) {
					await new Promise((r) => setTimeout(r, 80)); // let the program attach its key handlers
					return text;
				}
				if (Date.now() - start > timeoutMs) throw new Error(`the terminal never showed what was expected:\n${text}`);
				await new Promise((r) => setTimeout(r, 25));
			}
		},
		mouse: (action, column, row) => {
			const reports =
				action === "click"
					? [`[<0;${column};${row}M`, `[<0;${column};${row}m`]
					: [`[<${action === "wheel-up" ? 64 : 65};${column};${row}M`];
			for (const report of reports) {
				const hex = [...Buffer.from(`\u001B${report}`)].map((byte) => byte.toString(16).padStart(2, "0"));
				tmux("send-keys", "-t", name, "-H", ...hex);
			}
		},
		raw: (text, pauseMs = 0) => {
			const hex = [...Buffer.from(text)].map((byte) => byte.toString(16).padStart(2, "0"));
			tmux("send-keys", "-t", name, "-H", ...hex);
			if (pauseMs > 0) execFileSync("sleep", [String(pauseMs / 1000)]);
		},
		mouseModes: () => {
			const [standard, sgr] = tmux("display-message", "-p", "-t", name, "#{mouse_standard_flag} #{mouse_sgr_flag}")
				.trim()
				.split(" ");
			return { standard: standard === "1", sgr: sgr === "1" };
		},
		close: () => {
			let leader: string | undefined;
			try {
				leader = tmux("display-message", "-p", "-t", name, "#{pane_pid}").trim();
				tmux("kill-session", "-t", name);
			} catch {
				// already gone
			}
			// hpm ends after its pane (it may still write its code cache then): the test's cache folder
			// is removed once its file ends, so the pane's processes are waited for here (at most 10 s)
			const sleeper = new Int32Array(new SharedArrayBuffer(4));
			for (let waited = 0; leader && /^\d+$/.test(leader) && waited < 10_000; waited += 25) {
				try {
					execFileSync("pgrep", ["-s", leader], { stdio: "ignore" });
				} catch {
					break; // no process of the pane's session is left
				}
				Atomics.wait(sleeper, 0, 0, 25);
			}
		},
	};
}
