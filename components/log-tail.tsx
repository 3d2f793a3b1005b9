import { Box, Text } from "ink";

/** The last `height` lines of a stream of output. */
export function LogTail({ lines, height }: { readonly lines: readonly string[]; readonly height: number }) {
	const visible = lines.slice(-height);
	return (
		<Box flexDirection="column" height={height}>
			{visible.map((line, index) => (
				<Text key={`${lines.length - visible.length + index}`} wrap="truncate-end" dimColor>
					{line}
				</Text>
			))}
		</Box>
	);
}
