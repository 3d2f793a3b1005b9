import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { displayPath } from "../../source/core/base/display-path.js";
import { parseRequirement } from "../../source/core/registry/requirement.js";
import {
	invalidGitUrlReason,
	invalidIndexUrlReason,
	invalidLocalPathReason,
	invalidRefReason,
	invalidSubdirectoryReason,
} from "../../source/core/registry/validate.js";
import { displaySafe, hasControlCharacter, terminalSafe } from "../../source/core/base/text.js";
import { tempDir } from "../helpers/run.js";

describe("a git subdirectory stays inside the repository", () => {
	const hostile = [
		"..",
		"../x",
		"sub/../../etc",
		"a/../../x",
		"./../x",
		"a/..",
		"a/b/..",
		"a/./../..",
		"a\\..\\..\\x",
		"..\\x",
		"a/..\\..",
		"/etc",
		"/",
		"\\\\server\\share",
		"\\x",
		"C:/x",
		"c:x",
		"~",
		"~/x",
		"~root/x",
		"a\u0000b",
		"a/\u0000/..",
		"a/%2e%2e/%2e%2e/etc",
		"%2E%2E",
		"a b",
		"a\tb",
		"-x",
		"a\u0085b",
		"a#b",
		"a?b",
	];
	for (const value of hostile)
		it(`refuses ${JSON.stringify(value)}`, () => {
			expect(invalidSubdirectoryReason(value)).toBeDefined();
		});

	const fine = ["sub", "a/b/c", "./a", "a/./b", "a..b", "...", "a/...", "a.b/c..d", "x~", "a\\b", "a/c:x"];
	for (const value of fine)
		it(`accepts ${JSON.stringify(value)}`, () => {
			expect(invalidSubdirectoryReason(value)).toBeUndefined();
		});

	it("says why, in words a person can act on", () => {
		expect(invalidSubdirectoryReason("sub/../../etc")).toBe('must not contain ".." (it would leave the repository)');
		expect(invalidSubdirectoryReason("/etc")).toBe("must be a relative path inside the repository");
		expect(invalidSubdirectoryReason("~/x")).toBe("must be a relative path inside the repository");
		expect(invalidSubdirectoryReason("a%2e")).toContain('must not contain "%"');
		expect(invalidSubdirectoryReason("a b")).toBe('must not contain whitespace: "a b"');
		expect(invalidSubdirectoryReason("-x")).toBe('must not start with "-" (it would read as an option): -x');
	});
});

describe("one control-character check, C0, DEL and C1", () => {
	const controls = [
		"\u0000",
		"\u0001",
		"\n",
		"\t",
		"\r",
		"\u001b",
		"\u001f",
		"\u007f",
		"\u0080",
		"\u0085",
		"\u009b",
		"\u009f",
	];
	const plain = [" ", "~", "\u00a0", "é", "\u00a0x", "\u2028", "a"];
	for (const char of controls)
		it(`U+${char.codePointAt(0)?.toString(16).padStart(4, "0")} is a control character wherever it stands`, () => {
			expect(hasControlCharacter(char)).toBe(true);
			expect(hasControlCharacter(`a${char}`)).toBe(true);
			expect(hasControlCharacter(`${char}a`)).toBe(true);
			const name = `pkg${char}x`;
			// every check of a value hpm passes on says so
			expect(invalidGitUrlReason(`https://host/r${char}.git`)).toContain("control characters");
			expect(invalidRefReason(`v1${char}`)).toContain("control characters");
			expect(invalidLocalPathReason(`../p${char}`)).toContain("control characters");
			expect(invalidSubdirectoryReason(`sub${char}`)).toContain("control characters");
			expect(invalidIndexUrlReason(`https://host/simple${char}`)).toContain("control characters");
			expect(parseRequirement(name)).toEqual(expect.stringContaining("control characters"));
			// and shown, it is escaped
			expect(hasControlCharacter(displaySafe(name))).toBe(false);
		});
	for (const char of plain)
		it(`${JSON.stringify(char)} is not a control character`, () => {
			expect(hasControlCharacter(char)).toBe(false);
			expect(hasControlCharacter(`abc${char}def`)).toBe(false);
		});

	it("a cached registry whose URL file holds a control character is named by its path, not that URL", () => {
		const clone = path.join(tempDir(), "registries", "a".repeat(24));
		const file = path.join(clone, "trees", "b".repeat(40), "packages", "x.yaml");
		mkdirSync(path.dirname(file), { recursive: true });
		writeFileSync(path.join(clone, "url"), "https://host/reg.git\n");
		expect(displayPath(file)).toBe(`https://host/reg.git@${"b".repeat(12)}:packages/x.yaml`);
		for (const char of ["\u001b", "\u0085", "\u009b"]) {
			writeFileSync(path.join(clone, "url"), `https://host/r${char}eg.git`);
			expect(displayPath(file)).toBe(file);
		}
	});

	it("C1 controls are escaped before a terminal, hpm's own colours kept", () => {
		expect(displaySafe("a\u0085b\u009b2Jc")).toBe("a\\x85b\\x9b2Jc");
		expect(terminalSafe("\u001b[31mred\u001b[39m\u009b2J\n")).toBe("\u001b[31mred\u001b[39m\\x9b2J\n");
	});
});

describe("the other values hpm passes on", () => {
	it("a git URL", () => {
		expect(invalidGitUrlReason("https://host/org/repo.git")).toBeUndefined();
		expect(invalidGitUrlReason("git@host:org/repo.git")).toBeUndefined();
		expect(invalidGitUrlReason("-uhttps://x")).toContain('must not start with "-"');
		expect(invalidGitUrlReason("ext::sh -c touch% pwned")).toContain("remote helper");
		expect(invalidGitUrlReason("fd::17")).toContain("remote helper");
		expect(invalidGitUrlReason("https://host/a b")).toContain("whitespace");
		expect(invalidGitUrlReason("https://host/r.git#x")).toContain('"#"');
		expect(invalidGitUrlReason("https://host/r.git?x")).toContain('"?"');
		expect(invalidGitUrlReason("host/repo")).toContain("must be an https://");
		expect(invalidGitUrlReason("https://")).toContain("must be an https://");
		// every pattern holds from the first character
		expect(invalidGitUrlReason("https://host")).toBeUndefined();
		expect(invalidGitUrlReason("https://host/org/ext::x.git")).toBeUndefined();
		expect(invalidGitUrlReason("https://host/org/a+b::c.git")).toBeUndefined();
		expect(invalidGitUrlReason("xhttps://host/r.git")).toContain("must be an https://");
		expect(invalidGitUrlReason("a/b@host:repo")).toContain("must be an https://");
	});

	it("a ref", () => {
		for (const ref of ["v1.0", "main", "release/2", "1a2b3c"]) expect(invalidRefReason(ref)).toBeUndefined();
		for (const ref of ["a..b", "a b", "a~1", "a^", "a:b", "a*", "a[", "a\\b", "a@{1}", "x.lock", "x/"])
			expect(invalidRefReason(ref), ref).toBe(`is not a valid git ref name: ${JSON.stringify(ref)}`);
		expect(invalidRefReason("--upload-pack=x")).toContain('must not start with "-"');
	});

	it("a local path", () => {
		expect(invalidLocalPathReason("../packages/x")).toBeUndefined();
		expect(invalidLocalPathReason("a;b")).toContain('";"');
		expect(invalidLocalPathReason("a -e x")).toContain('space followed by "-"');
		expect(invalidLocalPathReason("-e")).toContain('must not start with "-"');
		expect(invalidLocalPathReason("a#b")).toContain('"#"');
	});

	it("an index URL, its token never shown", () => {
		expect(invalidIndexUrlReason("https://pypi.example/simple")).toBeUndefined();
		expect(invalidIndexUrlReason("file:///srv/wheels")).toBeUndefined();
		expect(invalidIndexUrlReason("/srv/wheels")).toBeUndefined();
		expect(invalidIndexUrlReason("-x")).toContain('must not start with "-"');
		expect(invalidIndexUrlReason("https://h/a b")).toContain("whitespace");
		expect(invalidIndexUrlReason("https://h/a#b")).toContain('"#"');
		expect(invalidIndexUrlReason("https://h/simple?token=ghp_abcdefghijklmnopqrstuvwxyz0123456789")).toContain(
			"must not carry a token",
		);
		expect(invalidIndexUrlReason("https://h/simple?token=ghp_abcdefghijklmnopqrstuvwxyz0123456789")).not.toContain(
			"ghp_abcdef",
		);
		expect(invalidIndexUrlReason("https://[/x")).toContain("is not a valid URL");
		expect(invalidIndexUrlReason("file://host/x")).toContain("three slashes");
		expect(invalidIndexUrlReason("FILE:x")).toContain("three slashes");
		expect(invalidIndexUrlReason("simple")).toContain("must be an http://");
		expect(invalidIndexUrlReason("file:///")).toContain("three slashes");
		// a password is no query token (it is looked at elsewhere); patterns hold from the first character
		expect(invalidIndexUrlReason("https://bob:hunter2@host/simple")).toBeUndefined();
		expect(invalidIndexUrlReason("/srv/http://x")).toBeUndefined();
		expect(invalidIndexUrlReason("xfile:///srv")).toContain("must be an http://");
		expect(invalidIndexUrlReason("afile:x")).toContain("must be an http://");
	});
});
