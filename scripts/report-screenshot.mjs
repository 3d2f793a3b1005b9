#!/usr/bin/env node
// docs/hpm-report.png: the example's report (after `hpm check --matrix`) in Debian's Chromium,
// with its conflict cell clicked. Run after `npm run build`.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(path.join(tmpdir(), "hpm-report-shot-"));
try {
	const project = path.join(work, "hpm-demo");
	cpSync(path.join(root, "registry-examples"), project, { recursive: true });
	const env = { ...process.env, UV_PYTHON_DOWNLOADS: "never", HPM_CACHE_DIR: path.join(work, "cache"), NO_COLOR: "1" };
	const hpm = path.join(root, "dist/hpm.js");
	spawnSync(process.execPath, [hpm, "check", "--matrix"], { cwd: project, env, stdio: "ignore" });
	execFileSync(process.execPath, [hpm, "report", "-o", path.join(work, "report.html")], { cwd: project, env });
	const browser = await chromium.launchPersistentContext(path.join(work, "profile"), {
		executablePath: "/usr/bin/chromium",
		headless: true,
		viewport: { width: 1100, height: 900 },
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
	});
	const page = browser.pages()[0] ?? (await browser.newPage());
	await page.goto(`file://${path.join(work, "report.html")}`);
	await page.waitForSelector("body[data-drawn]");
	const at = await page.evaluate(() =>
		globalThis.hpmReport.locate("inference=vlm-adapter-qwen", "metrics=metric-legacy"),
	);
	await page.mouse.click(at.x, at.y);
	await page.screenshot({ path: path.join(root, "docs/hpm-report.png"), fullPage: true });
	await browser.close();
} finally {
	rmSync(work, { recursive: true, force: true });
}
