import { Box, Text } from "ink";
import type { KeyHint } from "./status-bar.js";
import { glyphs } from "./glyphs.js";

/** Every key of the current screen with what it does. */
export function HelpOverlay({ title, keys }: { readonly title: string; readonly keys: readonly KeyHint[] }) {
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
			<Text dimColor>press ? or Esc to close</Text>
		</Box>
	);
}
