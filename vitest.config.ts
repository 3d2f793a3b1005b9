import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		pool: "forks",
		globalSetup: ["test/global-setup.ts"],
		setupFiles: ["test/setup.ts"],
		reporters: ["default", "json"],
		outputFile: { json: ".vitest-report.json" },
	},
});
