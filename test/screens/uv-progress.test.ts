import { describe, expect, it } from "vitest";
import { NO_PROGRESS, progressOf, progressSummary } from "../../screens/uv-progress.js";

describe("uv's progress, read from its lines", () => {
	it("follows a sync as uv prints it and sums it up", () => {
		const lines = [
			"Using CPython 3.11.7 interpreter at: /usr/bin/python3",
			"Resolved 5 packages in 12ms",
			"   Building metric-rouge @ file:///tmp/x/packages/metric_rouge",
			"      Built metric-rouge @ file:///tmp/x/packages/metric_rouge",
			"Prepared 2 packages in 300ms",
			"Uninstalled 1 package in 2ms",
			"Installed 2 packages in 4ms",
			" + metric-rouge==0.1.0 (from file:///tmp/x/packages/metric_rouge)",
		];
		const statuses: (string | undefined)[] = [];
		let progress = NO_PROGRESS;
		for (const line of lines) {
			progress = progressOf(progress, line);
			statuses.push(progress.status);
		}
		expect(statuses).toEqual([
			"preparing the environment",
			"resolved 5 packages",
			"building metric-rouge",
			"built metric-rouge",
			"prepared 2 packages",
			"uninstalled 1",
			"installed 2 packages",
			"installed 2 packages",
		]);
		expect(progressSummary(progress)).toBe("resolved 5, built metric-rouge, installed 2, removed 1");
		expect(progressSummary(NO_PROGRESS)).toBeUndefined();
	});
});
