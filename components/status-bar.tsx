import { Text } from "ink";

export type KeyHint = readonly [key: string, action: string];

/** Keys that are always shown, however narrow the terminal: help and quit. */
const ALWAYS = new Set(["?", "q"]);

/**
 * The hints that fit in `width` columns, in their order: `?` and `q` always, then the others from
 * the first while they fit; when even those do not fit, the actions are shortened to their first
 * word. Never wider than `width`, so nothing is cut mid-word or wrapped.
 */
export function fitHints(hints: readonly KeyHint[], width: number): KeyHint[] {
	const length = (list: readonly KeyHint[]) =>
		list.reduce((sum, [k, a], i) => sum + (i > 0 ? 2 : 0) + k.length + 1 + a.length, 0);
	const always = hints.filter(([key]) => ALWAYS.has(key));
	const kept = new Set(always);
	for (const hint of hints) {
		if (kept.has(hint)) continue;
		const trial = hints.filter((h) => kept.has(h) || h === hint);
		if (length(trial) <= width) kept.add(hint);
	}
	const fitted = hints.filter((hint) => kept.has(hint));
	if (length(fitted) <= width) return fitted;
	return fitted.map(([key, action]) => [key, action.split(" ")[0] ?? action] as const);
}

/** The keys of the current screen on one line at the bottom; `?` and `q` are always there. */
export function StatusBar({
	hints,
	message,
	width = (process.stdout.columns || 80) - 1,
}: {
	readonly hints: readonly KeyHint[];
	readonly message?: string | undefined;
	readonly width?: number;
}) {
	if (message) {
		return (
			<Text color="yellow" wrap="truncate-end">
				{message}
			</Text>
		);
	}
	return (
		<Text>
			{fitHints(hints, Math.max(10, width)).map(([key, action], index) => (
				<Text key={key}>
					{index > 0 ? "  " : ""}
					<Text bold>{key}</Text>
					<Text dimColor> {action}</Text>
				</Text>
			))}
		</Text>
	);
}
