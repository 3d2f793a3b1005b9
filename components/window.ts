/** The first visible row so that `selected` stays inside a window of `height` rows over `total` rows. */
export function windowStart(selected: number, height: number, total: number, previous = 0): number {
	if (total <= height) return 0;
	let start = Math.min(previous, total - height);
	if (selected < start) start = selected;
	if (selected >= start + height) start = selected - height + 1;
	return Math.max(0, Math.min(start, total - height));
}
