import { describe, expect, it } from "vitest";
import {
	literalCredentials,
	redactSecrets,
	resolveCredentials,
	splitCredentials,
} from "../../source/core/base/secrets.js";

describe("one redaction for every URL", () => {
	it("a login name with a password from a variable is shown; the variable's value never is", () => {
		expect(redactSecrets("git+https://oauth2:${GL_TOKEN}@host/r.git")).toBe(
			"git+https://oauth2:${GL_TOKEN}@host/r.git",
		);
		expect(redactSecrets("git+https://oauth2:glpat-x@host/r.git")).toBe("git+https://***:***@host/r.git");
	});

	it("one variable holding user:password gives git both, split at the first colon", () => {
		expect(resolveCredentials("${CRED}", "x", { CRED: "bob:SEC@RET:6" })).toEqual({
			username: "bob",
			password: "SEC@RET:6",
		});
		expect(resolveCredentials("${TOKEN}", "x", { TOKEN: "ghp_abc" })).toEqual({ username: "ghp_abc", password: "" });
		expect(resolveCredentials("oauth2:${TOKEN}", "x", { TOKEN: "a:b" })).toEqual({
			username: "oauth2",
			password: "a:b",
		});
	});

	it("a password holding a raw @ is hidden whole, and split off whole (as a URL parser reads it)", () => {
		const url = "git+http://bob:SEC@RETPW6@127.0.0.1:18731/registry.git";
		expect(redactSecrets(url)).toBe("git+http://***:***@127.0.0.1:18731/registry.git");
		expect(splitCredentials(url)).toEqual({ url: "git+http://127.0.0.1:18731/registry.git", auth: "bob:SEC@RETPW6" });
		expect(redactSecrets(`registry ${url} at abc`)).not.toContain("RETPW6");
	});

	it("an @ after the path (a git ref) is no credential", () => {
		expect(splitCredentials("git+https://host/org/repo.git@main")).toEqual({
			url: "git+https://host/org/repo.git@main",
			auth: undefined,
		});
		expect(redactSecrets("git+https://host/org/repo.git@main")).toBe("git+https://host/org/repo.git@main");
		expect(splitCredentials("git+https://ghp_x@host/org/repo.git@v1")).toEqual({
			url: "git+https://host/org/repo.git@v1",
			auth: "ghp_x",
		});
	});

	it("credentials that only name variables are no literal secret", () => {
		expect(literalCredentials("${USER}:${TOKEN}")).toBe(false);
		expect(literalCredentials("${TOKEN}")).toBe(false);
		expect(literalCredentials("alice:${TOKEN}")).toBe(false);
		expect(literalCredentials("alice:s3cret")).toBe(true);
		expect(literalCredentials("ghp_abc")).toBe(true);
		expect(literalCredentials(undefined)).toBe(false);
	});
});
