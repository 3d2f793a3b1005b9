import { describe, expect, it } from "vitest";
import {
	gitCredentialEnv,
	holdsSecret,
	literalCredentials,
	redactSecrets,
	resolveCredentials,
	splitCredentials,
} from "../../source/core/base/secrets.js";

describe("redactSecrets", () => {
	it("hides a user and password, a token as the user, and secret query parameters", () => {
		expect(redactSecrets("https://bob:hunter2@host/simple")).toBe("https://***:***@host/simple");
		expect(redactSecrets("https://ghp_abc@host/r.git")).toBe("https://***@host/r.git");
		expect(redactSecrets("see git+https://ghp_abc@host/r.git and https://a:b@other/x")).toBe(
			"see git+https://***@host/r.git and https://***:***@other/x",
		);
		for (const name of [
			"token",
			"private_token",
			"access_token",
			"api_key",
			"X-Amz-Signature",
			"password",
			"pwd",
			"auth",
			"credential",
			"session_id",
			"secret",
		])
			expect(redactSecrets(`https://host/x?a=1&${name}=v4lue&b=2`), name).toBe(`https://host/x?a=1&${name}=***&b=2`);
		expect(redactSecrets("https://host/x?page=2&sort=asc")).toBe("https://host/x?page=2&sort=asc");
		expect(redactSecrets("https://host/x;token=abc")).toBe("https://host/x;token=***");
		expect(redactSecrets("https://host/x?token=")).toBe("https://host/x?token=");
	});

	it("keeps what is no secret: an ssh login, a variable's name, an empty part, plain text", () => {
		expect(redactSecrets("ssh://git@host/r.git")).toBe("ssh://git@host/r.git");
		expect(redactSecrets("git+ssh://git:pw@host/r.git")).toBe("git+ssh://git:***@host/r.git");
		expect(redactSecrets("https://${USER}:${PASS}@host/x")).toBe("https://${USER}:${PASS}@host/x");
		expect(redactSecrets("https://oauth2:${TOKEN}@host/x")).toBe("https://oauth2:${TOKEN}@host/x");
		expect(redactSecrets("https://bob:@host/x")).toBe("https://***:@host/x");
		expect(redactSecrets("https://host/x?token=${TOKEN}")).toBe("https://host/x?token=${TOKEN}");
		expect(redactSecrets("mail me at bob@example.com")).toBe("mail me at bob@example.com");
		expect(redactSecrets("no url here")).toBe("no url here");
		expect(holdsSecret("https://host/x?token=abc")).toBe(true);
		expect(holdsSecret("https://${T}@host/x")).toBe(false);
	});

	it("literalCredentials: a token or a password written out, not a variable", () => {
		expect(literalCredentials(undefined)).toBe(false);
		expect(literalCredentials("ghp_abc")).toBe(true);
		expect(literalCredentials("bob:hunter2")).toBe(true);
		expect(literalCredentials("hunter2-login:${PASS}")).toBe(false);
		expect(literalCredentials("${TOKEN}")).toBe(false);
		expect(literalCredentials("bob:")).toBe(false);
		expect(literalCredentials("")).toBe(false);
	});
});

describe("credentials out of a URL and into git's environment", () => {
	it("splitCredentials takes the userinfo of an http(s) URL only", () => {
		expect(splitCredentials("git+https://a:b@host/r.git")).toEqual({ url: "git+https://host/r.git", auth: "a:b" });
		expect(splitCredentials("https://${T}@host/simple")).toEqual({ url: "https://host/simple", auth: "${T}" });
		expect(splitCredentials("https://@host/x")).toEqual({ url: "https://host/x", auth: undefined });
		expect(splitCredentials("https://host/x")).toEqual({ url: "https://host/x", auth: undefined });
		expect(splitCredentials("ssh://git@host/r.git")).toEqual({ url: "ssh://git@host/r.git", auth: undefined });
		expect(splitCredentials("https://host/r.git@v1")).toEqual({ url: "https://host/r.git@v1", auth: undefined });
	});

	it("resolveCredentials reads variables, decodes escapes, and names a missing variable, never a value", () => {
		expect(resolveCredentials("bob:p%40ss", "x", {})).toEqual({ username: "bob", password: "p@ss" });
		expect(resolveCredentials("${U}:${P}", "x", { U: "u", P: "p:q" })).toEqual({ username: "u", password: "p:q" });
		expect(resolveCredentials("tok%zz", "x", {})).toEqual({ username: "tok%zz", password: "" });
		expect(resolveCredentials("pre-${T}", "x", { T: "a:b" })).toEqual({ username: "pre-a:b", password: "" });
		const missing = (() => {
			try {
				resolveCredentials("${GL_TOKEN}", "https://user:secretvalue@host/r.git", { GL_TOKEN: "" });
			} catch (error) {
				return error as { code: string; message: string; hint: string };
			}
			return undefined;
		})();
		expect(missing?.code).toBe("credentials-missing");
		expect(missing?.message).toBe(
			"https://***:***@host/r.git takes its credentials from the environment variable GL_TOKEN, which is not set",
		);
		expect(missing?.hint).toBe("set GL_TOKEN (export GL_TOKEN=…) and run the command again");
		expect(() => resolveCredentials("${NOPE}", "x", {})).toThrow(
			expect.objectContaining({ code: "credentials-missing" }),
		);
	});

	it("gitCredentialEnv sends each URL's credentials once, as a header for that URL, after the person's settings", () => {
		const env = gitCredentialEnv(
			[
				{ url: "git+https://host/a.git", auth: "${T}" },
				{ url: "https://host/a.git", auth: "${T}" },
				{ url: "https://host/b.git", auth: undefined },
				{ url: "https://host/c.git", auth: "bob:pw" },
			],
			{ T: "tok", GIT_CONFIG_COUNT: "2" },
		);
		expect(env).toEqual({
			GIT_CONFIG_KEY_2: "http.https://host/a.git.extraHeader",
			GIT_CONFIG_VALUE_2: `Authorization: Basic ${Buffer.from("tok:").toString("base64")}`,
			GIT_CONFIG_KEY_3: "http.https://host/c.git.extraHeader",
			GIT_CONFIG_VALUE_3: `Authorization: Basic ${Buffer.from("bob:pw").toString("base64")}`,
			GIT_CONFIG_COUNT: "4",
		});
		expect(gitCredentialEnv([{ url: "https://h/x", auth: undefined }], {})).toEqual({});
		for (const count of ["-3", "abc", "", "0"])
			expect(gitCredentialEnv([{ url: "https://h/x", auth: "a:b" }], { GIT_CONFIG_COUNT: count }), count).toMatchObject(
				{
					GIT_CONFIG_KEY_0: "http.https://h/x.extraHeader",
					GIT_CONFIG_COUNT: "1",
				},
			);
	});
});
