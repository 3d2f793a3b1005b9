/// <reference lib="dom" />
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenedPage, openInChromium } from "../helpers/browser.js";
import { copyExample, hpm, tempDir } from "../helpers/run.js";
import { uvEnv } from "../helpers/uv.js";

/** Text planted in registry files and in a saved matrix: each must show as text and run nothing. */
const PLANTED = [
	"</script><script>window.__pwned = 1</script>",
	"<!-- <script>window.__pwned = 2</script>",
	"line\u2028separator\u2029paragraph",
	"javascript:window.__pwned=3",
	'<img src=x onerror="window.__pwned = 4">',
].join(" ");

/** A YAML double-quoted string (the separators escaped, as YAML 1.2 reads them back). */
const yamlString = (text: string) =>
	JSON.stringify(text)
		.replace(/\u2028/g, "\\u2028")
		.replace(/\u2029/g, "\\u2029");

/** A registry of `groups` 1-of-N groups of `per` options each, with `PLANTED` in its descriptions. */
function bigRegistry(groups: number, per: number): string {
	const dir = tempDir("hpm-report-big-");
	mkdirSync(path.join(dir, "registry/packages"), { recursive: true });
	mkdirSync(path.join(dir, "registry/groups"), { recursive: true });
	for (let g = 0; g < groups; g++) {
		const names: string[] = [];
		for (let i = 0; i < per; i++) {
			const name = `p-${g}-${i}`;
			names.push(name);
			writeFileSync(
				path.join(dir, "registry/packages", `${name}.yaml`),
				`name: "${name}"\nversion: "1.0.0"\ndescription: ${yamlString(i === 0 ? PLANTED : `option ${i}`)}\nsources:\n  prod:\n    type: "git"\n    url: "https://example.com/acme/${name}.git"\n    tag: "v1.0.0"\n`,
			);
		}
		writeFileSync(
			path.join(dir, "registry/groups", `g${g}.yaml`),
			`name: "g${g}"\nstrategy: "1-of-N"\ndescription: ${yamlString(g === 0 ? PLANTED : `group ${g}`)}\noptions:\n${names.map((n) => `  - name: "${n}"`).join("\n")}\n`,
		);
	}
	writeFileSync(
		path.join(dir, "pyproject.toml"),
		`[project]\nname = "big"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = []\n\n[tool.hpm.groups]\ng0 = "p-0-0"\ng1 = "p-1-0"\n`,
	);
	return dir;
}

/** The colour of the canvas at a point of the page (client coordinates), as #rrggbb. */
async function colourAt(page: OpenedPage["page"], at: { x: number; y: number }): Promise<string> {
	return page.evaluate(({ x, y }) => {
		const canvas = document.querySelector("canvas") as HTMLCanvasElement;
		const box = canvas.getBoundingClientRect();
		const dpr = window.devicePixelRatio || 1;
		const [r, g, b] = (canvas.getContext("2d") as CanvasRenderingContext2D).getImageData(
			Math.floor((x - box.left) * dpr),
			Math.floor((y - box.top) * dpr),
			1,
			1,
		).data;
		return `#${[r, g, b].map((v) => (v ?? 0).toString(16).padStart(2, "0")).join("")}`;
	}, at);
}

const OK = "#2e9d4f";
const CONFLICT = "#d43d3d";
const UNTRIED = "#d5d9df";

describe("hpm report in Chromium", () => {
	let example: string;
	let matrix: string;
	beforeAll(() => {
		example = copyExample();
		const run = hpm(["check", "--matrix", "--json"], { cwd: example, env: uvEnv() });
		expect(run.code, run.stderr).toBe(1); // the example has a conflict
		matrix = path.join(example, "matrix.json");
		writeFileSync(matrix, run.stdout);
	}, 120_000);
	const pages: OpenedPage[] = [];
	afterAll(async () => {
		for (const page of pages) await page.close();
	});
	const open = async (file: string) => {
		const opened = await openInChromium(file);
		pages.push(opened);
		return opened;
	};

	it("renders a saved matrix with no console error and no request; a conflict cell gives its reason and uv's words; search finds an option", async () => {
		const file = path.join(example, "report.html");
		const written = hpm(["report", "--from", matrix, "-o", file], { cwd: example, env: uvEnv() });
		expect(written.code, written.stderr).toBe(0);
		const html = readFileSync(file, "utf8");
		expect(html).toContain("Content-Security-Policy");
		expect(html).toContain("default-src 'none'");
		const { page, errors, requests } = await open(file);
		const at = await page.evaluate(() =>
			(window as unknown as { hpmReport: { locate(a: string, b: string): { x: number; y: number } } }).hpmReport.locate(
				"inference=vlm-adapter-qwen",
				"metrics=metric-legacy",
			),
		);
		expect(await colourAt(page, at)).toBe(CONFLICT);
		await page.mouse.click(at.x, at.y);
		const info = page.locator(".cell-info");
		expect(await info.getAttribute("data-status")).toBe("conflict");
		expect(await info.locator(".reason").textContent()).toContain(
			"inference=vlm-adapter-qwen conflicts with metrics=metric-legacy",
		);
		expect(await info.locator("pre.explanation").textContent()).toContain("No solution found");
		// a pair a resolution proved
		const ok = await page.evaluate(() =>
			(window as unknown as { hpmReport: { locate(a: string, b: string): { x: number; y: number } } }).hpmReport.locate(
				"inference=vlm-adapter-qwen",
				"metrics=metric-bleu",
			),
		);
		expect(await colourAt(page, ok)).toBe(OK);
		await page.fill('input[type="search"]', "rouge");
		expect(await page.locator(".hit-list button").allTextContents()).toEqual(["metrics=metric-rouge"]);
		expect(await page.locator(".options li.found .name").allTextContents()).toEqual(["metric-rouge"]);
		expect(await page.locator("td.st-unresolved").count()).toBeGreaterThan(0);
		expect({ errors, requests }).toEqual({ errors: [], requests: [] });
	});

	it("renders an hpm test document: each combination's result with its log's end", async () => {
		// a log where `hpm test` keeps them: the report reads logs from nowhere else
		const logs = path.join(process.env.HPM_CACHE_DIR ?? "", "test-logs", "a-run");
		mkdirSync(logs, { recursive: true });
		const log = path.join(logs, "failed.log");
		writeFileSync(log, "collected 3 items\nFAILED test_metrics.py::test_bleu - AssertionError: 0.3 != 0.4\n");
		const doc = {
			command: ["pytest", "-q"],
			combinations: [
				{
					combination: "inference=vlm-adapter-qwen,metrics=metric-bleu",
					choices: ["inference=vlm-adapter-qwen", "metrics=metric-bleu"],
					status: "failed",
					exitCode: 1,
					seconds: 1.5,
					log,
					firstFailingLine: "FAILED test_metrics.py::test_bleu",
				},
				{
					combination: "inference=vlm-adapter-deepseek,metrics=metric-bleu",
					choices: ["inference=vlm-adapter-deepseek", "metrics=metric-bleu"],
					status: "passed",
					exitCode: 0,
					seconds: 1.1,
					log,
				},
			],
			...(({ pairs, compatible, uncovered }) => ({ pairs, compatible, uncovered }))(
				JSON.parse(readFileSync(matrix, "utf8")) as Record<string, unknown>,
			),
			ok: false,
		};
		const from = path.join(example, "test.json");
		writeFileSync(from, JSON.stringify(doc));
		const file = path.join(example, "test-report.html");
		expect(hpm(["report", "--from", from, "-o", file], { cwd: example, env: uvEnv() }).code).toBe(0);
		const { page, errors, requests } = await open(file);
		expect(await page.locator("td.st-failed").count()).toBe(1);
		expect(await page.locator("td.st-passed").count()).toBe(1);
		expect(await page.locator("tr:has(td.st-failed) pre").textContent()).toContain("AssertionError: 0.3 != 0.4");
		expect({ errors, requests }).toEqual({ errors: [], requests: [] });
	});

	it("a 200-option registry has a cell per pair, and planted markup shows as text and runs nothing", async () => {
		const dir = bigRegistry(10, 20);
		const from = path.join(dir, "matrix.json");
		writeFileSync(
			from,
			JSON.stringify({
				how: "pairwise",
				results: [],
				pairs: [{ choices: ["g0=p-0-1", "g1=p-1-1"], status: "conflict", reason: PLANTED }],
				compatible: [["g4=p-4-0", "g5=p-5-0"]],
				uncovered: [{ a: "g2=p-2-2", b: "g3=p-3-3", reason: PLANTED }],
				unplanned: 0,
				projectFails: false,
				workers: 1,
				seconds: 0,
				perSecond: 0,
				ok: false,
			}),
		);
		const file = path.join(dir, "report.html");
		const written = hpm(["report", "--from", from, "-o", file], { cwd: dir, env: uvEnv() });
		expect(written.code, written.stderr).toBe(0);
		const { page, errors, requests } = await open(file);
		// 45 pairs of groups of 20 x 20 options
		expect(await page.locator("canvas").getAttribute("data-pairs")).toBe(String(45 * 400));
		const locate = (a: string, b: string) =>
			page.evaluate(
				([x, y]) =>
					(
						window as unknown as { hpmReport: { locate(a: string, b: string): { x: number; y: number } } }
					).hpmReport.locate(x ?? "", y ?? ""),
				[a, b],
			);
		expect(await colourAt(page, await locate("g5=p-5-0", "g4=p-4-0"))).toBe(OK);
		expect(await colourAt(page, await locate("g9=p-9-19", "g8=p-8-7"))).toBe(UNTRIED);
		const conflict = await locate("g1=p-1-1", "g0=p-0-1");
		expect(await colourAt(page, conflict)).toBe(CONFLICT);
		await page.mouse.click(conflict.x, conflict.y);
		expect(await page.locator(".cell-info .reason").textContent()).toBe(PLANTED);
		const open2 = await locate("g2=p-2-2", "g3=p-3-3");
		await page.mouse.click(open2.x, open2.y);
		expect(await page.locator(".cell-info .reason").textContent()).toBe(`untried: ${PLANTED}`);
		await page.fill('input[type="search"]', "p-7-13");
		expect(await page.locator(".hit-list button").allTextContents()).toEqual(["g7=p-7-13"]);
		// the planted text is on the page as text, and nothing of it ran or became an element
		const found = await page.evaluate(() => ({
			pwned: (window as unknown as { __pwned?: unknown }).__pwned,
			scripts: document.scripts.length,
			elements: document.querySelectorAll("img, a, iframe, object, embed").length,
			text: document.body.textContent ?? "",
		}));
		expect(found.pwned).toBeUndefined();
		expect(found.scripts).toBe(2);
		expect(found.elements).toBe(0);
		// in the registry's descriptions (the loader shows U+2028 as the text \u2028) and in the saved reason
		for (const piece of [
			"</script><script>window.__pwned = 1</script>",
			"<!-- <script>",
			"javascript:window.__pwned=3",
		])
			expect(found.text.split(piece).length - 1).toBeGreaterThan(10);
		expect(found.text).toContain(PLANTED);
		expect({ errors, requests }).toEqual({ errors: [], requests: [] });
	});
});
