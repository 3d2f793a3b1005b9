import { Text } from "ink";
import { unicodeTerminal } from "./glyphs.js";

export type KeyHint = readonly [key: string, action: string];

/** The keys of the current screen on one line at the bottom (cut, never wrapped, when narrow). */
export function StatusBar({
	hints,
	message,
}: {
	readonly hints: readonly KeyHint[];
	readonly message?: string | undefined;
}) {
	if (message) {
		return (
			<Text color="yellow" wrap="truncate-end">
				{message}
			</Text>
		);
	}
	if (!unicodeTerminal()) {
		// Ink cuts with "…", which a non-UTF-8 terminal cannot show: the hints that fit, then "..."
		const width = Math.max(10, (process.stdout.columns || 80) - 1);
		let line = "";
		for (const [key, action] of hints) {
			const next = `${line}${line ? "  " : ""}${key} ${action}`;
			if (next.length > width) {
				line = `${line.slice(0, width - 3)}...`;
				break;
			}
			line = next;
		}
		return <Text>{line}</Text>;
	}
	return (
		<Text wrap="truncate-end">
			{hints.map(([key, action], index) => (
				<Text key={key}>
					{index > 0 ? "  " : ""}
					<Text bold>{key}</Text>
					<Text dimColor> {action}</Text>
				</Text>
			))}
		</Text>
	);
}
