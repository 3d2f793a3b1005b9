import { describe, expect, it } from "vitest";
import { exclusionRecord, planExclusions } from "../../source/core/plan/replacements.js";

describe("hpm's entries in [tool.uv] exclude-dependencies", () => {
	it("adds what is wanted after the person's entries, and records only its own", () => {
		const plan = planExclusions({ list: ["Mine"], owned: [] }, ["opencv-python"]);
		expect(plan.staged).toEqual({ list: ["Mine", "opencv-python"], owned: ["opencv-python"] });
		expect(plan.final).toEqual(plan.staged);
	});

	it("removes its own entries only after uv's edits, and the key when it made it", () => {
		const plan = planExclusions({ list: ["opencv-python"], owned: ["opencv-python"] }, []);
		// while uv runs the entry stays: no lock on the way asks for what is about to come back
		expect(plan.staged).toEqual({ list: ["opencv-python"], owned: ["opencv-python"] });
		expect(plan.final).toEqual({ list: undefined, owned: [] });
	});

	it("never owns an entry the person wrote, and forgets one the person removed by hand", () => {
		// the person wrote it first (another spelling): it stays theirs, whatever hpm wants
		const theirs = planExclusions({ list: ["OpenCV_Python"], owned: [] }, ["opencv-python"]);
		expect(theirs.final).toEqual({ list: ["OpenCV_Python"], owned: [] });
		expect(planExclusions({ list: ["OpenCV_Python"], owned: [] }, []).final.list).toEqual(["OpenCV_Python"]);
		// hpm's record names an entry the list no longer has: forgotten, and added again only if wanted
		expect(planExclusions({ list: ["x"], owned: ["opencv-python"] }, []).final).toEqual({ list: ["x"], owned: [] });
	});

	it("does not write over an exclude-dependencies that is not a list of names", () => {
		const record = exclusionRecord({ tool: { uv: { "exclude-dependencies": "opencv-python" } } });
		expect(record.unusable).toBe(true);
		const plan = planExclusions(record, ["onnxruntime"]);
		expect(plan.final).toBe(record);
	});
});
