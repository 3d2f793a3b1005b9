import { Box, Text } from "ink";
import { wrapRows } from "./pager.js";

/** The last `height` rows (at most) of a stream of output, long lines wrapped (never cut) at `width`. */
export function LogTail({
	lines,
	height,
	width,
}: {
	readonly lines: readonly string[];
	readonly height: number;
	readonly width: number;
}) {
	const rows = wrapRows(lines, width);
	const visible = rows.slice(-height);
	return (
		<Box flexDirection="column">
			{visible.map((line, index) => (
				<Text key={`${rows.length - visible.length + index}`} wrap="truncate-end" dimColor>
					{line === "" ? " " : line}
				</Text>
			))}
		</Box>
	);
}
