/**
 * uv's streamed lines as a person is shown them: uv's hints about flags and commands hpm does not
 * take (`provide the \`--frozen\` flag`, `uv lock --upgrade`) are dropped, as `uvDetail` drops them
 * from a problem's detail, with the blank line uv puts before them. A hint is held until the line
 * after its last continuation line arrives (or uv exits), so the rest streams as it comes.
 */
export type ShownLines = {
	/** The lines to show now, for one more line from uv. */
	push(line: string): readonly string[];
	/** The lines still held, when uv has exited. */
	end(): readonly string[];
};

export function shownLines(): ShownLines {
	let held: string[] = [];
	let hintIndent: number | undefined;
	const indentOf = (line: string) => /^\s*/.exec(line)?.[0].length ?? 0;
	const release = (): string[] => {
		const block = held;
		held = [];
		const hint = hintIndent !== undefined;
		hintIndent = undefined;
		// a hint hpm would only have to contradict goes, with the blank lines before it
		return hint && uvDetail(block.filter((line) => line.trim() !== "")) === "" ? [] : block;
	};
	return {
		push(line) {
			if (hintIndent !== undefined) {
				// a hint's continuation lines are indented further than the hint itself
				if (line.trim() !== "" && indentOf(line) > hintIndent + 2) {
					held.push(line);
					return [];
				}
				const shown = release();
				return [...shown, ...this.push(line)];
			}
			if (line.trim() === "") {
				held.push(line);
				return [];
			}
			const hint = /^(\s*)hint:/.exec(line);
			if (hint) {
				hintIndent = (hint[1] ?? "").length;
				held.push(line);
				return [];
			}
			const shown = [...held, line];
			held = [];
			return shown;
		},
		end: () => release(),
	};
}

/**
 * uv's lines as a problem's detail, without uv's hints that tell the user to pass uv a flag or
 * run a uv command (`--prerelease=allow`, `uv lock --upgrade`): hpm runs uv for them and takes
 * no such flag. A hint's continuation lines go with it.
 */
export function uvDetail(lines: readonly string[]): string {
	const kept: string[] = [];
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i] ?? "";
		const hint = /^(\s*)hint:/.exec(line);
		if (!hint) {
			kept.push(line);
			continue;
		}
		// the hint and the more-indented lines that continue it
		const indent = (hint[1] ?? "").length;
		let end = i + 1;
		while (end < lines.length && (/^\s*/.exec(lines[end] ?? "")?.[0].length ?? 0) > indent + 2) end++;
		const block = lines.slice(i, end);
		if (!/`(--|uv )|\(try: /.test(block.join(" "))) kept.push(...block);
		i = end - 1;
	}
	return kept.join("\n").trim();
}
