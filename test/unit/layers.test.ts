import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Project } from "../../source/core/project/project.js";
import { projectPins, resolvedLayersNow, resolveLayers } from "../../source/core/registry/layers.js";
import { parseRegistryLayer, type RegistryLayer } from "../../source/core/registry/location.js";
import { tempDir } from "../helpers/run.js";
import { teamRegistry } from "../helpers/team-registry.js";

function layer(written: string, base: string): RegistryLayer {
	const parsed = parseRegistryLayer(written, base);
	if (typeof parsed === "string") throw new Error(parsed);
	return parsed;
}

/** A registry shared through git holding `reg/`, with one commit per marker; the commits, oldest first. */
function gitRegistry(markers: string[]): { url: string; commits: string[] } {
	const [first = "one", ...rest] = markers;
	const file = (marker: string) => ({ [`reg/packages/${marker}.yaml`]: `name: ${marker}\n` });
	const registry = teamRegistry(file(first));
	const commits = [execFileSync("git", ["rev-parse", "main"], { cwd: registry.bare, encoding: "utf8" }).trim()];
	for (const marker of rest) commits.push(registry.commit(file(marker)));
	return { url: `git+file://${registry.bare}#subdirectory=reg`, commits };
}

function pinnedProject(revs: string[], given = true): Project {
	const text = `[tool.hpm]\nregistry-rev = ${JSON.stringify(revs)}\n`;
	return { file: "/p/pyproject.toml", text, registryRevs: revs, registryRevGiven: given } as unknown as Project;
}

describe("registry layers", () => {
	it("folder layers are their folders, in order, with no git", async () => {
		const base = tempDir();
		const layers = [layer("team", base), layer("/abs/personal", base)];
		const context = { layers, project: undefined, pinned: true };
		expect(await resolveLayers(context, "never")).toEqual({
			roots: [{ root: path.join(base, "team") }, { root: "/abs/personal" }],
			commits: [],
		});
		expect(resolvedLayersNow(context)).toEqual([{ root: path.join(base, "team") }, { root: "/abs/personal" }]);
	});

	it("a git layer is read at its newest commit, or at the commit the project pins", async () => {
		const base = tempDir();
		const repo = gitRegistry(["one", "two"]);
		const layers = [layer("local", base), layer(repo.url, base)];
		const unpinned = { layers, project: undefined, pinned: true };
		expect(() => resolvedLayersNow(unpinned)).toThrow(expect.objectContaining({ code: "registry-not-read" }));
		const newest = await resolveLayers(unpinned, "if-missing");
		expect(newest.commits).toEqual([repo.commits[1]]);
		expect(newest.roots[0]).toEqual({ root: path.join(base, "local") });
		expect(newest.roots[1]?.remote).toBe(repo.url);
		expect(existsSync(path.join(newest.roots[1]?.root ?? "", "packages", "two.yaml"))).toBe(true);
		expect(resolvedLayersNow(unpinned)).toEqual(newest.roots);

		const pinned = { layers, project: pinnedProject([repo.commits[0] ?? ""]), pinned: true };
		const old = await resolveLayers(pinned, "if-missing");
		expect(old.commits).toEqual([repo.commits[0]]);
		expect(existsSync(path.join(old.roots[1]?.root ?? "", "packages", "two.yaml"))).toBe(false);
		// `registry update` asks past the pin
		expect((await resolveLayers(pinned, "if-missing", undefined, true)).commits).toEqual([repo.commits[1]]);
		// -r named other layers: the project's pins do not apply
		expect((await resolveLayers({ ...pinned, pinned: false }, "if-missing")).commits).toEqual([repo.commits[1]]);
	});

	it("pins are checked: full commit ids, one per git layer", () => {
		const layers: RegistryLayer[] = [];
		const full = "a".repeat(40);
		expect(projectPins({ layers, project: undefined, pinned: true }, 1)).toEqual([]);
		expect(projectPins({ layers, project: pinnedProject([full], false), pinned: true }, 1)).toEqual([]);
		expect(projectPins({ layers, project: pinnedProject([full]), pinned: false }, 1)).toEqual([]);
		expect(projectPins({ layers, project: pinnedProject([full]), pinned: true }, 1)).toEqual([full]);
		expect(projectPins({ layers, project: pinnedProject(["b".repeat(64)]), pinned: true }, 1)).toEqual([
			"b".repeat(64),
		]);
		expect(() => projectPins({ layers, project: pinnedProject(["main"]), pinned: true }, 1)).toThrow(
			expect.objectContaining({ code: "project-invalid", message: 'registry-rev "main" is not a full commit id' }),
		);
		expect(() => projectPins({ layers, project: pinnedProject([full]), pinned: true }, 2)).toThrow(
			expect.objectContaining({
				message: "registry-rev lists 1 commit but [tool.hpm] registry names 2 git registries",
			}),
		);
		expect(() => projectPins({ layers, project: pinnedProject([full, full]), pinned: true }, 1)).toThrow(
			expect.objectContaining({
				message: "registry-rev lists 2 commits but [tool.hpm] registry names 1 git registry",
			}),
		);
	});
});
