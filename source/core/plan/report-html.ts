import { createHash } from "node:crypto";
import type { ReportData } from "./report-data.js";

/** The mark every report carries: `hpm report` overwrites only a file that has it. */
export const REPORT_MARK = '<meta name="generator" content="hpm report">';

/**
 * JSON that cannot end the script element it sits in nor start a comment there (`</script>`,
 * `<!--`), and that stays JavaScript-safe (U+2028, U+2029): every `<`, `>`, `&` and the two
 * separators are written as \u escapes, which JSON.parse reads back as they were.
 */
export function scriptSafeJson(value: unknown): string {
	return JSON.stringify(value).replace(
		/[<>&\u2028\u2029]/g,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
	);
}

const hash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * The report as one HTML file: no request leaves it (`default-src 'none'`), its one script and
 * one style run by their hashes only, the data is inert JSON the script reads and draws as text.
 */
export function reportHtml(data: ReportData, page: { readonly script: string; readonly style: string }): string {
	// the page's own code is inlined as it is: it must not end its element or open a comment
	if (/<\/script|<!--/i.test(page.script) || /<\/style/i.test(page.style))
		throw new Error("hpm report: the page's script or style holds </script>, <!-- or </style>");
	const policy = [
		"default-src 'none'",
		`script-src ${hash(page.script)}`,
		`style-src ${hash(page.style)}`,
		"img-src data:",
		"base-uri 'none'",
		"form-action 'none'",
	].join("; ");
	const title = data.project === null ? "hpm report" : `hpm report: ${data.project}`;
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
${REPORT_MARK}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(title)}</title>
<style>${page.style}</style>
</head>
<body>
<noscript>This report draws itself with JavaScript; its data is in the script element "hpm-data" as JSON.</noscript>
<script type="application/json" id="hpm-data">${scriptSafeJson(data)}</script>
<script>${page.script}</script>
</body>
</html>
`;
}

function escapeText(text: string): string {
	return text.replace(
		/[&<>"']/g,
		(c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
	);
}
