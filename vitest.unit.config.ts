import { defineConfig } from "vitest/config";

/**
 * The fast unit tests alone (no uv, no built hpm: they import the source), for `npm run mutate`:
 * Stryker runs the tests that cover each mutant, so every file here must take seconds, not minutes.
 * The same private TMPDIR and setup as vitest.config.ts.
 */
export default defineConfig({
	test: {
		include: ["test/unit/**/*.test.ts"],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		pool: "forks",
		globalSetup: ["test/global-setup.ts"],
		setupFiles: ["test/setup.ts"],
	},
});
