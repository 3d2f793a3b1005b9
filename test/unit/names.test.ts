import { describe, expect, it } from "vitest";
import { closest, invalidNameReason, normalizeName } from "../../source/core/base/names.js";
import { uvDetail } from "../../source/core/uv/shown-lines.js";

import { invalidGitUrlReason, invalidRefReason } from "../../source/core/registry/validate.js";

describe("PEP 503 normalization", () => {
	it.each([
		["VLM_Adapter.Qwen", "vlm-adapter-qwen"],
		["vlm-adapter-qwen", "vlm-adapter-qwen"],
		["a__b..c--d", "a-b-c-d"],
		["Metric_Bleu", "metric-bleu"],
	])("%s -> %s", (name, normalized) => expect(normalizeName(name)).toBe(normalized));
});

describe("PEP 508 names", () => {
	it.each(["a", "vlm-adapter-qwen", "A1.b_c", "x9", "a".repeat(200)])("accepts %s", (name) =>
		expect(invalidNameReason(name)).toBeUndefined(),
	);
	it.each([
		["", /empty/],
		["-rf", /start with '-'/],
		["../x", /path separator/],
		["a..b", /'\.\.'/],
		["vlm-аdapter", /ASCII/],
		["name-", /start and end with a letter or digit/],
		["has space", /PEP 508/],
		["a".repeat(201), /at most 200 characters \(it names a file\)/],
	])("rejects %j", (name, reason) => expect(invalidNameReason(name)).toMatch(reason));
});

describe("git URLs and refs", () => {
	it.each(["https://github.com/a/b.git", "ssh://git@host/a/b", "git@github.com:a/b.git", "file:///tmp/repo.git"])(
		"accepts %s",
		(url) => expect(invalidGitUrlReason(url)).toBeUndefined(),
	);
	it.each(["-u", "ext::sh -c x", "fd::3", "github.com/a/b", "https://a b"])("rejects %s", (url) =>
		expect(invalidGitUrlReason(url)).toBeDefined(),
	);
	it.each(["v1.0.0", "main", "feature/x", "0123abc"])("accepts ref %s", (ref) =>
		expect(invalidRefReason(ref)).toBeUndefined(),
	);
	it.each(["--force", "a..b", "x y", "bad:ref", "x.lock"])("rejects ref %s", (ref) =>
		expect(invalidRefReason(ref)).toBeDefined(),
	);
});

describe("did-you-mean", () => {
	it("finds a typo and ignores unrelated words", () => {
		expect(closest("stratgy", ["name", "strategy", "options"])).toBe("strategy");
		expect(closest("xyz", ["name", "strategy"])).toBeUndefined();
	});
});

describe("uv's hints about its own flags are left out of a problem's detail", () => {
	it("drops a hint naming a uv flag or command, with its continuation lines, and keeps the rest", () => {
		const lines = [
			"error: No solution found when resolving dependencies",
			"  cause: Because x depends on y>=2 and only y<2 is available, x cannot be used.",
			"  hint: Pre-releases are available for `y` in the requested range (e.g., 2.0a1), but pre-releases weren't",
			"        enabled (try: `--prerelease=allow`)",
			"  hint: `y` was found on https://example.org/simple, but not at the requested version",
		];
		expect(uvDetail(lines)).toBe(
			"error: No solution found when resolving dependencies\n  cause: Because x depends on y>=2 and only y<2 is available, x cannot be used.\n  hint: `y` was found on https://example.org/simple, but not at the requested version",
		);
	});
});
