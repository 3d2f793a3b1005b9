/**
 * `npm run mutate`: Stryker over the modules whose mistakes lose a person's work or leak a secret,
 * against their unit tests only (vitest.mutate.config.ts). The measured kill rates are in README.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
	testRunner: "vitest",
	vitest: { configFile: "vitest.mutate.config.ts", related: false },
	mutate: [
		"source/core/project/journal.ts",
		"source/core/project/journal-file.ts",
		"source/core/operations/transaction.ts",
		"source/core/operations/transaction-watch.ts",
		"source/core/operations/transaction-steps.ts",
		"source/core/os/checked-write.ts",
		"source/core/project/lock.ts",
		"source/core/project/lock-file.ts",
		"source/core/project/lock-holder.ts",
		"source/core/project/history.ts",
		"source/core/base/secrets.ts",
		"source/core/registry/validate.ts",
	],
	coverageAnalysis: "perTest",
	concurrency: 2,
	timeoutMS: 5_000,
	reporters: ["clear-text", "progress", "json"],
	jsonReporter: { fileName: ".stryker/report.json" },
	tempDirName: ".stryker/tmp",
	ignorePatterns: ["dist", "dist-wheel", "docs", "bench", ".venv", "registry-examples/.venv", ".vitest-report.json"],
	cleanTempDir: "always",
	thresholds: { high: 90, low: 85, break: null },
};
