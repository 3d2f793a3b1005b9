import { Box, Text } from "ink";
import type { KeyHint } from "./status-bar.js";
import { glyphs } from "./glyphs.js";

/** Every key of the current screen with what it does. */
export function HelpOverlay({
	title,
	keys,
	legend = [],
	height,
}: {
	readonly title: string;
	readonly keys: readonly KeyHint[];
	/** What the screen's marks mean, e.g. `(*)` picked in a 1-of-N group. */
	readonly legend?: readonly KeyHint[];
	/** The rows it may take: one line per key, the legend only if it fits too. */
	readonly height?: number;
}) {
	// border, title and the closing line take 4 rows; the legend needs 2 more for its title
	const room = Math.max(1, (height ?? 1000) - 4);
	const shownKeys = keys.length > room ? keys.slice(0, Math.max(1, room - 1)) : keys;
	const hidden = keys.length - shownKeys.length;
	const legendShown = hidden === 0 && keys.length + 2 + legend.length <= room ? legend : [];
	return (
		<Box flexDirection="column" borderStyle={glyphs.roundBorder} borderColor="cyan" paddingX={1}>
			<Text bold>{title}</Text>
			{shownKeys.map(([key, action]) => (
				<Box key={key}>
					<Box width={12} flexShrink={0}>
						<Text bold>{key}</Text>
					</Box>
					<Text>{action}</Text>
				</Box>
			))}
			{hidden > 0 ? <Text dimColor>and {hidden} more (a taller terminal shows them)</Text> : null}
			{legendShown.length > 0 ? <Text bold>{"\n"}what the marks mean</Text> : null}
			{legendShown.map(([mark, meaning]) => (
				<Box key={mark}>
					<Box width={12} flexShrink={0}>
						<Text>{mark}</Text>
					</Box>
					<Text dimColor>{meaning}</Text>
				</Box>
			))}
			<Text dimColor>press ? or Esc to close</Text>
		</Box>
	);
}
