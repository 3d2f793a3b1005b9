import { describe, expect, it } from "vitest";
import { explainFailure } from "../../source/core/operations/conflict.js";
import type { PlanEntry } from "../../source/core/plan/plan.js";

const fromIndex = (name: string, group: string): PlanEntry => ({
	key: name,
	name,
	groups: [group],
	source: { type: "index", requirement: name, index: undefined },
});

describe("a failed uv run explained: the sentence and the data name the same choices", () => {
	it("an index that cannot be reached names the option it was asked for, in words and as data", () => {
		// Given uv 0.13's words when the index refuses the connection (they name the package only in the URL)
		const lines = [
			"Using CPython 3.11.7 interpreter at: /usr/bin/python3",
			"error: Failed to fetch: http://127.0.0.1:9/simple/tinyx/",
			"  cause: error sending request for url (http://127.0.0.1:9/simple/tinyx/)",
			"  cause: client error (Connect)",
			"  cause: tcp connect error",
			"  cause: Connection refused (os error 111)",
		];
		// When the failure is explained
		const explained = explainFailure(lines, 2, [fromIndex("tinyx", "g"), fromIndex("other", "h")]);
		// Then the sentence names g=tinyx, and so do the entries a view marks
		expect(explained?.code).toBe("source-unreachable");
		expect(explained?.message).toBe("g=tinyx: the source cannot be reached (tinyx from the default index)");
		expect(explained?.entries.map((entry) => entry.key)).toEqual(["tinyx"]);
	});

	it("a failure that names no selected option names none as data either", () => {
		const lines = [
			"error: Failed to fetch: http://127.0.0.1:9/simple/zzz/",
			"  cause: Connection refused (os error 111)",
		];
		const explained = explainFailure(lines, 2, [fromIndex("tinyx", "g")]);
		expect(explained?.message).toBe("a selected package: the source cannot be reached");
		expect(explained?.entries).toEqual([]);
	});
});
