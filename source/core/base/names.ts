/** PEP 503 normalization: runs of `-`, `_` and `.` become one `-`, lower case. */
export function normalizeName(name: string): string {
	return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** A name-like word: what a requirement starts with, and what uv's messages name. */
const NAME_WORD = "[A-Za-z0-9][A-Za-z0-9._-]*";
const REQUIREMENT_NAME = new RegExp(`^\\s*(${NAME_WORD})`);
const NAME_WORDS = new RegExp(NAME_WORD, "g");

/** The distribution name a PEP 508 requirement string starts with (`foo>=1` → `foo`), as written. */
export function requirementName(requirement: unknown): string | undefined {
	return typeof requirement === "string" ? REQUIREMENT_NAME.exec(requirement)?.[1] : undefined;
}

/** Every name-like word of a text (such as uv's explanation of a conflict), normalized. */
export function nameWords(text: string): string[] {
	return (text.match(NAME_WORDS) ?? []).map(normalizeName);
}

// PEP 508: ASCII letters and digits, with `-`, `_` and `.` only between them.
const PEP508_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** The longest name hpm takes: a name becomes a file name (`<name>.yaml`, and its backup copies). */
export const MAX_NAME_LENGTH = 200;

/** Why `name` is not a valid package name, or undefined when it is one. */
export function invalidNameReason(name: string): string | undefined {
	if (name.length === 0) return "the name is empty";
	if (name.length > MAX_NAME_LENGTH)
		return `a name must be at most ${MAX_NAME_LENGTH} characters (it names a file), this one has ${name.length}`;
	if (name.startsWith("-")) return "a name must not start with '-' (it would read as an option)";
	if (name.includes("/") || name.includes("\\")) return "a name must not contain a path separator";
	if (name.includes("..")) return "a name must not contain '..'";
	if (/[^\x20-\x7e]/.test(name)) {
		return "a name must be plain ASCII (letters, digits, '-', '_', '.'); look-alike characters are not allowed";
	}
	if (!PEP508_NAME.test(name)) {
		return "a name must start and end with a letter or digit and hold only letters, digits, '-', '_' and '.' (PEP 508)";
	}
	return undefined;
}

/** Mode names in manifests and pyproject.toml: lower-case, starting with a letter. */
export const MODE_PATTERN = /^[a-z][a-z0-9_-]*$/;

/** The mode a project uses when `[tool.hpm] mode` says none, and a new source is for when none is given. */
export const DEFAULT_MODE = "prod";

/** The known word closest to `word` by edit distance, when it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
	let best: string | undefined;
	let bestDistance = Number.POSITIVE_INFINITY;
	for (const candidate of candidates) {
		const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}
	return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
	// optimal string alignment: a swap of two neighbours (`lsit` for `list`) is one edit, as typed
	const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
	for (let i = 1; i <= a.length; i++) {
		const row = [i];
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			const above = rows[i - 1] ?? [];
			let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
				best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
			row[j] = best;
		}
		rows.push(row);
	}
	return rows[a.length]?.[b.length] ?? 0;
}
