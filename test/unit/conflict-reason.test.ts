import { describe, expect, it } from "vitest";
import { conflictReason, uvCause } from "../../source/core/operations/conflict-reason.js";
import type { PlanEntry } from "../../source/core/plan/plan.js";

const entry = (name: string): PlanEntry => ({
	key: name,
	name,
	groups: ["g"],
	source: { type: "local", path: `/p/${name}`, rawPath: name, editable: false },
});

/** uv's words, as uv 0.13 writes them (lines wrapped as uv wraps them). */
const uv = (...lines: string[]) => ["error: No solution found when resolving dependencies", ...lines];

describe("the reason on a conflict's line (uv's words, in package terms)", () => {
	it("two requirements that cannot both hold", () => {
		const lines = uv(
			"  cause: Because only c==0.1.0 is available and c==0.1.0 depends on attrs>=23, we can conclude that all versions of c depend on attrs>=23.",
			"         And because d==0.1.0 depends on attrs<22 and only d==0.1.0 is available, we can conclude that all versions of c and all versions of d are incompatible.",
			"         And because your project depends on c and d, we can conclude that your project's requirements are unsatisfiable.",
		);
		expect(conflictReason(lines, [entry("c"), entry("d")])).toBe("attrs>=23 vs attrs<22");
		// in the order the line names the choices
		expect(conflictReason(lines, [entry("d"), entry("c")])).toBe("attrs<22 vs attrs>=23");
	});

	it("the Python version, and who asks for it", () => {
		const lines = uv(
			"  cause: Because the requested Python version (>=3.11) does not satisfy Python>=3.13 and py313==0.1.0 depends on Python>=3.13, we can conclude that py313==0.1.0 cannot be used.",
		);
		expect(conflictReason(lines, [entry("py313")])).toBe(
			"py313 needs Python >=3.13; the project's requires-python is >=3.11",
		);
	});

	it("one option against what is available", () => {
		const lines = uv(
			"  cause: Because only a==0.1.0 is available and a==0.1.0 depends on core-iface<2, we can conclude that all versions of a depend on core-iface<2.",
			"         And because only core-iface>=2 is available and your project depends on a, we can conclude that your project's requirements are unsatisfiable.",
		);
		expect(conflictReason(lines, [entry("a")])).toBe("a needs core-iface<2; only core-iface>=2 is available");
	});

	it("a set of three whose explanation names two requirements says the third choice too", () => {
		const lines = uv(
			"  cause: Because a2==0.1.0 depends on attrs>=22.1,<23.2 and c1==0.1.0 depends on attrs>=23, we can conclude that a2==0.1.0 and c1==0.1.0 are incompatible with attrs!=23.1.0.",
		);
		expect(conflictReason(lines, [entry("a2"), entry("c1"), entry("d2")])).toBe(
			"attrs>=22.1,<23.2 vs attrs>=23, together with d2",
		);
	});

	it("uv's cause line when nothing else says why", () => {
		const lines = [
			"error: Failed to build `gok @ file:///x`",
			"  Caused by: Package metadata name `gpkg` does not match given name `gok`",
		];
		expect(conflictReason(lines, [entry("gok")])).toBeUndefined();
		expect(uvCause(lines)).toBe("Package metadata name `gpkg` does not match given name `gok`");
	});
});
