import { Text } from "ink";

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
