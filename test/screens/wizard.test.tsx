import path from "node:path";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { WizardScreen } from "../../screens/wizard-screen.js";
import {
	answerStep,
	currentStep,
	givenSteps,
	startWizard,
	stepBack,
	WIZARD_STEPS,
} from "../../screens/wizard-steps.js";
import type { PackageInput } from "../../source/core/registry/new-package.js";
import { KEY, press, waitForFrame } from "../helpers/ink.js";
import { copyExample } from "../helpers/run.js";

describe("wizard steps (pure)", () => {
	const env = {
		cwd: "/",
		packagesDir: "/r/packages",
		groups: ["metrics"],
		indexes: [],
		existing: new Map([["metric-bleu", ["prod"]]]),
	};
	it("asks only for what the flags did not give", () => {
		const given = givenSteps({ url: "https://x.org/r.git", tag: "v1" });
		const state = startWizard({ url: "https://x.org/r.git", tag: "v1" });
		expect(currentStep(state, given)?.id).toBe("name");
	});
	it("validates as typed and goes back a step", () => {
		const name = WIZARD_STEPS.find((s) => s.id === "name");
		const none = { editable: false, force: false };
		expect(name?.validate?.("../x", none, env)).toMatch(/path separator/);
		expect(name?.validate?.("Metric_Bleu", none, env)).toBeUndefined();
		const mode = WIZARD_STEPS.find((s) => s.id === "mode");
		expect(mode?.validate?.("prod", { ...none, name: "Metric_Bleu" }, env)).toBe(
			'"Metric_Bleu" already has a prod source; choose another mode (its other sources stay)',
		);
		expect(mode?.validate?.("dev", { ...none, name: "Metric_Bleu" }, env)).toBeUndefined();
		const type = WIZARD_STEPS[0];
		if (!type) throw new Error("no steps");
		const after = answerStep(startWizard({}), type, "git", env);
		expect(currentStep(after, new Set())?.id).toBe("url");
		expect(stepBack(after)?.values.type).toBeUndefined();
	});
});

describe("the registry add wizard screen", () => {
	it("walks a local package through every field, pre-filling name and version, and submits flags", async () => {
		const dir = copyExample();
		let submitted: PackageInput | undefined;
		const env = {
			cwd: dir,
			packagesDir: path.join(dir, "registry/packages"),
			groups: ["inference", "metrics"],
			indexes: [],
			existing: new Map<string, string[]>(),
		};
		const { lastFrame, stdin } = render(
			<WizardScreen
				env={env}
				initial={{}}
				width={100}
				active
				onSubmit={async (f) => ((submitted = f), "ok")}
				onExit={() => {}}
			/>,
		);
		await waitForFrame(lastFrame, (f) => f.includes("Where does the package come from?"));
		await press(stdin, KEY.enter); // a local folder
		await waitForFrame(lastFrame, (f) => f.includes("Folder holding the package"));
		await press(stdin, ..."packages/nope");
		await waitForFrame(lastFrame, (f) => f.includes("packages/nope does not exist"));
		await press(stdin, ...Array(4).fill("\u007F"), ..."metric_rouge");
		await waitForFrame(lastFrame, (f) => f.includes("› packages/metric_rouge") && !f.includes("does not exist"));
		await press(stdin, KEY.enter);
		let frame = await waitForFrame(lastFrame, (f) => f.includes("Package name"));
		expect(frame).toContain("› metric-rouge");
		await press(stdin, KEY.enter); // name as pre-filled
		frame = await waitForFrame(lastFrame, (f) => f.includes("Version"));
		expect(frame).toContain("› 0.1.0");
		await press(stdin, KEY.enter);
		await waitForFrame(lastFrame, (f) => f.includes("Mode this source serves"));
		await press(stdin, ...Array(4).fill("\u007F"), ..."dev", KEY.enter);
		await waitForFrame(lastFrame, (f) => f.includes("Install it editable?"));
		await press(stdin, KEY.down, KEY.enter);
		await waitForFrame(lastFrame, (f) => f.includes("Also offer it in a group?"));
		await press(stdin, KEY.enter);
		frame = await waitForFrame(lastFrame, (f) => f.includes("Summary"));
		expect(frame).toContain(
			'name: "metric-rouge"\nversion: "0.1.0"\ndescription: "The ROUGE text-overlap metric"\nsources:\n  dev:\n    type: "local"\n    path: "../../packages/metric_rouge"\n    editable: true',
		);
		await press(stdin, KEY.enter);
		expect(submitted).toMatchObject({
			type: "local",
			path: "packages/metric_rouge",
			name: "metric-rouge",
			version: "0.1.0",
			mode: "dev",
			editable: true,
		});
	});
	it("keys typed together act in order: Enter opens the next field and the rest of the chunk lands in it", async () => {
		const dir = copyExample();
		const env = {
			cwd: dir,
			packagesDir: path.join(dir, "registry/packages"),
			groups: ["inference", "metrics"],
			indexes: [],
			existing: new Map<string, string[]>(),
		};
		const { lastFrame, stdin } = render(
			<WizardScreen env={env} initial={{}} width={100} active onSubmit={async () => "ok"} onExit={() => {}} />,
		);
		await waitForFrame(lastFrame, (f) => f.includes("Where does the package come from?"));
		// one chunk, as a paste or tmux send-keys delivers it: pick "a local folder", type a path, Enter
		stdin.write("\rpackages/metric_rouge\r");
		const frame = await waitForFrame(lastFrame, (f) => f.includes("Package name"));
		expect(frame).toContain("✓ path: packages/metric_rouge");
		expect(frame).toContain("› metric-rouge");
	});
});
