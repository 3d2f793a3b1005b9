import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readRegularFile, UnreadableFile } from "../../source/core/os/read-file.js";
import { projectUnreadable } from "../../source/core/project/project.js";
import { tempDir } from "../helpers/run.js";

const refusal = (read: () => unknown): UnreadableFile => {
	try {
		read();
	} catch (error) {
		if (error instanceof UnreadableFile) return error;
		throw error;
	}
	throw new Error("the file was read");
};

describe("a file that is not read says why as data, and its words come from that data", () => {
	it("a folder, a file too large, a missing file", () => {
		const dir = tempDir("hpm-unreadable-");
		writeFileSync(path.join(dir, "big"), "x".repeat(20));
		const folder = refusal(() => readRegularFile(dir, 10));
		expect([folder.reason, folder.message]).toEqual([{ kind: "directory" }, "is a directory, expected a file"]);
		const big = refusal(() => readRegularFile(path.join(dir, "big"), 10));
		expect([big.reason, big.message]).toEqual([
			{ kind: "too-large", size: 20, limit: 10 },
			"is 20 bytes; hpm reads at most 10 here",
		]);
		const missing = refusal(() => readRegularFile(path.join(dir, "nothing"), 10));
		expect([missing.reason, missing.code, missing.message]).toEqual([
			{ kind: "refused", code: "ENOENT" },
			"ENOENT",
			"cannot be read: ENOENT",
		]);
	});

	it("pyproject.toml's sentence is built from the reason: a refused permission in words", () => {
		expect(projectUnreadable({ kind: "refused", code: "EACCES" })).toBe("cannot be read (permission denied)");
		expect(projectUnreadable({ kind: "refused", code: "EIO" })).toBe("cannot be read: EIO");
		expect(projectUnreadable({ kind: "directory" })).toBe("is a directory, expected a file");
	});
});
