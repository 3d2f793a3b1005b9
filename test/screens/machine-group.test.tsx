import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { BrowserScreen } from "../../screens/browser-screen.js";
import { loadView } from "../../screens/view.js";
import { stripAnsi } from "../../source/cli/output.js";
import { KEY, press, waitForFrame } from "../helpers/ink.js";
import { tempDir } from "../helpers/run.js";
import { ML_EXAMPLE } from "../helpers/torch-lookalikes.js";

const saved = { ...process.env };
afterEach(() => {
	for (const name of ["UV_CUDA_DRIVER_VERSION", "HPM_PROBE_ROOT", "PATH"]) {
		if (saved[name] === undefined) delete process.env[name];
		else process.env[name] = saved[name];
	}
});

describe("the browser on a per-machine group", () => {
	it("shows this machine's option, that it is local, and the hardware detected", async () => {
		// Given the ML example on a machine whose driver supports CUDA 12.8, cu128 chosen locally
		const dir = tempDir("hpm-ml-ui-");
		cpSync(path.join(ML_EXAMPLE, "pyproject.toml"), path.join(dir, "pyproject.toml"));
		cpSync(path.join(ML_EXAMPLE, "registry"), path.join(dir, "registry"), { recursive: true });
		mkdirSync(path.join(dir, ".hpm"));
		writeFileSync(path.join(dir, ".hpm/machine.toml"), '[torch-backend]\noption = "torch-cu128"\n');
		process.env.UV_CUDA_DRIVER_VERSION = "570.86.15";
		process.env.HPM_PROBE_ROOT = tempDir("hpm-probe-root-");
		process.env.PATH = tempDir("hpm-empty-bin-");
		const view = await loadView({}, dir);

		// When the cursor is on the torch-backend group
		const { lastFrame, stdin } = render(
			<BrowserScreen
				view={view}
				width={140}
				height={24}
				message={undefined}
				onChoose={() => {}}
				onCommand={() => {}}
				active
			/>,
		);
		await press(stdin, KEY.down, KEY.down);
		const frame = stripAnsi(await waitForFrame(lastFrame, (f) => f.includes("❯ torch-backend")));

		// Then its option is marked, and the details say it is this machine's, local, and what was detected
		expect(frame).toContain("(*) torch-cu128 2.8.0");
		expect(frame).toContain("( ) torch-cpu 2.8.0");
		expect(frame.split("\n")).toContain(
			" this machine: torch-cu128 (local: .hpm/machine.toml, not in git); detected CUDA 12.8 (UV_CUDA_DRIVER_VERSION, driver 570.86.15)",
		);
	});
});
