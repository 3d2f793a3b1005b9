import { Box, type DOMElement, Text } from "ink";
import type { ReactNode } from "react";
import { useRef, useState } from "react";
import { childAtRow, useMouseRegion } from "./mouse.js";
import { windowStart } from "./window.js";
import { glyphs } from "./glyphs.js";

export type ListViewProps<T> = {
	/** Everything that could be shown; only `height` rows are rendered. */
	readonly items: readonly T[];
	readonly selected: number;
	readonly height: number;
	readonly focused: boolean;
	readonly renderItem: (item: T, selected: boolean) => ReactNode;
	readonly itemKey: (item: T) => string;
	readonly empty?: string;
	/** A click on a row (its index in `items`). */
	readonly onSelect?: ((index: number) => void) | undefined;
	/** The wheel over the list: -1 up, 1 down. */
	readonly onWheel?: ((delta: -1 | 1) => void) | undefined;
};

/** A list that renders only its visible rows, so thousands of entries scroll without lag. */
export function ListView<T>({
	items,
	selected,
	height,
	focused,
	renderItem,
	itemKey,
	empty,
	onSelect,
	onWheel,
}: ListViewProps<T>) {
	// the window stays where it was until the cursor leaves it (React's "adjust state while rendering")
	const [previous, setPrevious] = useState(0);
	const start = windowStart(selected, height, items.length, previous);
	if (start !== previous) setPrevious(start);
	const visible = items.slice(start, start + height);
	const box = useRef<DOMElement>(null);
	useMouseRegion(box, (event, at) => {
		if (event.kind === "wheel" && onWheel) {
			onWheel(event.delta);
			return true;
		}
		if (event.kind !== "press" || event.button !== "left" || !onSelect) return false;
		const row = childAtRow(box.current, at.y);
		// the "1-17 of 200" line under the rows is not a row
		if (row === undefined || row >= visible.length) return false;
		onSelect(start + row);
		return true;
	});
	if (items.length === 0) return <Text dimColor>{empty ?? "(nothing)"}</Text>;
	return (
		<Box flexDirection="column" ref={box}>
			{visible.map((item, offset) => {
				const isSelected = start + offset === selected;
				return (
					<Box key={itemKey(item)}>
						{/* the marker keeps its two columns however long the row; its glyph says which list has
						    the keys, where colour cannot (NO_COLOR) */}
						<Box flexShrink={0} width={2}>
							<Text color={isSelected && focused ? "cyan" : undefined}>
								{isSelected ? (focused ? glyphs.pointer : glyphs.pointerIdle) : " "}
							</Text>
						</Box>
						{renderItem(item, isSelected)}
					</Box>
				);
			})}
			{items.length > height ? (
				<Text dimColor>{`  ${start + 1}${glyphs.range}${start + visible.length} of ${items.length}`}</Text>
			) : null}
		</Box>
	);
}
