import { Box, Text } from "ink";
import { glyphs } from "./glyphs.js";
import { wrapRows } from "./pager.js";
import type { KeyHint } from "./status-bar.js";

/** The width of the key column; a meaning that does not fit beside it wraps under itself. */
const KEY_COLUMN = 12;

/**
 * The help's rows at a text width: every key with what it does, then what the screen's marks
 * mean, each meaning wrapped (never cut) and indented under its own column.
 */
export function helpRows(keys: readonly KeyHint[], legend: readonly KeyHint[], width: number): HelpRow[] {
	const entry = ([key, meaning]: KeyHint): HelpRow[] =>
		wrapRows([meaning], Math.max(10, width - KEY_COLUMN)).map((text, index) => ({
			key: index === 0 ? key : "",
			text,
		}));
	return [
		...keys.flatMap(entry),
		...(legend.length > 0
			? [
					{ key: "", text: "" },
					{ key: "", text: "what the marks mean", heading: true },
				]
			: []),
		...legend.flatMap(entry),
	];
}

/** One row of the help: a key (or a mark) and what it does, or a heading. */
export type HelpRow = { readonly key: string; readonly text: string; readonly heading?: boolean };

/** How many rows of the help fit: the border, the title and the closing line take 4. */
export function helpHeight(height: number | undefined): number {
	return Math.max(1, (height ?? 1000) - 4);
}

/**
 * Every key of the current screen with what it does and what its marks mean, as many rows as fit
 * from `offset`; the title says which rows show when not all of them do (↑↓ scroll).
 */
export function HelpOverlay({
	title,
	keys,
	legend = [],
	height,
	width = 100,
	offset = 0,
}: {
	readonly title: string;
	readonly keys: readonly KeyHint[];
	/** What the screen's marks mean, e.g. `(*)` picked in a 1-of-N group. */
	readonly legend?: readonly KeyHint[];
	/** The rows it may take. */
	readonly height?: number;
	/** The terminal's columns. */
	readonly width?: number;
	/** The first row shown. */
	readonly offset?: number;
}) {
	const rows = helpRows(keys, legend, width - 4);
	const room = helpHeight(height);
	const start = Math.min(offset, Math.max(0, rows.length - room));
	const visible = rows.slice(start, start + room);
	const scrolls = rows.length > room;
	return (
		<Box flexDirection="column" borderStyle={glyphs.roundBorder} borderColor="cyan" paddingX={1}>
			<Text bold wrap="truncate-end">
				{title}
				{scrolls ? (
					<Text dimColor>
						{"  "}
						lines {start + 1}
						{glyphs.range}
						{start + visible.length} of {rows.length}, {glyphs.upDown} scroll
					</Text>
				) : null}
			</Text>
			{visible.map((row, index) => (
				<Text
					// the rows are not unique (blank ones): their position is their identity
					key={start + index}
					wrap="truncate-end"
				>
					{row.heading ? (
						<Text bold>{row.text}</Text>
					) : (
						<>
							<Text bold>{`${row.key.padEnd(KEY_COLUMN - 1)} `}</Text>
							{row.text || " "}
						</>
					)}
				</Text>
			))}
			<Text dimColor>press ? or Esc to close</Text>
		</Box>
	);
}
