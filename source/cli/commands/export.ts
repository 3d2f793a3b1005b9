import path from "node:path";
import { HpmError } from "../../core/base/errors.js";
import { closest } from "../../core/base/names.js";
import { defineCommand, MODE_FLAG } from "../command.js";
import { report } from "../reporter.js";
import { operationSignal } from "../signals.js";

const FORMATS = ["requirements", "pylock"] as const;

export default defineCommand({
	usage: "hpm export [--combination C] [--mode MODE] [--format requirements|pylock] [-o FILE] [options]",
	description:
		"What an image build needs for one combination (default: the project's choice), through `uv export`:\n" +
		"a requirements file (with hashes where uv has them) or a PEP 751 pylock.toml. uv resolves in a scratch copy:\n" +
		"pyproject.toml, uv.lock and .venv are not touched. Local paths are relative to the project (requirements)\n" +
		"or to the file's folder (pylock.toml), as uv writes them. Without -o the file goes to stdout.",
	args: [],
	flags: {
		combination: {
			type: "string",
			value: "C",
			help: 'export exactly this choice instead of the project\'s: "inference=a,metrics=b+c"',
		},
		mode: MODE_FLAG,
		format: { type: "string", value: "F", help: "requirements (default: requirements.txt) or pylock (pylock.toml)" },
		output: {
			type: "string",
			short: "o",
			value: "FILE",
			help: "write the file there instead of stdout (an existing file only with --force)",
		},
		force: {
			type: "boolean",
			help: "replace the file -o names when it exists (never a link or the project's own files)",
		},
	},
	run: async ({ locator, cwd, output, flags }) => {
		if (output.json)
			throw new HpmError("usage", "hpm export writes a requirements file or a pylock.toml, which has no JSON form", {
				hint: "run it without --json",
			});
		const format = FORMATS.find((f) => f === (flags.format ?? "requirements"));
		if (!format) {
			const guess = closest(flags.format ?? "", FORMATS);
			throw new HpmError("usage", `--format must be requirements or pylock, got "${flags.format}"`, {
				...(guess ? { hint: `did you mean ${guess}?` } : {}),
			});
		}
		if (flags.output === "")
			throw new HpmError("usage", "-o names no file", { hint: "give a file (-o requirements.txt), or - for stdout" });
		// `-o -` is stdout, as for uv and pip
		const file = flags.output === undefined || flags.output === "-" ? undefined : path.resolve(cwd, flags.output);
		if (file && format === "pylock" && !/^pylock\.([^.]+\.)?toml$/.test(path.basename(file)))
			throw new HpmError("usage", `-o ${flags.output}: PEP 751 names the file pylock.toml or pylock.NAME.toml`);
		const [{ resolveContext, requireProject }, { exportSelection }, { parseCombination }, { openSelection }] =
			await Promise.all([
				import("../../core/plan/context.js"),
				import("../../core/operations/export.js"),
				import("../../core/plan/combination.js"),
				import("../../core/plan/open-selection.js"),
			]);
		const context = resolveContext(locator, cwd);
		const root = requireProject(context).root;
		const interrupt = operationSignal();
		try {
			const selection =
				flags.combination === undefined
					? undefined
					: parseCombination((await openSelection(context, { signal: interrupt.signal })).registry, flags.combination);
			const events = exportSelection(context, {
				format,
				mode: flags.mode,
				selection,
				into: file ? path.dirname(file) : root,
				signal: interrupt.signal,
			});
			const result = await report(events, output, { plan: false });
			if (!file) {
				output.out(result.text.replace(/\n$/, ""));
				return 0;
			}
			const { writeOutputFile } = await import("../../core/os/output-file.js");
			writeOutputFile(file, result.text, {
				replace: flags.force === true,
				flag: "--force",
				// the project's own files are never an export's output, --force or not
				protect: [path.join(root, "pyproject.toml"), path.join(root, "uv.lock")],
			});
			output.err(`wrote ${flags.output} (${result.combination || "no choice"}, mode ${result.mode})`);
			return 0;
		} catch (error) {
			const code = interrupt.exitCode();
			if (code !== undefined)
				throw new HpmError("interrupted", "export interrupted; nothing was changed", { exitCode: code });
			throw error;
		} finally {
			interrupt.dispose();
		}
	},
});
