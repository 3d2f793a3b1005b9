import { HpmError } from "../../core/base/errors.js";
import {
	addPackage,
	needsAnswers,
	packageForm,
	withBackendMetadata,
} from "../../core/operations/registry/add-package.js";
import { PACKAGE_INPUTS, type PackageInput } from "../../core/registry/new-package.js";
import { defineCommand } from "../command.js";

export default defineCommand({
	usage: "hpm registry add [flags] [options]",
	description:
		"Writes registry/packages/<name>.yaml. For a local path, name, version and description are\nread from the package (pyproject.toml, an sdist's PKG-INFO, else its build backend) when not\ngiven. On a terminal, a form asks for what is missing.\nFor a package already in the registry, adds the source for --mode (or replaces it with\n--force), leaving the rest of the manifest as it was.",
	writes: true,
	args: [],
	flags: PACKAGE_INPUTS,
	run: async ({ locator, cwd, output, flags, prompter, hooks }) => {
		// what the package's build backend says is read first: a dynamic version is not a question
		let input: PackageInput = await withBackendMetadata(flags, cwd);
		if (prompter && needsAnswers(input, cwd)) {
			const answered = await prompter.askPackage({ env: await packageForm(locator, cwd, input), given: given(input) });
			if (!answered) throw new HpmError("cancelled", "cancelled: nothing was written", { exitCode: 1 });
			input = answered;
		}
		const added = await addPackage(locator, cwd, input, hooks);
		if (output.json) {
			const { manifest } = added;
			output.data({
				name: manifest.name,
				version: manifest.version,
				file: added.file,
				action: added.action,
				mode: manifest.mode,
				source: manifest.source,
				group: input.group ?? null,
			});
			return 0;
		}
		output.out(added.message);
		if (added.groupMessage) output.out(added.groupMessage);
		return 0;
	},
});

/** The inputs the command line gave: unset strings and false booleans are questions still open. */
function given(flags: PackageInput): Partial<PackageInput> {
	return Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined && value !== false));
}
