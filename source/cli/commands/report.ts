import path from "node:path";
import { startDetached } from "../../core/os/child.js";
import { defineCommand } from "../command.js";

/** The file written when -o names none, in the current folder (REPORT_FILE, without loading the core here). */
const DEFAULT_FILE = "hpm-report.html";

export default defineCommand({
	usage: "hpm report [-o FILE] [--from FILE] [--open] [options]",
	description:
		"Writes one self-contained HTML file (no network: its script and style are inside it): the component graph, which choices go together (a block of option x option cells per pair of groups: proven, conflict or untried, each conflict with uv's explanation on click), each combination's result, and the selection, mode and registry it was made from.\n--from renders a saved `hpm check --matrix --json` or `hpm test --json`; without it the report uses the matrix's cached answers (uv is never run) and says what is missing.",
	args: [],
	flags: {
		output: { type: "string", short: "o", value: "FILE", help: `where to write the report (default ${DEFAULT_FILE})` },
		from: { type: "string", value: "FILE", help: "a saved `hpm check --matrix --json` or `hpm test --json`" },
		open: { type: "boolean", help: "open the report in the system's browser, when there is one" },
	},
	run: async ({ locator, cwd, output, flags }) => {
		const { buildReport, renderReport, writeReport } = await import("../../core/operations/report.js");
		const file = path.resolve(cwd, flags.output ?? DEFAULT_FILE);
		const data = await buildReport({ locator, cwd }, { from: flags.from, now: new Date() });
		const html = renderReport(data);
		writeReport(file, html);
		const opened = flags.open ? await openInBrowser(file) : undefined;
		if (output.json) {
			output.data({ file, bytes: Buffer.byteLength(html), missing: data.missing, ...(flags.open ? { opened } : {}) });
			return 0;
		}
		for (const line of data.missing) output.err(`note: ${line}`);
		output.out(`report written: ${file} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KB)`);
		if (opened === false)
			output.err("no browser could be opened here (xdg-open or open was not found); open the file yourself");
		return 0;
	},
});

/** The program that hands a file to the system's browser, by platform (xdg-open elsewhere). */
const OPENERS: Partial<Record<NodeJS.Platform, readonly string[]>> = {
	darwin: ["open"],
	win32: ["cmd", "/c", "start", ""],
};

/** Hands `file` to the system's opener, without waiting for the browser; false when there is none. */
function openInBrowser(file: string): Promise<boolean> {
	const [program = "xdg-open", ...args] = OPENERS[process.platform] ?? ["xdg-open"];
	return startDetached(program, [...args, file]);
}
