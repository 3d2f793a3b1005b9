import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		pool: "forks",
		// @actions/workflow-parser imports its JSON schema without an import attribute, which Node 20
		// refuses; vitest transforms it instead of handing it to Node
		server: { deps: { inline: ["@actions/workflow-parser"] } },
		// the tests wait on uv, git and hpm's own processes far more than they compute: two test
		// files at a time on a 2-core machine (vitest's default would be one there)
		maxWorkers: 2,
		globalSetup: ["test/global-setup.ts"],
		setupFiles: ["test/setup.ts"],
		reporters: ["default", "json"],
		outputFile: { json: ".vitest-report.json" },
	},
});
