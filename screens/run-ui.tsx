import { HpmError } from "../source/core/base/errors.js";
import { render } from "ink";
import type { Locator } from "../source/core/plan/context.js";
import { App } from "./app.js";
import { errorText, type View } from "./view.js";
import { MOUSE_OFF, MOUSE_ON } from "../components/mouse.js";
import { asciiSafe } from "../components/ascii-stdout.js";
import type { InterruptSource } from "./use-operation.js";

const ENTER_ALT = "\u001B[?1049h\u001B[H";
const LEAVE_ALT = "\u001B[?25h\u001B[?1049l";

/**
 * Opens the full-screen UI on the alternate screen, with mouse reporting unless `mouse` is false,
 * and restores the terminal however it ends: quit, Ctrl-C, a signal or a crash.
 */
export async function runUi(
	locator: Locator,
	cwd: string,
	interrupts?: InterruptSource,
	options: {
		readonly mouse?: boolean;
		/** The view, being read while this module loaded: the first frame is then the browser itself. */
		readonly view?: Promise<View> | undefined;
	} = {},
): Promise<number> {
	const initialView = options.view ? await options.view.then((v) => v, errorText) : undefined;
	const mouse = options.mouse ?? true;
	let left = false;
	const leave = () => {
		if (left) return;
		left = true;
		process.stdout.write(`${mouse ? MOUSE_OFF : ""}${LEAVE_ALT}`);
	};
	// clicks and the wheel are reported to hpm (SGR form); --no-mouse leaves them to the terminal
	process.stdout.write(`${ENTER_ALT}${mouse ? MOUSE_ON : ""}`);
	process.once("exit", leave);
	try {
		const instance = render(<App locator={locator} cwd={cwd} interrupts={interrupts} initialView={initialView} />, {
			stdout: asciiSafe(process.stdout),
			exitOnCtrlC: false,
			patchConsole: true,
			maxFps: 60,
		});
		try {
			await instance.waitUntilExit();
		} catch (error) {
			// Ctrl-C: the UI ends as a shell's Ctrl-C ends a program
			if (error instanceof HpmError && error.code === "interrupted") return error.exitCode;
			throw error;
		} finally {
			instance.cleanup();
		}
		return 0;
	} finally {
		leave();
		process.off("exit", leave);
	}
}
