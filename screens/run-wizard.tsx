import path from "node:path";
import { render } from "ink";
import type { RegistryAddFlags } from "../source/cli/commands/registry-add.js";
import { WizardScreen } from "./wizard-screen.js";
import type { WizardEnv } from "./wizard-steps.js";

/** Asks, inline, for whatever `initial` lacks; resolves with the complete flags or undefined when cancelled. */
export async function runWizard(
	registryRoot: string,
	cwd: string,
	groups: readonly string[],
	existing: ReadonlySet<string>,
	initial: Partial<RegistryAddFlags>,
): Promise<RegistryAddFlags | undefined> {
	const env: WizardEnv = { cwd, packagesDir: path.join(registryRoot, "packages"), groups, existing };
	let result: RegistryAddFlags | undefined;
	const instance = render(
		<WizardScreen
			env={env}
			initial={initial}
			width={process.stdout.columns || 80}
			active
			onSubmit={(flags) => {
				result = flags;
				return "";
			}}
			onExit={() => instance.unmount()}
		/>,
		{ exitOnCtrlC: true },
	);
	await instance.waitUntilExit();
	return result;
}
