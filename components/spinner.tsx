import { Text } from "ink";
import { useEffect, useState } from "react";
import { glyphs } from "./glyphs.js";

const FRAMES = glyphs.spinner;

/** A spinner with the seconds elapsed since `since`. */
export function Spinner({ since, label }: { readonly since: number; readonly label: string }) {
	const [now, setNow] = useState(since);
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), 100);
		return () => clearInterval(timer);
	}, []);
	const frame = FRAMES[Math.floor(now / 100) % FRAMES.length];
	return (
		<Text>
			<Text color="cyan">{frame}</Text> {label} <Text dimColor>{((now - since) / 1000).toFixed(1)}s</Text>
		</Text>
	);
}
