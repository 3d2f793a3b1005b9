import { Box, Text } from "ink";
import type { KeyHint } from "./status-bar.js";
import { glyphs } from "./glyphs.js";

/** Every key of the current screen with what it does. */
export function HelpOverlay({
	title,
	keys,
	legend = [],
}: {
	readonly title: string;
	readonly keys: readonly KeyHint[];
	/** What the screen's marks mean, e.g. `(*)` picked in a 1-of-N group. */
	readonly legend?: readonly KeyHint[];
}) {
	return (
		<Box flexDirection="column" borderStyle={glyphs.roundBorder} borderColor="cyan" paddingX={1}>
			<Text bold>{title}</Text>
			{keys.map(([key, action]) => (
				<Box key={key}>
					<Box width={12}>
						<Text bold>{key}</Text>
					</Box>
					<Text>{action}</Text>
				</Box>
			))}
			{legend.length > 0 ? <Text bold>{"\n"}what the marks mean</Text> : null}
			{legend.map(([mark, meaning]) => (
				<Box key={mark}>
					<Box width={12}>
						<Text>{mark}</Text>
					</Box>
					<Text dimColor>{meaning}</Text>
				</Box>
			))}
			<Text dimColor>press ? or Esc to close</Text>
		</Box>
	);
}
