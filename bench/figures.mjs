// The benchmarks' figures: each section returns its measures for one round; a figure is printed
// as min / median / max of its rounds' medians, as hpm's milliseconds over its baseline (measured
// in the same runs) and as a ratio, with its target (printed, never asserted).
import { spread } from "./lib.mjs";

/**
 * One measure of one round. `ms` is hpm's median; `base` the baseline's median in the same runs;
 * `work` what the command must wait for besides Node's start (uv's own time), taken off too; or
 * `value`, a figure that is not a time (uv calls, peak RSS, throughput).
 * `target`: { over: ms } (hpm over its baseline), { ratio: x }, or { text } (reported only).
 */
export const figure = (id, name, fields) => ({ id, name, ...fields });

const fmt = (value, digits = 1, signed = false) => {
	if (value === undefined) return "";
	const text = value.toFixed(digits);
	if (!signed) return text;
	return value < 0 ? `−${text.slice(1)}` : `+${text}`;
};
const range = ({ min, median, max }, digits = 1, unit = "", signed = false) =>
	min === max
		? `${fmt(median, digits, signed)}${unit}`
		: `${fmt(median, digits, signed)}${unit} (${fmt(min, digits, signed)} to ${fmt(max, digits, signed)})`;

/** Rows of one section, every round's measures of a figure gathered under its name. */
function gather(rounds) {
	const byName = new Map();
	for (const measures of rounds)
		for (const measure of measures) {
			const list = byName.get(measure.name) ?? [];
			list.push(measure);
			byName.set(measure.name, list);
		}
	return [...byName.values()];
}

function row(measures) {
	const [first] = measures;
	if (first.value !== undefined) {
		const numeric = measures.every((m) => typeof m.value === "number");
		const shown = numeric
			? range(spread(measures.map((m) => m.value)), first.digits ?? 1, first.unit ?? "")
			: first.value;
		return [first.name, shown, "", "", "", first.target?.text ?? ""];
	}
	const hpm = spread(measures.map((m) => m.ms));
	if (first.base === undefined) return [first.name, range(hpm), "", "", "", first.target?.text ?? ""];
	const under = (m) => m.base.ms + (m.work ?? 0);
	const over = spread(measures.map((m) => m.ms - under(m)));
	const ratio = spread(measures.map((m) => m.ms / under(m)));
	const baseline = `${first.base.name}${first.work === undefined ? "" : ` + ${first.workName ?? "uv"}`} ${fmt(spread(measures.map(under)).median)}`;
	let target = first.target?.text ?? "";
	if (first.target?.over !== undefined)
		target = `≤ +${first.target.over} ms ${over.median <= first.target.over ? "✓" : "✗"}`;
	if (first.target?.ratio !== undefined)
		target = `≤ ${first.target.ratio}x ${ratio.median <= first.target.ratio ? "✓" : "✗"}`;
	return [first.name, range(hpm), baseline, range(over, 1, "", true), `${fmt(ratio.median, 2)}x`, target];
}

/** Prints one section: its title, then a row per figure. */
export function printSection(title, rounds) {
	const rows = gather(rounds).map(row);
	const headers = ["figure", "hpm ms", "baseline ms", "hpm over it, ms", "ratio", "target"];
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) =>
		cells
			.map((c, i) => String(c).padEnd(widths[i]))
			.join("  ")
			.trimEnd();
	console.log(`\n${title}`);
	console.log(line(headers));
	for (const r of rows) console.log(line(r));
}
