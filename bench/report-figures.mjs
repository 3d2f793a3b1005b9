// B9: `hpm report` on a 2,000-package registry: how long hpm takes to write it, how large the
// file is, and how long Chromium (Debian's, through playwright-core) takes to draw it fully (the
// page's `hpm-report-drawn` mark, set once the graph and the compatibility view are drawn).
import { existsSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { figure } from "./figures.mjs";
import { BIN, generateRegistry, hermetic, median, RUNS, tempDir, time } from "./lib.mjs";

const CHROMIUM = "/usr/bin/chromium";
const PACKAGES = 2000;
const GROUPS = 40;

/** A saved matrix of that registry: a few hundred proven pairs and conflicts, each with uv's words. */
function matrixDocument() {
	const per = PACKAGES / GROUPS;
	const choice = (g, i) => `group-${String(g).padStart(4, "0")}=pkg-${g}-${i}`;
	const compatible = [];
	const pairs = [];
	for (let g = 0; g + 1 < GROUPS; g++)
		for (let i = 0; i < per; i += 5) {
			compatible.push([choice(g, i), choice(g + 1, i)]);
			if (i % 10 === 0)
				pairs.push({
					choices: [choice(g, i + 1), choice(g + 1, i + 2)],
					status: "conflict",
					reason: `${choice(g, i + 1)} conflicts with ${choice(g + 1, i + 2)}: pkg-${g}-${i + 1} needs numpy<2; pkg-${g + 1}-${i + 2} needs numpy>=2`,
				});
		}
	const results = pairs.slice(0, 300).map((p, n) => ({
		combination: p.choices.join(","),
		ok: false,
		problems: [
			{
				code: "resolution",
				message: p.reason,
				detail: `error: No solution found when resolving dependencies\n  cause: ${p.reason}\n`.repeat(4),
				choices: p.choices,
			},
		],
		seconds: 1 + (n % 7) / 10,
		cached: false,
		retry: false,
	}));
	return {
		how: "pairwise",
		results,
		pairs,
		compatible,
		uncovered: [],
		unplanned: 0,
		projectFails: false,
		workers: 2,
		seconds: 60,
		perSecond: 5,
		ok: false,
	};
}

export const B9 = {
	title: `B9 hpm report: a ${PACKAGES}-package registry (${GROUPS} groups), written and drawn in Chromium (targets: drawn ≤ 1000 ms, file ≤ 2048 KB)`,
	available: () => existsSync(CHROMIUM),
	skipped: `${CHROMIUM} is not installed`,
	setup: async () => {
		const dir = tempDir("hpm-bench-report-");
		generateRegistry(dir, PACKAGES, GROUPS);
		const from = path.join(dir, "matrix.json");
		writeFileSync(from, JSON.stringify(matrixDocument()));
		const env = hermetic({ HPM_CACHE_DIR: tempDir("hpm-bench-cache-") });
		const profile = tempDir("hpm-bench-chromium-");
		const browser = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			viewport: { width: 1400, height: 1000 },
			args: [
				"--headless",
				"--no-sandbox",
				"--disable-gpu",
				"--disable-quic",
				"--no-first-run",
				"--disable-background-networking",
				"--disable-component-update",
				"--disable-sync",
			],
		});
		return { dir, from, env, browser, file: path.join(dir, "report.html") };
	},
	teardown: ({ browser }) => browser.close(),
	round: async ({ dir, from, env, browser, file }) => {
		const written = [];
		for (let run = 0; run < RUNS; run++)
			written.push(time(process.execPath, [BIN, "report", "--from", from, "-o", file], { cwd: dir, env }));
		const drawn = [];
		for (let run = 0; run < Math.min(RUNS, 5); run++) {
			const page = await browser.newPage();
			await page.route("**/*", (route) =>
				route.request().url().startsWith("file:") ? route.continue() : route.abort(),
			);
			await page.goto(`file://${file}`);
			await page.waitForSelector("body[data-drawn]");
			drawn.push(await page.evaluate(() => globalThis.performance.getEntriesByName("hpm-report-drawn")[0].startTime));
			await page.close();
		}
		return [
			figure("B9", "hpm report --from: written", { value: median(written), digits: 0, unit: " ms" }),
			figure("B9", "report file size", {
				value: statSync(file).size / 1024,
				digits: 0,
				unit: " KB",
				target: { text: "≤ 2048 KB" },
			}),
			figure("B9", "drawn in Chromium (hpm-report-drawn mark)", {
				value: median(drawn),
				digits: 0,
				unit: " ms",
				target: { text: "≤ 1000 ms" },
			}),
		];
	},
};
