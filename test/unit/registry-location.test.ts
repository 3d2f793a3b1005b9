import { describe, expect, it } from "vitest";
import { parseRegistryLayer } from "../../source/core/registry/location.js";
import { redactSecrets } from "../../source/core/base/secrets.js";

describe("a registry's location as written: a folder or a git URL", () => {
	it("reads a folder against the base, and every git transport with @ref and #subdirectory=", () => {
		expect(parseRegistryLayer("registry", "/p")).toEqual({ kind: "folder", path: "/p/registry", written: "registry" });
		expect(parseRegistryLayer("git+https://host/team/reg.git@v1.2#subdirectory=hpm", "/p")).toEqual({
			kind: "git",
			written: "git+https://host/team/reg.git@v1.2#subdirectory=hpm",
			url: "https://host/team/reg.git",
			ref: "v1.2",
			subdirectory: "hpm",
		});
		// the user part of an ssh URL is not a ref
		expect(parseRegistryLayer("git+ssh://git@host/team/reg.git", "/p")).toMatchObject({
			url: "ssh://git@host/team/reg.git",
			ref: undefined,
		});
		expect(parseRegistryLayer("git+ssh://git@host/team/reg.git@main", "/p")).toMatchObject({
			url: "ssh://git@host/team/reg.git",
			ref: "main",
		});
		expect(parseRegistryLayer("git+file:///srv/reg.git@feature/x", "/p")).toMatchObject({
			url: "file:///srv/reg.git",
			ref: "feature/x",
		});
		expect(parseRegistryLayer("git+http://127.0.0.1:8080/reg.git", "/p")).toMatchObject({
			url: "http://127.0.0.1:8080/reg.git",
		});
	});

	it("refuses what git must never be handed: helpers, options, hidden characters, escapes", () => {
		const refused = [
			"git+ext::sh -c touch% /tmp/pwned",
			"git+ftp://host/reg.git",
			"git+https://host/reg.git@-uoops",
			"git+https://host/reg.git@",
			"git+https://host/reg.git@a..b",
			"git+https://host/reg.git#subdirectory=../..",
			"git+https://host/reg.git#subdirectory=/etc",
			"git+https://host/reg.git#egg=x",
			"git+https://host/reg\n.git",
			"git+https://host/re g.git",
			"git+https://host",
			"git+https://host/",
		];
		for (const written of refused) expect(typeof parseRegistryLayer(written, "/p"), written).toBe("string");
	});

	it("never shows a password written in the URL", () => {
		expect(redactSecrets("git+https://me:s3cret@host/reg.git")).toBe("git+https://***:***@host/reg.git");
		expect(redactSecrets("git+https://host/reg.git")).toBe("git+https://host/reg.git");
	});

	it("a URL without git+ is refused as a registry, and no reason shows a password", () => {
		for (const written of [
			"https://bob:hunter2@127.0.0.1:1/simple",
			"git+ftp://bob:hunter2@host/reg.git",
			"git+https://bob:hunter2@host/reg.git@",
			"git+https://bob:hunter2@host",
		]) {
			const reason = parseRegistryLayer(written, "/base");
			expect(typeof reason, written).toBe("string");
			expect(reason).not.toContain("hunter2");
		}
		expect(parseRegistryLayer("https://host/simple", "/base")).toContain("git+https://");
	});
});
