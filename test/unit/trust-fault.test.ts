import { chmodSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { trustFault } from "../../source/core/os/cache-trust.js";
import { tempDir } from "../helpers/run.js";

describe("trustFault: the one owner and mode test of what hpm believes", () => {
	it("says what each kind allows others, and why a path fails it", () => {
		const dir = tempDir("hpm-trust-");
		const file = path.join(dir, "file");
		const folder = path.join(dir, "folder");
		writeFileSync(file, "x");
		mkdirSync(folder);
		symlinkSync(file, path.join(dir, "link"));
		const at = (name: string, mode: number) => {
			chmodSync(path.join(dir, name), mode);
			return lstatSync(path.join(dir, name));
		};
		expect(trustFault(at("file", 0o600), "file")).toBeUndefined();
		expect(trustFault(at("file", 0o640), "file")).toEqual({
			why: "mode",
			text: "can be read or written by others (mode 640)",
		});
		expect(trustFault(at("file", 0o644), "project-file")).toBeUndefined();
		expect(trustFault(at("file", 0o664), "project-file")).toEqual({
			why: "mode",
			text: "can be written by others (mode 664)",
		});
		expect(trustFault(at("folder", 0o755), "folder")).toBeUndefined();
		expect(trustFault(at("folder", 0o775), "folder")?.text).toBe("can be written by others (mode 775)");
		expect(trustFault(at("folder", 0o777), "project-folder")).toBeUndefined();
		expect(trustFault(at("file", 0o600), "folder")).toEqual({ why: "type", text: "is not a folder" });
		expect(trustFault(lstatSync(path.join(dir, "link")), "file")).toEqual({
			why: "type",
			text: "is not a regular file",
		});
		expect(trustFault({ ...lstatSync(file), uid: 12345, isFile: () => true } as never, "file")?.why).toBe("owner");
	});
});
