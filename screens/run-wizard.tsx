import { asciiSafe } from "../components/ascii-stdout.js";
import { render } from "ink";
import type { PackageRequest } from "../source/core/plan/ports.js";
import type { PackageInput } from "../source/core/registry/new-package.js";
import { interrupted } from "./interrupted.js";
import { WizardScreen } from "./wizard-screen.js";

/** Asks, inline, for whatever the command line did not give; resolves with every input, or undefined when cancelled. */
export async function runWizard(request: PackageRequest): Promise<PackageInput | undefined> {
	let result: PackageInput | undefined;
	let stopped = false;
	const instance = render(
		<WizardScreen
			env={request.env}
			initial={request.given}
			width={process.stdout.columns || 80}
			active
			onSubmit={async (input) => {
				result = input;
				return "";
			}}
			onExit={(_, interrupt) => {
				stopped = interrupt === true;
				instance.unmount();
			}}
		/>,
		{ exitOnCtrlC: false, stdout: asciiSafe(process.stdout) },
	);
	await instance.waitUntilExit();
	if (stopped) throw interrupted("nothing was written");
	return result;
}
