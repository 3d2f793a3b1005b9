import path from "node:path";
import { HpmError } from "../../core/base/errors.js";
import { closest } from "../../core/base/names.js";
import { requireProject, resolveContext } from "../../core/plan/context.js";
import { defineCommand } from "../command.js";

const SERVICES = ["github", "gitlab"] as const;

export default defineCommand({
	usage: "hpm ci init github|gitlab [--run CMD] [--force] [options]",
	description:
		"Writes a CI pipeline beside pyproject.toml (.github/workflows/hpm.yml or .gitlab-ci.yml) that lints the\n" +
		"registry, checks the combinations (hpm check --matrix), and runs one job per combination in a fresh\n" +
		'checkout: hpm sync --combination "$HPM_COMBINATION", then CMD. An existing file is replaced only with --force.',
	args: ["SERVICE"],
	flags: {
		run: {
			type: "string",
			value: "CMD",
			help: 'what each combination\'s job runs after syncing it (default "uv run pytest")',
		},
		force: { type: "boolean", help: "replace the file if it exists" },
	},
	run: async ({ args, flags, locator, cwd, output }) => {
		const service = SERVICES.find((s) => s === args[0]);
		if (!service) {
			const guess = closest(args[0] ?? "", SERVICES);
			throw new HpmError("usage", `no CI service "${args[0]}": hpm ci init writes for github or gitlab`, {
				hint: guess ? `did you mean \`hpm ci init ${guess}\`?` : "hpm ci init github|gitlab",
			});
		}
		if (output.json)
			throw new HpmError("usage", "hpm ci init writes a pipeline file and has no JSON form", {
				hint: `run it without --json: hpm ci init ${service}`,
			});
		const run = flags.run ?? "uv run pytest";
		if (run.trim() === "" || /[\r\n]/.test(run))
			throw new HpmError("usage", "--run must be one line of shell (a script's name, or cmd1 && cmd2)");
		const root = requireProject(resolveContext(locator, cwd)).root;
		const { initCi } = await import("../../core/operations/ci-init.js");
		const file = initCi(root, service, run, flags.force);
		output.out(`wrote ${path.relative(cwd, file) || file}: each combination's job runs \`${run}\``);
		return 0;
	},
});
