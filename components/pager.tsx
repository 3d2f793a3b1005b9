import { Box, type DOMElement, type Key, Text } from "ink";
import { useRef } from "react";
import { useMouseRegion } from "./mouse.js";

/** How a pager's view moves. */
export type PagerMove = "up" | "down" | "page-up" | "page-down" | "home" | "end";

/** The move a key asks of a scrolling view (arrows, j/k, PgUp/PgDn, Space, Home/End, g/G), if any. */
export function pagerMove(input: string, key: Partial<Key>): PagerMove | undefined {
	if (key.upArrow || input === "k") return "up";
	if (key.downArrow || input === "j") return "down";
	if (key.pageUp) return "page-up";
	if (key.pageDown || input === " ") return "page-down";
	if (key.home || input === "g") return "home";
	if (key.end || input === "G") return "end";
	return undefined;
}

/** The first line a pager shows after a key, kept within the text. */
export function pagerOffset(offset: number, key: PagerMove, total: number, height: number): number {
	const last = Math.max(0, total - height);
	const next =
		key === "up"
			? offset - 1
			: key === "down"
				? offset + 1
				: key === "page-up"
					? offset - height
					: key === "page-down"
						? offset + height
						: key === "home"
							? 0
							: last;
	return Math.min(last, Math.max(0, next));
}

/**
 * Lines cut into rows of at most `width` characters, so that a pager's rows are the screen's: at
 * the last space that fits (a word longer than a row is cut), nothing dropped but that space.
 */
export function wrapRows(lines: readonly string[], width: number): string[] {
	const size = Math.max(10, width);
	return lines.flatMap((line) => {
		const rows: string[] = [];
		let rest = line;
		while (rest.length > size) {
			const space = rest.lastIndexOf(" ", size);
			// a break in the first half would leave a short row: cut the word instead
			const cut = space > size / 2 ? space : size;
			rows.push(rest.slice(0, cut));
			rest = rest.slice(cut === space ? cut + 1 : cut);
		}
		rows.push(rest);
		return rows;
	});
}

/** Rows of a text (see `wrapRows`), `height` at a time from `offset`. */
export function Pager({
	title,
	lines,
	offset,
	height,
	onWheel,
}: {
	readonly title: string;
	readonly lines: readonly string[];
	readonly offset: number;
	readonly height: number;
	/** The wheel over the text: -1 up, 1 down (three rows a notch, as terminals scroll). */
	readonly onWheel?: ((delta: -1 | 1) => void) | undefined;
}) {
	const visible = lines.slice(offset, offset + height);
	const box = useRef<DOMElement>(null);
	useMouseRegion(box, (event) => {
		if (event.kind !== "wheel" || !onWheel) return false;
		onWheel(event.delta);
		return true;
	});
	return (
		<Box flexDirection="column" flexGrow={1} ref={box}>
			<Text bold>
				{title}{" "}
				<Text dimColor>
					lines {lines.length === 0 ? 0 : offset + 1}-{offset + visible.length} of {lines.length}
				</Text>
			</Text>
			{visible.map((line, index) => (
				<Text key={`${offset + index}`} wrap="truncate-end">
					{line === "" ? " " : line}
				</Text>
			))}
		</Box>
	);
}
