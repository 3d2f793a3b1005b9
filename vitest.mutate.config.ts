import { defineConfig } from "vitest/config";
import unit from "./vitest.unit.config.js";

/**
 * The tests `npm run mutate` runs: the unit tests of the mutated modules (stryker.config.mjs).
 * A mutant of a module-level constant is tried against all of them, so the slow property tests of
 * other modules (tables, YAML, checksums) stay out.
 */
export default defineConfig({
	...unit,
	test: {
		...unit.test,
		include: [
			"test/unit/checked-write.test.ts",
			"test/unit/history.test.ts",
			"test/unit/journal.test.ts",
			"test/unit/lock.test.ts",
			"test/unit/secrets.test.ts",
			"test/unit/redaction.test.ts",
			"test/unit/transaction.test.ts",
			"test/unit/validate.test.ts",
			"test/unit/index-sources.test.ts",
			"test/unit/registry-location.test.ts",
		],
	},
});
