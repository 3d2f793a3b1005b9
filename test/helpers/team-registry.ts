import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./run.js";
import { git, gitRepo, writePackage } from "./uv.js";

/*
 * A registry shared through git, as a team keeps one: a bare repository holding packages/ and
 * groups/, whose packages come from other bare repositories. Everything is local (file://), as a
 * team's would be over https or ssh.
 */

/** A component in its own bare repository, tagged v<version>. */
export function component(name: string, version: string): string {
	const source = tempDir("hpm-component-");
	writePackage(source, name, version);
	return gitRepo(source, `v${version}`);
}

/** A bump of the component to `version`, tagged. */
export function releaseComponent(bare: string, version: string): void {
	const work = tempDir("hpm-component-work-");
	git(["clone", "-q", "-b", "main", bare, "."], work);
	const file = path.join(work, "pyproject.toml");
	writeFileSync(file, readFileSync(file, "utf8").replace(/^version = ".*"$/m, `version = "${version}"`));
	git(["commit", "-q", "-am", `version ${version}`], work);
	git(["tag", `v${version}`], work);
	git(["push", "-q", "origin", "main", "--tags"], work);
}

/** The team's registry: a bare repository and a working clone to change it from. */
export function teamRegistry(files: Record<string, string>): {
	bare: string;
	commit: (files: Record<string, string>) => string;
} {
	const bare = path.join(tempDir("hpm-registry-"), "registry.git");
	const work = tempDir("hpm-registry-work-");
	// as a hosting service makes it: HEAD is the default branch
	git(["init", "-q", "--bare", "--initial-branch=main", bare], work);
	git(["init", "-q", "-b", "main"], work);
	const commit = (changed: Record<string, string>) => {
		for (const [file, text] of Object.entries(changed)) {
			mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
			writeFileSync(path.join(work, file), text);
		}
		git(["add", "-A"], work);
		git(["commit", "-q", "-m", "registry"], work);
		git(["push", "-q", bare, "main"], work);
		return execFileSync("git", ["rev-parse", "HEAD"], { cwd: work, encoding: "utf8" }).trim();
	};
	commit(files);
	return { bare, commit };
}

export const manifest = (name: string, version: string, bare: string) =>
	`name: ${name}\nversion: "${version}"\nsources:\n${["prod", "dev"].map((mode) => `  ${mode}:\n    type: git\n    url: file://${bare}\n    tag: v${version}\n`).join("")}`;
