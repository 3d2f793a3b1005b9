import { describe, expect, it } from "vitest";
import { shownLines } from "../../source/core/uv/shown-lines.js";

/** Every line through the filter, as the reporter feeds it, then what uv's exit releases. */
function shown(lines: readonly string[]): string[] {
	const filter = shownLines();
	return [...lines.flatMap((line) => filter.push(line)), ...filter.end()];
}

describe("uv's streamed lines as a person sees them", () => {
	it("drops a hint about a flag hpm does not have, its continuation and the blank line before it", () => {
		expect(
			shown([
				"error: Failed to add dependencies",
				"  cause: No solution found",
				"",
				"hint: If you want to add the package regardless of the failed resolution, provide the `--frozen` flag",
				"      to skip locking and syncing",
				"Resolved 3 packages",
			]),
		).toEqual(["error: Failed to add dependencies", "  cause: No solution found", "Resolved 3 packages"]);
	});

	it("keeps a hint that tells something true, and a hint that ends uv's output", () => {
		const hint = "hint: Packages were unavailable because the network was disabled";
		expect(shown(["error: boom", "", hint])).toEqual(["error: boom", "", hint]);
		expect(shown(["error: boom", "", "hint: run `uv lock --upgrade`"])).toEqual(["error: boom"]);
	});

	it("holds nothing but a hint: every other line is shown when it arrives", () => {
		const filter = shownLines();
		expect(filter.push("Resolved 3 packages")).toEqual(["Resolved 3 packages"]);
		expect(filter.push("  Building x")).toEqual(["  Building x"]);
		expect(filter.push("")).toEqual([]);
		expect(filter.push("Installed 3 packages")).toEqual(["", "Installed 3 packages"]);
	});
});
