import { rmSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { render } from "ink-testing-library";
import { describe, expect, it, vi } from "vitest";
import { glyphs } from "../../components/glyphs.js";
import { App } from "../../screens/app.js";
import { HpmError, type Problem } from "../../source/core/base/errors.js";
import { KEY, press, waitForFrame } from "../helpers/ink.js";
import { copyExample } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

// Every problem and error the core hands the UI has its words replaced by random text (when
// `words.reworded`): what the browser marks must come from the problems' data alone.
const words = vi.hoisted(() => ({ reworded: false, seen: 0 }));

function reword(problem: Problem): Problem {
	words.seen++;
	return { ...problem, message: `reworded-${Math.random().toString(36).slice(2)}` };
}

function rewordError(error: unknown): unknown {
	if (!(error instanceof HpmError)) return error;
	const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as HpmError, error, {
		problems: error.problems.map(reword),
	});
	Object.defineProperty(copy, "message", { value: `reworded-${Math.random().toString(36).slice(2)}` });
	return copy;
}

const on = () => words.reworded;

vi.mock("../../source/core/registry/constraints.js", async (original) => {
	const mod = await original<typeof import("../../source/core/registry/constraints.js")>();
	return {
		...mod,
		constraintProblems: (...args: Parameters<typeof mod.constraintProblems>) =>
			on() ? mod.constraintProblems(...args).map(reword) : mod.constraintProblems(...args),
	};
});

vi.mock("../../source/core/operations/preview.js", async (original) => {
	const mod = await original<typeof import("../../source/core/operations/preview.js")>();
	return {
		...mod,
		previewOperation: (...args: Parameters<typeof mod.previewOperation>) => {
			const preview = mod.previewOperation(...args);
			return on() ? { ...preview, problems: preview.problems.map(reword) } : preview;
		},
	};
});

vi.mock("../../source/core/operations/run.js", async (original) => {
	const mod = await original<typeof import("../../source/core/operations/run.js")>();
	async function* runOperation(...args: Parameters<typeof mod.runOperation>) {
		const events = mod.runOperation(...args);
		try {
			for (;;) {
				const next = await events.next();
				if (next.done) {
					const result = next.value;
					return on() && result.kind === "check" ? { ...result, problems: result.problems.map(reword) } : result;
				}
				const event = next.value;
				yield on() && (event.type === "problem" || event.type === "warning")
					? { ...event, problem: reword(event.problem) }
					: event;
			}
		} catch (error) {
			throw on() ? rewordError(error) : error;
		}
	}
	return { ...mod, runOperation };
});

/**
 * The browser's group rows and the options' forbidden marks after a check that failed, in a
 * project whose choice breaks a rule (metric-rouge requires metric-bleu) and whose chosen
 * inference backend's folder is gone (a real check failure naming inference=vlm-adapter-deepseek).
 */
async function marksAfterFailedCheck(): Promise<{ marks: string[]; result: string }> {
	const dir = copyExample();
	Object.assign(process.env, uvEnv());
	const file = path.join(dir, "pyproject.toml");
	writeFileSync(
		file,
		readFileSync(file, "utf8")
			.replace('inference = "vlm-adapter-qwen"', 'inference = "vlm-adapter-deepseek"')
			.replace('metrics = ["metric-bleu"]', 'metrics = ["metric-rouge"]'),
	);
	rmSync(path.join(dir, "packages/vlm_adapter_deepseek"), { recursive: true });
	const { lastFrame, stdin, unmount } = render(<App locator={{}} cwd={dir} />);
	try {
		await waitForFrame(lastFrame, (f) => f.includes("inference 1-of-N"));
		await press(stdin, "c");
		await waitForFrame(lastFrame, (f) => f.includes("Press Enter to resolve it with uv"));
		await press(stdin, KEY.enter);
		const result = await waitForFrame(lastFrame, (f) => f.includes("uv's whole output"), 30_000);
		await press(stdin, KEY.escape);
		// the browser again, reloaded; the metrics group's options under the cursor
		await waitForFrame(lastFrame, (f) => f.includes("inference 1-of-N"));
		await press(stdin, KEY.down);
		const frame = await waitForFrame(lastFrame, (f) => f.includes("❯ metrics"));
		const marks = frame.split("\n").filter((line) => /-of-N|metric-legacy/.test(line));
		return { marks, result };
	} finally {
		unmount();
	}
}

describe("the browser's marks come from the problems' data, never their words", () => {
	it("a check failure and a broken rule mark the same groups and options when every message is reworded", async () => {
		words.reworded = false;
		const plain = await marksAfterFailedCheck();
		words.reworded = true;
		words.seen = 0;
		const reworded = await marksAfterFailedCheck();
		words.reworded = false;

		// the messages did change on their way to the UI
		expect(words.seen).toBeGreaterThan(0);
		expect(reworded.result).toContain("problem: ");
		expect(reworded.result).toContain("reworded-");
		expect(plain.result).toContain("inference=vlm-adapter-deepseek");
		// inference: named by the failed check (its folder is gone); metrics: a rule it breaks
		expect(plain.marks.join("\n")).toMatch(/inference 1-of-N conflict/);
		expect(plain.marks.join("\n")).toMatch(/metrics M-of-N conflict/);
		// metric-legacy is forbidden with inference=vlm-adapter-deepseek chosen
		expect(plain.marks.join("\n")).toMatch(
			new RegExp(`metric-legacy 0\\.1\\.0 ${glyphs.cross} inference=vlm-adapter-deeps`),
		);
		expect(reworded.marks).toEqual(plain.marks);
	});
});
