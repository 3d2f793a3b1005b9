import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium, driven by playwright-core (no browser download). */
export const CHROMIUM = "/usr/bin/chromium";

export type OpenedPage = {
	readonly page: Page;
	/** Console errors (a refused script or style among them), uncaught errors. */
	readonly errors: string[];
	/** Every request that was for anything but the file (each refused). */
	readonly requests: string[];
	readonly close: () => Promise<void>;
};

/**
 * Opens `file` in a headless Chromium with a fresh profile (removed by `close`). Every request is
 * routed: the file itself is served, anything else is refused and recorded.
 */
export async function openInChromium(file: string, viewport = { width: 1200, height: 900 }): Promise<OpenedPage> {
	const profile = mkdtempSync(path.join(tmpdir(), "hpm-chromium-"));
	let context: BrowserContext | undefined;
	try {
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			viewport,
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
	} catch (error) {
		rmSync(profile, { recursive: true, force: true });
		throw error;
	}
	const opened = context;
	const close = async () => {
		await opened.close();
		rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
	};
	try {
		return await load(opened, file, close);
	} catch (error) {
		await close();
		throw error;
	}
}

async function load(context: BrowserContext, file: string, close: () => Promise<void>): Promise<OpenedPage> {
	const page = context.pages()[0] ?? (await context.newPage());
	const errors: string[] = [];
	const requests: string[] = [];
	const url = `file://${file}`;
	page.on("console", (message) => {
		if (message.type() === "error") errors.push(message.text());
	});
	page.on("pageerror", (error) => errors.push(String(error)));
	await context.route("**/*", (route) => {
		const asked = route.request().url();
		if (asked === url) return route.continue();
		requests.push(asked);
		return route.abort();
	});
	await page.goto(url);
	await page.waitForSelector("body[data-drawn]", { timeout: 20_000 });
	return { page, errors, requests, close };
}
