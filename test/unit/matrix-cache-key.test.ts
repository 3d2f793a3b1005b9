import { cpSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cacheKey } from "../../source/core/operations/matrix-answer.js";
import { loadRegistry } from "../../source/core/registry/load.js";
import { tempDir } from "../helpers/run.js";
import { ML_EXAMPLE } from "../helpers/torch-lookalikes.js";

const key = (root: string) =>
	cacheKey(loadRegistry(root).registry, "", new Map([["torch-backend", ["torch-cu128"]]]), "prod", "0.13.10");

describe("a matrix answer's cache key", () => {
	it("changes with the URL of the index an option's source names, and with the group becoming per-machine", () => {
		const root = path.join(tempDir("hpm-cache-key-"), "registry");
		cpSync(path.join(ML_EXAMPLE, "registry"), root, { recursive: true });
		const first = key(root);
		writeFileSync(
			path.join(root, "indexes/pytorch-cu128.yaml"),
			'name: "pytorch-cu128"\nurl: "file:///srv/mirror/cu128"\nexplicit: true\n',
		);
		const moved = key(root);
		expect(moved).not.toBe(first);
		const group = path.join(root, "groups/torch-backend.yaml");
		writeFileSync(
			group,
			'name: "torch-backend"\nstrategy: "1-of-N"\noptions:\n  - name: "torch-cpu"\n  - name: "torch-cu128"\n',
		);
		expect(key(root)).not.toBe(moved);
	});
});
